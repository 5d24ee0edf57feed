{{ config(unique_key="landing_id") }}

{#-
    How many records of each kind landed in bronze each minute, and how many of them
    staging cannot place (not a JSON object, or no numeric `ind`/`index`). Incremental
    like the other staging models, but by the minute: a build reads each kind's bronze
    rows from the start of the latest minute already here, so that minute is counted
    again in full and merged over its partial count, and every later minute is new.
-#}

with

{% for kind in ["pin", "geo", "user"] %}
{{ kind }}_arrivals as (

    select
        '{{ kind }}' as record_kind,
        record_source,
        ingested_at,
        {{ parse_payload("payload", ["ind", "index"]) }} as record
    from {{ source("pinterest", kind) }}
    {%- if is_incremental() %}
    where {{ landed_after_watermark(
        "ingested_at", "landed_minute", ">=", "built.record_kind = '" ~ kind ~ "'"
    ) }}
    {%- endif %}

),

{% endfor %}
arrivals as (

    select * from pin_arrivals
    union all
    select * from geo_arrivals
    union all
    select * from user_arrivals

),

landings as (

    select
        record_kind,
        record_source,
        date_trunc('minute', ingested_at) as landed_minute,
        count(*) as records,
        count(*) - count({{ post_ind("arrivals.record") }}) as records_without_ind,
        max(ingested_at) as last_ingested_at
    from arrivals
    group by 1, 2, 3

),

final as (

    select
        {{ surrogate_key(["record_kind", "record_source", "landed_minute"]) }} as landing_id,
        record_kind,
        record_source,
        landed_minute,
        records,
        records_without_ind,
        last_ingested_at
    from landings

)

select * from final
