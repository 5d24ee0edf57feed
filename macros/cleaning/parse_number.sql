{#-
    Numbers arrive as JSON numbers or as strings (`7528`, `"7528"`, `"7528.0"`,
    `" 20 "`); the payload parser hands both over as text. Integers go through a
    decimal so `7528.0` is accepted; anything unparseable becomes null instead of
    failing the whole model (Spark runs with ANSI casts).
-#}
{% macro parse_number(column, data_type="bigint") -%}
    {{ return(adapter.dispatch("parse_number", "pinlake")(column, data_type)) }}
{%- endmacro %}

{% macro default__parse_number(column, data_type="bigint") -%}
    {%- if data_type in ("bigint", "int", "integer", "smallint") -%}
        {{ dbt.safe_cast(dbt.safe_cast("trim(" ~ column ~ ")", "decimal(38, 6)"), data_type) }}
    {%- else -%}
        {{ dbt.safe_cast("trim(" ~ column ~ ")", data_type) }}
    {%- endif -%}
{%- endmacro %}
