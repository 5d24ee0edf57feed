{{ config(materialized="view") }}

{#-
    The quarantine table read as columns: one row per dead letter, the record or request
    the ingestion API refused with the reason it gave. A view: dead letters are few, and
    each query sees the ones landed a moment ago.
-#}

with

source as (

    select
        {{ parse_payload("payload", [
            "reason", "message", "status", "error_code", "protocol", "endpoint", "topic",
            "kind", "received_at", "record_index", "record", "record_preview", "body",
            "body_truncated", "record_truncated",
        ]) }} as letter,
        payload,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        kafka_timestamp,
        ingested_at
    from {{ source("pinterest", "deadletter") }}

),

renamed as (

    select
        -- ids
        concat_ws('/', kafka_topic, kafka_partition, kafka_offset) as dead_letter_id,

        -- why
        letter.reason,
        letter.message,
        {{ parse_number("letter.status", "int") }} as http_status,
        {{ parse_number("letter.error_code", "int") }} as error_code,

        -- what the client called
        letter.protocol,
        letter.endpoint,
        letter.topic as requested_name,
        letter.kind as record_kind,

        -- what was refused
        {{ parse_number("letter.record_index", "int") }} as record_index,
        coalesce(letter.record, letter.record_preview) as refused_record,
        letter.body as refused_body,
        coalesce(
            try_cast(letter.record_truncated as boolean),
            try_cast(letter.body_truncated as boolean),
            false
        ) as is_truncated,
        payload,

        -- timestamps
        {{ parse_timestamp("letter.received_at") }} as received_at,
        kafka_timestamp,
        ingested_at

    from source

)

select * from renamed
