with

user_records as (

    select * from {{ ref("int_users_identified") }}

),

users as (

    select
        user_id,
        max(user_name) as user_name,
        max(first_name) as first_name,
        max(last_name) as last_name,
        max(date_joined) as date_joined,
        year(max(date_joined)) as join_year,
        max(age) as age,
        -- int_users_identified has one row per ind (tested), so this counts distinct posts
        count(ind) as number_of_posts
    from user_records
    where user_id is not null
    group by user_id

)

select * from users
