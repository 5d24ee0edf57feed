with

posts as (

    select * from {{ ref("int_posts_categorized") }}

),

category_counts as (

    select
        country,
        category,
        count(distinct ind) as category_count
    from posts
    where country is not null
    group by country, category

),

ranked as (

    select
        country,
        category,
        category_count,
        max(category_count) over (partition by country) as top_count
    from category_counts

)

select
    country,
    category,
    category_count
from ranked
where category_count = top_count
