with

top_users as (

    select * from {{ ref("top_user_by_country") }}

),

country_followers as (

    select distinct
        country,
        follower_count
    from top_users

),

ranked as (

    select
        country,
        follower_count,
        max(follower_count) over () as top_follower_count
    from country_followers

)

select
    country,
    follower_count
from ranked
where follower_count = top_follower_count
