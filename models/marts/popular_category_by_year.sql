with

posts as (

    select * from {{ ref("int_posts_categorized") }}

),

category_counts as (

    select
        post_year,
        category,
        count(distinct ind) as category_count
    from posts
    where post_year between 2018 and 2022
    group by post_year, category

),

ranked as (

    select
        post_year,
        category,
        category_count,
        max(category_count) over (partition by post_year) as top_count
    from category_counts

)

select
    post_year,
    category,
    category_count
from ranked
where category_count = top_count
