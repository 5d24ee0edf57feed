-- Posts whose pin (with a follower count) and user records have both arrived, with the
-- posting user's age group and join year: the input of the follower-count medians.
with

posts as (

    select * from {{ ref("int_posts_joined") }}

),

attributed as (

    select
        ind,
        follower_count,
        age_group,
        join_year
    from posts
    where follower_count is not null and has_user

)

select * from attributed
