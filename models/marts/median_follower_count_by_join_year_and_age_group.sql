with

posts as (

    select * from {{ ref("int_follower_counts_attributed") }}

)

select
    join_year,
    age_group,
    percentile(follower_count, 0.5) as median_follower_count
from posts
where
    join_year between 2015 and 2020
    and age_group is not null
group by join_year, age_group
