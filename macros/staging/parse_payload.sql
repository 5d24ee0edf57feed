{#-
    Parse a bronze payload (raw JSON text) into a struct of the named fields, every
    field as text: JSON numbers come through as their digits, so the cleaning macros
    see `7528` and `"7528"` alike and decide the types themselves. A payload that is
    not a JSON object yields a struct of nulls (no `ind`), which staging leaves out;
    `stg_pinterest__landings` counts such records and the data test
    `bronze_records_without_ind` warns about them.
-#}
{% macro parse_payload(payload, fields) -%}
    {{ return(adapter.dispatch("parse_payload", "pinlake")(payload, fields)) }}
{%- endmacro %}

{% macro default__parse_payload(payload, fields) -%}
    {{ exceptions.raise_compiler_error(
        "parse_payload has no implementation for adapter '" ~ adapter.type()
        ~ "'; add a " ~ adapter.type() ~ "__parse_payload macro"
    ) }}
{%- endmacro %}

{% macro spark__parse_payload(payload, fields) -%}
    {%- set schema = [] -%}
    {%- for field in fields -%}
        {%- do schema.append("`" ~ field ~ "` string") -%}
    {%- endfor -%}
    from_json({{ payload }}, '{{ schema | join(", ") }}')
{%- endmacro %}
