{#-
    A Delta table merged incrementally on `ind`: a build re-joins only the posts with a
    staging row of any kind landed after that kind's watermark here (`*_ingested_at`;
    staging keeps the latest arrival's `ingested_at`), and the posts whose age band the
    seed `age_bands` has moved. Staging never removes a post, so nothing else changes.
    After `--full-refresh` of a staging model alone, refresh this model too
    (`dbt build --full-refresh -s stg_pinterest__pins+`).
-#}
{{ config(
    materialized="incremental",
    incremental_strategy="merge",
    unique_key="ind",
    on_schema_change="fail",
) }}

with

pins as (

    select * from {{ ref("stg_pinterest__pins") }}

),

geolocations as (

    select * from {{ ref("stg_pinterest__geolocations") }}

),

users as (

    select * from {{ ref("int_users_identified") }}

),

age_bands as (

    select * from {{ ref("age_bands") }}

),

{% if is_incremental() %}

watermarks as (

    select
        coalesce(max(pin_ingested_at), timestamp '0001-01-01 00:00:00') as pin_ingested_at,
        coalesce(max(geolocation_ingested_at), timestamp '0001-01-01 00:00:00')
            as geolocation_ingested_at,
        coalesce(max(user_ingested_at), timestamp '0001-01-01 00:00:00') as user_ingested_at
    from {{ this }}

),

regrouped_inds as (

    select built.ind
    from {{ this }} as built
    left join age_bands
        on
            built.age >= age_bands.min_age
            and (age_bands.max_age is null or built.age <= age_bands.max_age)
    where not built.age_group <=> age_bands.age_group

),

post_inds as (

    select pins.ind
    from pins
    cross join watermarks
    where pins.ingested_at > watermarks.pin_ingested_at
    union
    select geolocations.ind
    from geolocations
    cross join watermarks
    where geolocations.ingested_at > watermarks.geolocation_ingested_at
    union
    select users.ind
    from users
    cross join watermarks
    where users.ingested_at > watermarks.user_ingested_at
    union
    select ind from regrouped_inds

),

{% else %}

-- a full build joins every post
post_inds as (

    select ind from pins
    union
    select ind from geolocations
    union
    select ind from users

),

{% endif %}

changed_pins as (

    {{ rows_of_posts("pins", "post_inds") }}

),

changed_geolocations as (

    {{ rows_of_posts("geolocations", "post_inds") }}

),

changed_users as (

    {{ rows_of_posts("users", "post_inds") }}

),

joined as (

    select
        -- ids
        post_inds.ind,
        changed_pins.unique_id,
        changed_users.user_id,

        -- pin
        changed_pins.title,
        changed_pins.description,
        changed_pins.poster_name,
        changed_pins.follower_count,
        changed_pins.tag_list,
        changed_pins.is_image_or_video,
        changed_pins.image_src,
        changed_pins.downloaded,
        changed_pins.save_location,
        changed_pins.category,

        -- geolocation
        changed_geolocations.country,
        changed_geolocations.latitude,
        changed_geolocations.longitude,
        changed_geolocations.coordinates,
        changed_geolocations.timestamp as posted_at,
        year(changed_geolocations.timestamp) as post_year,

        -- user
        changed_users.user_name,
        changed_users.age,
        age_bands.age_group,
        changed_users.date_joined,
        year(changed_users.date_joined) as join_year,

        -- which record kinds have arrived
        changed_pins.ind is not null as has_pin,
        changed_geolocations.ind is not null as has_geolocation,
        changed_users.ind is not null as has_user,

        -- when the joined record of each kind landed (the incremental watermarks)
        changed_pins.ingested_at as pin_ingested_at,
        changed_geolocations.ingested_at as geolocation_ingested_at,
        changed_users.ingested_at as user_ingested_at

    from post_inds
    left join changed_pins
        on post_inds.ind = changed_pins.ind
    left join changed_geolocations
        on post_inds.ind = changed_geolocations.ind
    left join changed_users
        on post_inds.ind = changed_users.ind
    left join age_bands
        on
            changed_users.age >= age_bands.min_age
            and (age_bands.max_age is null or changed_users.age <= age_bands.max_age)

)

select * from joined
