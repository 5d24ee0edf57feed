{#-
    Composite primary key test: no two rows share the same values in `columns`
    (nulls count as values). Our own version of dbt_utils.unique_combination_of_columns,
    since the project uses no dbt packages.
-#}
{% test unique_combination(model, columns) %}

    select
        {{ columns | join(", ") }},
        count(*) as number_of_rows
    from {{ model }}
    group by {{ columns | join(", ") }}
    having count(*) > 1

{% endtest %}
