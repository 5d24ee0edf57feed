{{ config(severity="warn") }}

{#-
    Bronze records staging cannot place: the payload is not a JSON object, or it has
    no numeric `ind`/`index`. They are kept in bronze (never cleaned or deleted) but
    left out of staging; this test warns with one row per such record so they are seen.
-#}
{% for kind in ["pin", "geo", "user"] %}
    select
        '{{ kind }}' as record_kind,
        source.payload,
        source.record_source,
        source.extract_id,
        source.kafka_topic,
        source.kafka_partition,
        source.kafka_offset,
        source.ingested_at
    from {{ source("pinterest", kind) }} as source
    where {{ post_ind(parse_payload("source.payload", ["ind", "index"])) }} is null
    {% if not loop.last %}union all{% endif %}
{% endfor %}
