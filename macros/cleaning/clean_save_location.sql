{#-
    `save_location` arrives as a sentence (`Local save in /data/travel`); only the
    path is kept (`/data/travel`, no leading space). A value without a path is null.
-#}
{% macro clean_save_location(column) -%}
    {{ return(adapter.dispatch("clean_save_location", "pinlake")(column)) }}
{%- endmacro %}

{% macro default__clean_save_location(column) -%}
    nullif(trim(replace({{ column }}, 'Local save in ', '')), '')
{%- endmacro %}

{#- Spark: keep everything from the first slash, whatever the prefix says. -#}
{% macro spark__clean_save_location(column) -%}
    nullif(regexp_extract(trim({{ column }}), '(/.*)$', 1), '')
{%- endmacro %}
