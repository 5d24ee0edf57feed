{#-
    Register the real-time metric tables (kept current by `pinlake stream`, see
    streaming/realtime.py) in the metastore as schema `realtime`, creating them empty
    when the stream has not run yet, so analysts' queries and dbt sources always
    resolve. The columns are those of streaming/realtime.py (TABLES); Delta refuses a
    mismatch.

    The tables live in `realtime_root` (var or PINLAKE_REALTIME_ROOT); by default in
    `realtime/` beside the Spark warehouse, that is PINLAKE_HOME/realtime.
-#}
{% macro register_realtime_tables() %}
    {% if execute %}
        {% set tables = {
            "posts_per_category":
                "window_start timestamp, window_end timestamp, category string,"
                ~ " posts bigint, updated_at timestamp",
            "profile_popularity":
                "window_start timestamp, window_end timestamp, poster_name string,"
                ~ " posts bigint, latest_follower_count bigint, updated_at timestamp",
        } %}
        {% set root = var("realtime_root", env_var("PINLAKE_REALTIME_ROOT", "")) %}
        {% if not root %}
            {% set warehouse = run_query("set spark.sql.warehouse.dir").columns[1].values()[0] %}
            {% set root = warehouse.rstrip("/").rsplit("/", 1)[0] ~ "/realtime" %}
        {% endif %}
        {% do run_query("create database if not exists realtime") %}
        {% for table, columns in tables.items() %}
            {% do run_query(
                "create table if not exists realtime." ~ table ~ " (" ~ columns ~ ") using delta"
                ~ " location '" ~ root ~ "/" ~ table ~ "'"
            ) %}
        {% endfor %}
    {% endif %}
{% endmacro %}
