{#-
    `user_name` = first name, a space, last name (each trimmed). A missing half is
    left out rather than leaving a stray space; with no name at all the result is null.
-#}
{% macro full_name(first_name, last_name) -%}
    {{ return(adapter.dispatch("full_name", "pinlake")(first_name, last_name)) }}
{%- endmacro %}

{% macro default__full_name(first_name, last_name) -%}
    nullif(concat_ws(' ', trim({{ first_name }}), trim({{ last_name }})), '')
{%- endmacro %}
