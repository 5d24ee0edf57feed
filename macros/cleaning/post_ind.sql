{#-
    The post index: `ind` in geolocation and user records, `index` in pin records,
    and in the wild either name for any kind, as a JSON number or a string. Both are
    read and the result is always called `ind`.
-#}
{% macro post_ind(record) -%}
    {{ parse_number("coalesce(" ~ record ~ ".ind, " ~ record ~ ".`index`)", "bigint") }}
{%- endmacro %}
