with

users as (

    select * from {{ ref("dim_users") }}

)

select
    join_year,
    count(distinct user_id) as number_users_joined
from users
where join_year between 2015 and 2020
group by join_year
