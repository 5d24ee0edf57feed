{#-
    Bronze is append-only: the same post can arrive many times (re-extracts, producer
    retries, Kafka redelivery). Staging keeps one row per `ind`, the latest arrival:
    highest `ingested_at`, then highest Kafka offset, then the other provenance columns
    so the choice is deterministic. Rows without a usable `ind` are dropped here.

    Those rows are dropped by the rank (no `ind`, no rank), not by a filter on `ind`
    before it: Spark pushes an `ind is not null` filter below the projection that
    parses the payload and parses every payload again for it (once per key name), which
    made the full build of `stg_pinterest__pins` about a third slower at 1M posts.

    `relation` must have a struct column `record` (see parse_payload) and the bronze
    provenance columns. This is the only place the rule lives, for full and incremental
    builds alike.

    Incremental builds (the staging models merge on `ind`) read only the arrivals that
    landed after the latest one already in the target (`landed_after_watermark`, which
    lets Delta skip the bronze files landed before it): `ingested_at` is the landing time,
    never a payload or Kafka time, so a late Kafka record or a re-arrival carrying an
    older payload still counts as the newer arrival. Every row read is therefore a
    strictly later arrival than every row in the target, and the merge only ever replaces
    a post by a later arrival of it; arrivals of one post within the same increment are
    ranked here first, so the merge sees one row per `ind`. An empty target (built before
    anything landed) reads everything. A row that lands with an `ingested_at` at or below
    the target's latest (two writers racing on one bronze table) would be missed until the
    next `--full-refresh`; bronze has one writer per table at a time.
-#}
{% macro latest_arrival_per_ind(relation) -%}
    select ranked.*
    from (
        select
            keyed.*,
            case
                when keyed.ind is not null then row_number() over (
                    partition by keyed.ind
                    order by
                        keyed.ingested_at desc,
                        keyed.kafka_offset desc nulls last,
                        keyed.kafka_timestamp desc nulls last,
                        keyed.extract_id desc nulls last,
                        keyed.payload desc
                )
            end as arrival_rank
        from (
            select
                arrivals.*,
                {{ post_ind("arrivals.record") }} as ind
            from {{ relation }} as arrivals
            {%- if is_incremental() %}
                where {{ landed_after_watermark("arrivals.ingested_at", "ingested_at") }}
            {%- endif %}
        ) as keyed
    ) as ranked
    where ranked.arrival_rank = 1
{%- endmacro %}
