{{ config(severity="warn", fail_calc="coalesce(sum(records_without_ind), 0)") }}

{#-
    Bronze records staging cannot place: the payload is not a JSON object, or it has
    no numeric `ind`/`index`. They stay in bronze (never cleaned or deleted) but are
    left out of staging. This test warns with their number (`fail_calc`), one row per
    kind and minute they landed in, read from `stg_pinterest__landings` (so a daily
    build does not parse all of bronze again). To list the records of a row:

        select * from bronze.<record_kind>
        where ingested_at >= timestamp'<landed_minute>'
            and ingested_at < timestamp'<landed_minute>' + interval 1 minute
            and try_cast(coalesce(
                get_json_object(payload, '$.ind'), get_json_object(payload, '$.index')
            ) as bigint) is null
-#}

select
    landing_id,
    record_kind,
    record_source,
    landed_minute,
    records_without_ind
from {{ ref("stg_pinterest__landings") }}
where records_without_ind > 0
