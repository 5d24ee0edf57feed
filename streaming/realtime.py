"""Real-time metrics: windowed aggregates of the pin stream, kept current in Delta.

Two streaming queries read the bronze ``pin`` table as a Delta stream (only rows that
came from Kafka) and keep two tables under ``PINLAKE_HOME/realtime``, registered by
dbt as sources ``realtime.posts_per_category`` and ``realtime.profile_popularity``:

* ``posts_per_category``: pin records per category per 1-minute window;
* ``profile_popularity``: pin records and the latest known follower count per
  poster per 1-minute window.

Why these choices:

* **Source: bronze, not Kafka.** Bronze already holds every record exactly once, so
  the metrics need no second Kafka consumer and inherit bronze's exactly-once
  guarantee; a Delta stream's checkpoint gives the same replay-after-crash as Kafka's.
* **Event time: the Kafka timestamp.** A pin record carries no time of its own (the
  post's time is in its geo record, a separate and possibly much later message, and
  replayed posts have times years in the past). The Kafka timestamp is the producer's
  create time: when the API accepted the record, or the time a client producing
  directly chose. Lateness is measured against it.
* **Output mode ``update`` with a ``MERGE`` per micro-batch.** Each batch emits only
  the windows whose counts changed, with their full current values; merging them on
  the window and group key makes the Delta table current. A record that arrives late
  but within the watermark (``PINLAKE_STREAM_WATERMARK_SECONDS``) updates its window
  again; an older one is dropped, and the state of closed windows is freed. ``append``
  would publish a window only after the watermark passed (minutes of delay) and
  ``complete`` would keep every window in state forever. The merge writes absolute
  values, so a batch replayed after a crash writes the same rows again: idempotent.
* **Posts** counts pin records; a non-JSON payload or a record without a post key is
  not a post and is left out (it stays in bronze, where dbt flags it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestration.settings import Settings
from streaming.delta_tables import ensure_table, struct_from_ddl
from streaming.spark import BACKGROUND_POOL, use_pool

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, GroupedData, SparkSession
    from pyspark.sql.streaming import DataStreamWriter

WINDOW = "1 minute"

_PIN_FIELDS = "ind string, index string, category string, poster_name string, " + (
    "follower_count string"
)
"""Every field read as text, so a number or a string in the payload parse alike."""


@dataclass(frozen=True)
class RealtimeTable:
    """One metric: its Delta table, its group key and how its rows are computed."""

    name: str
    key: str
    columns: str
    aggregate: Callable[[DataFrame], DataFrame]

    def path(self, settings: Settings) -> str:
        return str(settings.realtime_dir / self.name)

    def checkpoint(self, settings: Settings) -> str:
        return str(settings.checkpoint_dir / "realtime" / self.name)


def parse_follower_count(text: Column) -> Column:
    """``437`` -> 437, ``12k`` -> 12000, ``1.5M`` -> 1500000; anything else -> null.

    The rule of dbt's ``parse_follower_count`` macro (k/M/B in any case, decimal
    arithmetic, rounded), in Spark column terms, so metrics and marts agree.

    Both cases of the unit are matched without ``lower()``: Spark 4's ``lower`` loads
    ICU's case mapping on its first use in a JVM, which stalled one core of the
    streaming job for ~6 s in its first minute (and bronze's freshness with it).
    """
    from pyspark.sql import functions as F

    pattern = r"^([0-9]+([.][0-9]+)?)([kKmMbB]?)$"
    cleaned = F.trim(text)
    number = F.regexp_extract(cleaned, pattern, 1)
    unit = F.regexp_extract(cleaned, pattern, 3)
    scale = (
        F.when(unit.isin("k", "K"), 1_000)
        .when(unit.isin("m", "M"), 1_000_000)
        .when(unit.isin("b", "B"), 1_000_000_000)
        .otherwise(1)
    )
    return F.when(number != "", F.round(number.cast("decimal(20,3)") * scale, 0).cast("bigint"))


def pin_events(spark: SparkSession, settings: Settings) -> DataFrame:
    """Pin records from Kafka as they land in bronze, with event time and a watermark."""
    from pyspark.sql import functions as F

    fields = F.from_json("payload", _PIN_FIELDS)
    return (
        spark.readStream.format("delta")
        .load(str(settings.bronze_path("pin")))
        .where(F.col("record_source") == "kafka")
        .select(
            F.col("kafka_timestamp").alias("event_time"),
            F.col("kafka_offset"),
            fields.alias("pin"),
        )
        .where(F.coalesce("pin.ind", "pin.index").isNotNull())
        .select(
            "event_time",
            "kafka_offset",
            F.col("pin.category").alias("category"),
            F.col("pin.poster_name").alias("poster_name"),
            parse_follower_count(F.col("pin.follower_count")).alias("follower_count"),
        )
        .withWatermark("event_time", f"{settings.stream_watermark_seconds} seconds")
    )


def _by_window(events: DataFrame, key: str) -> GroupedData:
    from pyspark.sql import functions as F

    return events.groupBy(F.window("event_time", WINDOW).alias("window"), key)


def _window_columns() -> list[Column]:
    from pyspark.sql import functions as F

    return [F.col("window.start").alias("window_start"), F.col("window.end").alias("window_end")]


def posts_per_category(events: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    return (
        _by_window(events, "category")
        .agg(F.count(F.lit(1)).alias("posts"))
        .select(*_window_columns(), "category", "posts")
    )


def profile_popularity(events: DataFrame) -> DataFrame:
    """Posts per poster, and the follower count of their latest record that had one."""
    from pyspark.sql import functions as F

    latest = F.max(
        F.when(
            F.col("follower_count").isNotNull(),
            F.struct("event_time", "kafka_offset", "follower_count"),
        )
    )
    return (
        _by_window(events, "poster_name")
        .agg(F.count(F.lit(1)).alias("posts"), latest.alias("latest"))
        .select(
            *_window_columns(),
            "poster_name",
            "posts",
            F.col("latest.follower_count").alias("latest_follower_count"),
        )
    )


TABLES: tuple[RealtimeTable, ...] = (
    RealtimeTable(
        name="posts_per_category",
        key="category",
        columns="window_start timestamp, window_end timestamp, category string, posts bigint, "
        "updated_at timestamp",
        aggregate=posts_per_category,
    ),
    RealtimeTable(
        name="profile_popularity",
        key="poster_name",
        columns="window_start timestamp, window_end timestamp, poster_name string, "
        "posts bigint, latest_follower_count bigint, updated_at timestamp",
        aggregate=profile_popularity,
    ),
)
"""``macros/realtime/register_realtime_tables.sql`` declares the same columns."""


TABLE_PROPERTIES: dict[str, str] = {
    # Each MERGE leaves a small file or so per minute (the windows it inserted or
    # rewrote): ~1,400 a day per table, which every reader lists. Auto compaction
    # rewrites them into one once enough pile up (Delta's `autoCompact.minNumFiles`,
    # 50), inside the merge's commit: the metric query's own thread, so it never races
    # another writer, and it stalls only the metrics, not the bronze appends.
    "delta.autoOptimize.autoCompact": "true",
}
"""Properties of both metric tables, set by :func:`ensure_realtime_tables`."""


def ensure_realtime_tables(spark: SparkSession, settings: Settings) -> None:
    """Create the empty Delta tables if missing, so MERGE and dbt always find them.

    A table dbt registered first (``register_realtime_tables``) gets
    :data:`TABLE_PROPERTIES` here, before the first merge.
    """
    for table in TABLES:
        ensure_table(spark, table.path(settings), struct_from_ddl(table.columns), TABLE_PROPERTIES)


class MergeWindows:
    """``foreachBatch`` function: upsert the windows a micro-batch changed.

    The merge reads only the target's files that can hold those windows. A realtime
    table keeps every closed window, a file or so per minute, and a ``MERGE`` whose
    condition only joins on the window scans all of them to find its matches: in a
    probe, 1.5 s per merge on an empty table, 2.8 s with 2,000 files (a day and a
    half) and 7.2 s with 10,000 (a week). So the condition also bounds the target by the
    batch's earliest window, a literal that Delta compares with each file's statistics
    and skips the files of older windows: 1.65 s at 2,000 files, 1.78 s at 10,000. Every
    row a batch updates has a window at or after that bound, so no match is lost.
    """

    def __init__(self, table: RealtimeTable, settings: Settings) -> None:
        self.table = table
        self.path = table.path(settings)

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        from delta.tables import DeltaTable
        from pyspark.sql import functions as F

        use_pool(batch.sparkSession, BACKGROUND_POOL)
        # Read twice (the bound, then the merge), so computed once: the batch is the
        # output of a stateful aggregation, and `updated_at` must be one time.
        updates = batch.withColumn("updated_at", F.current_timestamp()).persist()
        try:
            # In microseconds, not a Python datetime: no round trip through local time.
            bound = updates.agg(F.min(F.unix_micros("window_start"))).first()
            earliest = bound[0] if bound is not None else None
            if earliest is None:
                return  # a batch that only moved the watermark changed no window
            target, update = F.col("t.window_start"), F.col("u.window_start")
            key = self.table.key
            condition = (
                (target >= F.timestamp_micros(F.lit(earliest)))
                & (target == update)
                # Null-safe on the key: a pin without a category still has one row per window.
                & F.col(f"t.{key}").eqNullSafe(F.col(f"u.{key}"))
            )
            (
                DeltaTable.forPath(batch.sparkSession, self.path)
                .alias("t")
                .merge(updates.alias("u"), condition)
                .whenMatchedUpdateAll()
                .whenNotMatchedInsertAll()
                .execute()
            )
        finally:
            updates.unpersist()


def realtime_stream_writers(spark: SparkSession, settings: Settings) -> dict[str, DataStreamWriter]:
    """The configured, not yet started, metric queries by name (trigger set by the caller)."""
    ensure_realtime_tables(spark, settings)
    # A session of its own (same Spark context) with its own shuffle partitions: the
    # windows of a micro-batch are few, and each state-store and MERGE task costs a
    # fixed slice of CPU that the bronze appends need more.
    spark = spark.newSession()
    spark.conf.set("spark.sql.shuffle.partitions", str(settings.stream_realtime_partitions))
    writers = {}
    for table in TABLES:
        writers[table.name] = (
            table.aggregate(pin_events(spark, settings))
            .writeStream.queryName(f"realtime_{table.name}")
            .outputMode("update")
            .option("checkpointLocation", table.checkpoint(settings))
            .foreachBatch(MergeWindows(table, settings))
        )
    return writers
