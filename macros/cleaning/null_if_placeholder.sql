{#-
    A text value that says "there is no value" becomes null: the empty (or blank)
    string, and every placeholder the seed `placeholder_strings` lists for this column
    (compared after trimming). The list is data, not code, so analysts extend it
    without touching SQL. Portable SQL: an IN-subquery in the select list, which
    Spark, Postgres and Snowflake all accept.
-#}
{% macro null_if_placeholder(column, column_name) -%}
    {{ return(adapter.dispatch("null_if_placeholder", "pinlake")(column, column_name)) }}
{%- endmacro %}

{% macro default__null_if_placeholder(column, column_name) -%}
    case
        when trim({{ column }}) = '' then null
        when trim({{ column }}) in (
            select placeholder_strings.placeholder
            from {{ ref("placeholder_strings") }} as placeholder_strings
            where placeholder_strings.column_name = '{{ column_name }}'
        ) then null
        else {{ column }}
    end
{%- endmacro %}

{#-
    Spark: the placeholder list of the column is one uncorrelated scalar subquery, run
    once and used as a literal array, instead of an IN-subquery that Spark plans as one
    existence join per cleaned column.
-#}
{% macro spark__null_if_placeholder(column, column_name) -%}
    case
        when trim({{ column }}) = '' then null
        when array_contains(
            (
                select collect_set(placeholder_strings.placeholder)
                from {{ ref("placeholder_strings") }} as placeholder_strings
                where placeholder_strings.column_name = '{{ column_name }}'
            ),
            trim({{ column }})
        ) then null
        else {{ column }}
    end
{%- endmacro %}
