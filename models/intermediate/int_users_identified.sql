with

users as (

    select * from {{ ref("stg_pinterest__users") }}

),

identified as (

    select
        -- ids
        ind,
        case
            when user_name is not null and date_joined is not null
                then {{ surrogate_key(["user_name", "date_joined"]) }}
        end as user_id,

        -- strings
        user_name,
        first_name,
        last_name,

        -- numerics
        age,

        -- timestamps
        date_joined,
        ingested_at

    from users

)

select * from identified
