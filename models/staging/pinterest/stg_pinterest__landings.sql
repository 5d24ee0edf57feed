{{ config(unique_key="landing_id") }}

{#-
    How many records of each kind landed in bronze each minute, and how many of them
    staging cannot place (not a JSON object, or no numeric `ind`/`index`). Incremental
    like the other staging models: a build reads each kind's bronze rows landed after
    the last one counted here, and a minute counted before that gets more records gets
    its earlier count plus the new one.
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
        "ingested_at", "last_ingested_at", built_where="built.record_kind = '" ~ kind ~ "'"
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

new_landings as (

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

landings as (

    {% if is_incremental() %}
    select
        new_landings.record_kind,
        new_landings.record_source,
        new_landings.landed_minute,
        new_landings.records + coalesce(built.records, 0) as records,
        new_landings.records_without_ind + coalesce(built.records_without_ind, 0)
            as records_without_ind,
        new_landings.last_ingested_at
    from new_landings
    left join {{ this }} as built
        on
            new_landings.record_kind = built.record_kind
            and new_landings.record_source = built.record_source
            and new_landings.landed_minute = built.landed_minute
    {% else %}
    select * from new_landings
    {% endif %}

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
