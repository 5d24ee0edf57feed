with

posts as (

    select * from {{ ref("int_follower_counts_attributed") }}

)

select
    age_group,
    percentile(follower_count, 0.5) as median_follower_count
from posts
where age_group is not null
group by age_group
