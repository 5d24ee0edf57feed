with

posts as (

    select * from {{ ref("fct_posts") }}

),

poster_followers as (

    select distinct
        country,
        poster_name,
        follower_count
    from posts
    where
        country is not null
        and poster_name is not null
        and follower_count is not null

),

ranked as (

    select
        country,
        poster_name,
        follower_count,
        max(follower_count) over (partition by country) as top_follower_count
    from poster_followers

)

select
    country,
    poster_name,
    follower_count
from ranked
where follower_count = top_follower_count
