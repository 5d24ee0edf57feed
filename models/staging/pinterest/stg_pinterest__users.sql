with

source as (

    select
        {{ parse_payload("payload", [
            "ind", "index", "first_name", "last_name", "age", "date_joined",
        ]) }} as record,
        payload,
        record_source,
        extract_id,
        kafka_offset,
        kafka_timestamp,
        ingested_at
    from {{ source("pinterest", "user") }}

),

latest as (

    {{ latest_arrival_per_ind("source") }}

),

cleaned as (

    select
        -- ids
        ind,

        -- strings
        {{ null_if_placeholder("record.first_name", "first_name") }} as first_name,
        {{ null_if_placeholder("record.last_name", "last_name") }} as last_name,
        {{ full_name(
            null_if_placeholder("record.first_name", "first_name"),
            null_if_placeholder("record.last_name", "last_name"),
        ) }} as user_name,

        -- numerics
        {{ parse_number("record.age", "int") }} as age,

        -- timestamps
        {{ parse_timestamp("record.date_joined") }} as date_joined,

        -- provenance
        record_source,
        ingested_at

    from latest

)

select * from cleaned
