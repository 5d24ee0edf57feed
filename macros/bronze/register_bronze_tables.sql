{#-
    Register the bronze Delta tables (written by path by `pinlake load` and
    `pinlake stream`) in the metastore as schema `bronze`, creating them empty when
    nothing has landed yet. The columns are the bronze contract declared in
    streaming/bronze.py (BRONZE_COLUMNS); Delta refuses a mismatch.

    The tables live in `bronze_root` (var or PINLAKE_BRONZE_ROOT, e.g. an object-store
    path on a cluster); by default in `bronze/` beside the Spark warehouse, that is
    PINLAKE_HOME/bronze. The warehouse path Spark reports is absolute, so the metastore
    never records a path relative to where dbt happened to run.
-#}
{% macro register_bronze_tables() %}
    {% if execute %}
        {% set columns -%}
            payload string,
            record_source string,
            extract_id string,
            kafka_topic string,
            kafka_partition int,
            kafka_offset bigint,
            kafka_timestamp timestamp,
            kafka_key string,
            ingested_at timestamp
        {%- endset %}
        {% set root = var("bronze_root", env_var("PINLAKE_BRONZE_ROOT", "")) %}
        {% if not root %}
            {% set warehouse = run_query("set spark.sql.warehouse.dir").columns[1].values()[0] %}
            {% set root = warehouse.rstrip("/").rsplit("/", 1)[0] ~ "/bronze" %}
        {% endif %}
        {% do run_query("create database if not exists bronze") %}
        {% for table in ["pin", "geo", "user", "deadletter"] %}
            {% do run_query(
                "create table if not exists bronze." ~ table ~ " (" ~ columns ~ ") using delta"
                ~ " location '" ~ root ~ "/" ~ table ~ "'"
            ) %}
        {% endfor %}
    {% endif %}
{% endmacro %}
