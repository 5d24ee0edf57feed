with

posts as (

    select * from {{ ref("int_posts_categorized") }}

),

category_counts as (

    select
        age_group,
        category,
        count(distinct ind) as category_count
    from posts
    where age_group is not null
    group by age_group, category

),

ranked as (

    select
        age_group,
        category,
        category_count,
        max(category_count) over (partition by age_group) as top_count
    from category_counts

)

select
    age_group,
    category,
    category_count
from ranked
where category_count = top_count
