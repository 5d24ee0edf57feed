{#-
    The rows of `relation` whose `ind` is in `post_inds` (a relation or CTE with an `ind`
    column), for an incremental build that re-joins only the posts that changed: those
    are few, so they are broadcast and each staging table is filtered where it lies,
    never shuffled whole for a join. A full build keeps every row.
-#}
{% macro rows_of_posts(relation, post_inds) -%}
    {%- if is_incremental() -%}
        select /*+ broadcast({{ post_inds }}) */ {{ relation }}.*
        from {{ relation }}
        left semi join {{ post_inds }} on {{ relation }}.ind = {{ post_inds }}.ind
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}
