{#-
    A 0/1 flag (`downloaded`). The source holds 0 or 1; clients may send it as a JSON
    number, a string (`"1"`, `"1.0"`) or a JSON boolean (the ingestion API accepts
    `true`/`false` as the same flag), which the payload parser hands over as the text
    `true`/`false`. Booleans become 1/0, numbers go through `parse_number`, anything
    else is null.
-#}
{% macro parse_flag(column) -%}
    case lower(trim({{ column }}))
        when 'true' then 1
        when 'false' then 0
        else {{ parse_number(column, "int") }}
    end
{%- endmacro %}
