{#-
    dbt-spark's listing of a schema (`show table extended`), minus the schema tree that
    Spark prints for some tables (` |-- age: integer (nullable = true)`). dbt-spark reads
    the catalog's columns from that tree when it is there, which gives Spark's tree names
    (`long`, `integer`) and drops element types (`array` for `array<double>`); without it
    dbt-spark describes each table (`describe extended`) and the catalog shows the real
    types, the same ones the contracts declare. Everything else in the listing (type,
    provider, location) is kept as is. Rows go back as plain lists, which dbt-spark
    unpacks like the query's rows.
-#}
{% macro spark__list_relations_without_caching(relation) %}
    {% call statement("list_relations_without_caching", fetch_result=True) -%}
        show table extended in {{ relation.schema }} like '*'
    {%- endcall %}
    {% set relations = [] %}
    {% for row in load_result("list_relations_without_caching").table %}
        {% set kept = [] %}
        {% for line in (row[3] or "").split("\n") %}
            {% if not line.startswith(" |") and line.strip() != "Schema: root" %}
                {% do kept.append(line) %}
            {% endif %}
        {% endfor %}
        {% do relations.append([row[0], row[1], row[2], kept | join("\n")]) %}
    {% endfor %}
    {% do return(relations) %}
{% endmacro %}
