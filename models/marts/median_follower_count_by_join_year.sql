with

posts as (

    select * from {{ ref("int_follower_counts_attributed") }}

)

select
    join_year,
    percentile(follower_count, 0.5) as median_follower_count
from posts
where join_year between 2015 and 2020
group by join_year
