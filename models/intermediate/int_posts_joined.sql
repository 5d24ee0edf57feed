-- A table, unlike the other intermediate models (views): the join is the build's most
-- expensive query, and fct_posts and the two int_posts_* views read it.
{{ config(materialized="table") }}

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

post_inds as (

    select ind from pins
    union
    select ind from geolocations
    union
    select ind from users

),

joined as (

    select
        -- ids
        post_inds.ind,
        pins.unique_id,
        users.user_id,

        -- pin
        pins.title,
        pins.description,
        pins.poster_name,
        pins.follower_count,
        pins.tag_list,
        pins.is_image_or_video,
        pins.image_src,
        pins.downloaded,
        pins.save_location,
        pins.category,

        -- geolocation
        geolocations.country,
        geolocations.latitude,
        geolocations.longitude,
        geolocations.coordinates,
        geolocations.timestamp as posted_at,
        year(geolocations.timestamp) as post_year,

        -- user
        users.user_name,
        users.age,
        age_bands.age_group,
        users.date_joined,
        year(users.date_joined) as join_year,

        -- which record kinds have arrived
        pins.ind is not null as has_pin,
        geolocations.ind is not null as has_geolocation,
        users.ind is not null as has_user

    from post_inds
    left join pins
        on post_inds.ind = pins.ind
    left join geolocations
        on post_inds.ind = geolocations.ind
    left join users
        on post_inds.ind = users.ind
    left join age_bands
        on
            users.age >= age_bands.min_age
            and (age_bands.max_age is null or users.age <= age_bands.max_age)

)

select * from joined
