-- A view: int_posts_joined is already the table of posts (merged incrementally), so a
-- second copy of it would only double the build's largest write.
{{ config(materialized="view") }}

with

posts as (

    select * from {{ ref("int_posts_joined") }}

),

final as (

    select
        -- ids
        ind,
        unique_id,
        user_id,

        -- pin
        title,
        description,
        poster_name,
        follower_count,
        tag_list,
        is_image_or_video,
        image_src,
        downloaded,
        save_location,
        category,

        -- geolocation
        country,
        latitude,
        longitude,
        coordinates,
        posted_at,
        post_year,

        -- user
        user_name,
        age,
        age_group,
        date_joined,
        join_year,

        -- which record kinds have arrived
        has_pin,
        has_geolocation,
        has_user

    from posts

)

select * from final
