"""The bronze tables themselves: their properties, and small files compacted as they pile up.

Real Spark and Delta on a temporary lakehouse; no Kafka needed: rows shaped like the
stream's are appended through the batch path's writer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import Settings
from streaming import bronze, realtime
from streaming.kafka_to_bronze import BronzeAppender
from streaming.spark import BACKGROUND_POOL, BRONZE_POOL, FAIR_SCHEDULER_CONFIG, spark_conf


@pytest.fixture
def few_small_files(spark_setting: Callable[[str, str], None]) -> None:
    """Compact from 4 small files on (Delta's default is 50), restored afterwards."""
    spark_setting("spark.databricks.delta.autoCompact.minNumFiles", "4")


def properties(spark: Any, settings: Settings, table: str) -> dict[str, str]:
    from delta.tables import DeltaTable

    detail = DeltaTable.forPath(spark, str(settings.bronze_path(table))).detail().collect()[0]
    return dict(detail.properties)


def test_tables_made_elsewhere_get_the_bronze_properties(
    stream_spark: Any, home_settings: Settings
) -> None:
    """A table created without them (as dbt's register macro does) gets them before writes."""
    path = home_settings.bronze_path("pin")
    columns = ", ".join(f"{name} {kind}" for name, kind in bronze.BRONZE_COLUMNS)
    stream_spark.sql(f"create table delta.`{path}` ({columns}) using delta")
    assert "delta.autoOptimize.autoCompact" not in properties(stream_spark, home_settings, "pin")

    bronze.ensure_bronze_tables(stream_spark, home_settings)

    for table in bronze.BRONZE_TABLES:
        current = properties(stream_spark, home_settings, table)
        assert {k: current.get(k) for k in bronze.TABLE_PROPERTIES} == bronze.TABLE_PROPERTIES


def pin_rows(spark: Any, first: int, count: int) -> Any:
    """``count`` pin records as the stream lands them (two Kafka partitions, two files)."""
    from pyspark.sql import functions as F

    record = F.struct(
        F.col("id").alias("ind"),
        F.lit("travel").alias("category"),
        F.lit("ann").alias("poster_name"),
        F.lit("1k").alias("follower_count"),
    )
    return spark.range(first, first + count, numPartitions=2).select(
        F.to_json(record).alias("payload"),
        F.lit("kafka").alias("record_source"),
        F.lit("t.pin").alias("kafka_topic"),
        (F.col("id") % 2).cast("int").alias("kafka_partition"),
        F.col("id").alias("kafka_offset"),
        F.current_timestamp().alias("kafka_timestamp"),
        F.current_timestamp().alias("ingested_at"),
    )


def test_the_payload_is_written_without_dictionary_or_statistics(
    stream_spark: Any, home_settings: Settings
) -> None:
    """The table's per-column Parquet settings reach the files; other columns keep theirs."""
    import pyarrow.parquet as pq

    bronze.ensure_bronze_tables(stream_spark, home_settings)
    bronze.append(pin_rows(stream_spark, 0, 50), home_settings, "pin")

    files = sorted(home_settings.bronze_path("pin").glob("*.parquet"))
    assert files
    for file in files:
        row_group = pq.ParquetFile(file).metadata.row_group(0)
        columns = {
            row_group.column(i).path_in_schema: row_group.column(i)
            for i in range(row_group.num_columns)
        }
        payload = columns["payload"]
        assert not payload.has_dictionary_page
        assert payload.statistics is None or not payload.statistics.has_min_max
        source = columns["record_source"]
        assert source.has_dictionary_page
        assert source.statistics is not None and source.statistics.has_min_max


def metric_posts(spark: Any, settings: Settings) -> int:
    """Run the real-time queries over what bronze holds; the posts they counted."""
    queries = [
        writer.trigger(availableNow=True).start()
        for writer in realtime.realtime_stream_writers(spark, settings).values()
    ]
    for query in queries:
        query.awaitTermination()
    table = spark.read.format("delta").load(str(settings.realtime_dir / "posts_per_category"))
    return int(table.groupBy().sum("posts").first()[0])


def test_small_files_are_compacted_and_no_row_is_lost(
    stream_spark: Any, home_settings: Settings, few_small_files: None
) -> None:
    """Compaction rewrites files, not rows: bronze and the metrics reading it keep every row."""
    from delta.tables import DeltaTable

    bronze.ensure_bronze_tables(stream_spark, home_settings)
    bronze.append(pin_rows(stream_spark, 0, 50), home_settings, "pin")
    assert metric_posts(stream_spark, home_settings) == 50

    appends = 5
    for n in range(1, appends + 1):
        bronze.append(pin_rows(stream_spark, n * 50, 50), home_settings, "pin")

    path = str(home_settings.bronze_path("pin"))
    table = DeltaTable.forPath(stream_spark, path)
    assert "OPTIMIZE" in [row.operation for row in table.history().collect()]
    # Two files per append were written; compaction left fewer live ones.
    assert table.detail().collect()[0].numFiles < 2 * (appends + 1)
    landed = stream_spark.read.format("delta").load(path)
    assert landed.count() == landed.select("kafka_offset").distinct().count() == 50 * (appends + 1)
    # The metric queries read bronze as a Delta stream: the OPTIMIZE commits add nothing.
    assert metric_posts(stream_spark, home_settings) == 50 * (appends + 1)


def test_the_continuous_stream_compacts_beside_its_commits(
    stream_spark: Any, home_settings: Settings, few_small_files: None
) -> None:
    """Its appends never stall on auto compaction; ``compact`` then rewrites the files."""
    from delta.tables import DeltaTable

    bronze.ensure_bronze_tables(stream_spark, home_settings)
    append = BronzeAppender(home_settings, "pin", compact_in_commit=False, continuous=True)
    batches = 6
    for batch_id in range(batches):
        append(bronze.conform(pin_rows(stream_spark, batch_id * 50, 50)), batch_id)

    table = DeltaTable.forPath(stream_spark, str(home_settings.bronze_path("pin")))
    operations = [row.operation for row in table.history().collect()]
    assert "OPTIMIZE" not in operations and operations.count("WRITE") == batches
    # The setting was put back: other writers of the session still compact.
    assert stream_spark.conf.get("spark.databricks.delta.autoCompact.enabled", None) is None

    # Its jobs ran in the pool offered every free core first (in the streaming session).
    assert stream_spark.sparkContext.getLocalProperty("spark.scheduler.pool") == BRONZE_POOL
    stream_spark.sparkContext.setLocalProperty("spark.scheduler.pool", None)

    bronze.compact(stream_spark, home_settings, "pin")

    assert table.history(1).collect()[0].operation == "OPTIMIZE"
    assert table.detail().collect()[0].numFiles < 2 * batches
    landed = table.toDF()
    assert landed.count() == landed.select("kafka_offset").distinct().count() == 50 * batches


def test_the_streaming_session_schedules_bronze_first(lakehouse_settings: Settings) -> None:
    """FAIR pools in the streaming session only; bronze's minimum share covers every core."""
    from xml.etree import ElementTree

    streaming = spark_conf(lakehouse_settings, catalog=False)
    assert streaming["spark.scheduler.mode"] == "FAIR"
    assert "spark.scheduler.mode" not in spark_conf(lakehouse_settings, catalog=True)
    pools = {
        pool.get("name"): int(pool.findtext("minShare") or 0)
        for pool in ElementTree.parse(streaming["spark.scheduler.allocation.file"]).getroot()
    }
    assert Path(streaming["spark.scheduler.allocation.file"]) == FAIR_SCHEDULER_CONFIG
    assert pools[BACKGROUND_POOL] == 0
    assert pools[BRONZE_POOL] >= (os.cpu_count() or 1)
