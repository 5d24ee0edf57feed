with

source as (

    select
        {{ parse_payload("payload", [
            "ind", "index", "timestamp", "latitude", "longitude", "country",
        ]) }} as record,
        payload,
        record_source,
        extract_id,
        kafka_offset,
        kafka_timestamp,
        ingested_at
    from {{ source("pinterest", "geo") }}

),

latest as (

    {{ latest_arrival_per_ind("source") }}

),

cleaned as (

    select
        -- ids
        ind,

        -- strings
        {{ null_if_placeholder("record.country", "country") }} as country,

        -- numerics
        {{ parse_number("record.latitude", "double") }} as latitude,
        {{ parse_number("record.longitude", "double") }} as longitude,
        {{ to_coordinates(
            parse_number("record.latitude", "double"),
            parse_number("record.longitude", "double"),
        ) }} as coordinates,

        -- timestamps
        -- the source column name, kept (a non-reserved keyword in Spark)
        {{ parse_timestamp("record.timestamp") }} as timestamp,  -- noqa: RF04

        -- provenance
        record_source,
        ingested_at

    from latest

)

select * from cleaned
