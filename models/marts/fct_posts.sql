with

posts as (

    select * from {{ ref("int_posts_joined") }}

)

select * from posts
