{#-
    Follower counts arrive as display strings: `437`, `12k`, `1.5k`, `2M`. The
    number is scaled by its suffix (k = thousand, M = million, B = billion, any case)
    and rounded to a whole bigint; anything else (`User Info Error`, `12kk`, `-3`)
    is null rather than a guess.
-#}
{% macro parse_follower_count(column) -%}
    {{ return(adapter.dispatch("parse_follower_count", "pinlake")(column)) }}
{%- endmacro %}

{#- Cross-database version: suffix by position, number via dbt's safe_cast. -#}
{% macro default__parse_follower_count(column) -%}
    {%- set value = "upper(trim(" ~ column ~ "))" -%}
    {%- set suffix = dbt.right(value, 1) -%}
    {%- set digits = "substring(" ~ value ~ ", 1, " ~ dbt.length(value) ~ " - 1)" -%}
    cast(round(
        case {{ suffix }}
            when 'K' then {{ dbt.safe_cast(digits, "decimal(20, 3)") }} * 1000
            when 'M' then {{ dbt.safe_cast(digits, "decimal(20, 3)") }} * 1000000
            when 'B' then {{ dbt.safe_cast(digits, "decimal(20, 3)") }} * 1000000000
            else {{ dbt.safe_cast(value, "decimal(20, 3)") }}
        end,
        0
    ) as bigint)
{%- endmacro %}

{#- Spark: one anchored regular expression decides what is parseable at all. -#}
{% macro spark__parse_follower_count(column) -%}
    {%- set pattern = "'^([0-9]+([.][0-9]+)?)([kKmMbB]?)$'" -%}
    try_cast(round(
        try_cast(regexp_extract(trim({{ column }}), {{ pattern }}, 1) as decimal(20, 3))
        * case upper(regexp_extract(trim({{ column }}), {{ pattern }}, 3))
            when 'K' then 1000
            when 'M' then 1000000
            when 'B' then 1000000000
            else 1
        end,
        0
    ) as bigint)
{%- endmacro %}
