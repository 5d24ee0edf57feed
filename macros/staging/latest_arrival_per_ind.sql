{#-
    Bronze is append-only: the same post can arrive many times (re-extracts, producer
    retries, Kafka redelivery). Staging keeps one row per `ind`, the latest arrival:
    highest `ingested_at`, then highest Kafka offset, then the other provenance columns
    so the choice is deterministic. Rows without a usable `ind` are dropped here.

    `relation` must have a struct column `record` (see parse_payload) and the bronze
    provenance columns. This is the only place the dedup rule lives, so the staging
    models can become incremental (Delta merge on `ind`) by changing it once.
-#}
{% macro latest_arrival_per_ind(relation) -%}
    select ranked.*
    from (
        select
            keyed.*,
            row_number() over (
                partition by keyed.ind
                order by
                    keyed.ingested_at desc,
                    keyed.kafka_offset desc nulls last,
                    keyed.kafka_timestamp desc nulls last,
                    keyed.extract_id desc nulls last,
                    keyed.payload desc
            ) as arrival_rank
        from (
            select
                arrivals.*,
                {{ post_ind("arrivals.record") }} as ind
            from {{ relation }} as arrivals
        ) as keyed
        where keyed.ind is not null
    ) as ranked
    where ranked.arrival_rank = 1
{%- endmacro %}
