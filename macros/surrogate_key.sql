{#-
    A stable surrogate key from natural-key columns: md5 of the values joined with a
    separator, nulls spelt out so (`a`, null) and (null, `a`) differ. Our own small
    version of dbt_utils.generate_surrogate_key, as the project uses no packages.
-#}
{% macro surrogate_key(columns) -%}
    {{ return(adapter.dispatch("surrogate_key", "pinlake")(columns)) }}
{%- endmacro %}

{% macro default__surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_pinlake_null_')"
        ) -%}
    {%- endfor -%}
    md5(concat({{ parts | join(", '|', ") }}))
{%- endmacro %}
