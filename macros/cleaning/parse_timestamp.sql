{#-
    Datetimes arrive as `2020-08-28 03:52:47`, `2020-08-28T03:52:47` or with
    fractions of a second; all of them become a real timestamp (session time zone
    UTC), and an unparseable value becomes null.
-#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch("parse_timestamp", "pinlake")(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {{ dbt.safe_cast("replace(trim(" ~ column ~ "), 'T', ' ')", "timestamp") }}
{%- endmacro %}

{#- Spark's cast reads both separators and fractions itself. -#}
{% macro spark__parse_timestamp(column) -%}
    try_cast(trim({{ column }}) as timestamp)
{%- endmacro %}
