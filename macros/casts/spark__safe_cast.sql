{#-
    dbt's `safe_cast` on Spark: `try_cast`, null for a value that does not convert.

    dbt-spark's own version is a plain `cast`, safe only while `spark.sql.ansi.enabled`
    is off. dbt-spark turns ANSI off in the session it opens, but a Spark Thrift Server
    ignores that setting when dbt connects (only `set:hiveconf:` keys reach its session),
    and Spark 4 runs with ANSI on: there `cast('12kk' as decimal(20, 3))` fails the whole
    model instead of giving null. The cleaning rules depend on the null, so they use
    `try_cast` on every target. Like dbt-spark's, it unquotes a literal meant for a
    struct, array or map type (dbt's unit-test fixtures write those as SQL text).
-#}
{% macro spark__safe_cast(field, type) -%}
    {%- set unquoted = cast_from_string_unsupported_for(type) and field is string -%}
    try_cast({{ field.strip('"').strip("'") if unquoted else field }} as {{ type }})
{%- endmacro %}
