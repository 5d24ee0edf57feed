with

source as (

    select
        {{ parse_payload("payload", [
            "ind", "index", "unique_id", "title", "description", "poster_name",
            "follower_count", "tag_list", "is_image_or_video", "image_src",
            "downloaded", "save_location", "category",
        ]) }} as record,
        payload,
        record_source,
        extract_id,
        kafka_offset,
        kafka_timestamp,
        ingested_at
    from {{ source("pinterest", "pin") }}

),

latest as (

    {{ latest_arrival_per_ind("source") }}

),

cleaned as (

    select
        -- ids
        ind,
        {{ null_if_placeholder("record.unique_id", "unique_id") }} as unique_id,

        -- strings
        {{ null_if_placeholder("record.title", "title") }} as title,
        {{ null_if_placeholder("record.description", "description") }} as description,
        {{ null_if_placeholder("record.poster_name", "poster_name") }} as poster_name,
        {{ null_if_placeholder("record.tag_list", "tag_list") }} as tag_list,
        {{ null_if_placeholder("record.is_image_or_video", "is_image_or_video") }}
            as is_image_or_video,
        {{ null_if_placeholder("record.image_src", "image_src") }} as image_src,
        {{ clean_save_location(null_if_placeholder("record.save_location", "save_location")) }}
            as save_location,
        {{ null_if_placeholder("record.category", "category") }} as category,

        -- numerics
        {{ parse_follower_count(null_if_placeholder("record.follower_count", "follower_count")) }}
            as follower_count,
        {{ parse_flag(null_if_placeholder("record.downloaded", "downloaded")) }}
            as downloaded,

        -- provenance
        record_source,
        ingested_at

    from latest

)

select * from cleaned
