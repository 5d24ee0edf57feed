-- Posts whose pin has arrived with a category, with every dimension the
-- "popular category" marts group by; a dimension is null until its record kind arrives.
with

posts as (

    select * from {{ ref("int_posts_joined") }}

),

categorized as (

    select
        ind,
        category,
        country,
        post_year,
        age_group
    from posts
    where category is not null

)

select * from categorized
