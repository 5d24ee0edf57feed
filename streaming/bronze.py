"""The bronze layer: every record exactly as received, plus where it came from.

One append-only Delta table per record kind (``pin``, ``geo``, ``user``) and one for
dead letters (``deadletter``), stored by path under ``PINLAKE_HOME/bronze``. The batch
extract and the streaming job write the same columns, so dbt cannot tell the two
paths apart. Nothing here is cleaned: that is dbt's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.settings import Settings
from streaming.delta_tables import ensure_table, struct_from_ddl

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

BRONZE_TABLES: tuple[str, ...] = ("pin", "geo", "user", "deadletter")

BRONZE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("payload", "string"),  # the record as received: a JSON object, or whatever the client sent
    ("record_source", "string"),  # 'batch' (extract from the source DB) or 'kafka'
    ("extract_id", "string"),  # batch: the id of the extract run
    ("kafka_topic", "string"),
    ("kafka_partition", "int"),
    ("kafka_offset", "bigint"),
    ("kafka_timestamp", "timestamp"),
    ("kafka_key", "string"),
    ("ingested_at", "timestamp"),  # when the record landed in bronze
)
"""The bronze contract; ``macros/bronze/register_bronze_tables.sql`` declares the same DDL."""

STATS_COLUMNS: tuple[str, ...] = tuple(name for name, _ in BRONZE_COLUMNS if name != "payload")
"""Columns Delta keeps min/max statistics of (table property ``delta.dataSkippingStatsColumns``).

Not ``payload``: statistics of a long text skip nothing, and computing them took about
half of a bronze write's time.
"""


TABLE_PROPERTIES: dict[str, str] = {
    "delta.dataSkippingStatsColumns": ",".join(STATS_COLUMNS),
    # The continuous stream commits a small file per topic every second (each
    # micro-batch coalesced to one): ~86,000 a day per table. Auto compaction rewrites
    # them into larger files once enough small ones pile up (Delta's
    # `autoCompact.minNumFiles`, 50), in a separate OPTIMIZE commit that changes no
    # data, so readers, the stream's exactly-once check and dbt's incremental filter on
    # `ingested_at` are unaffected.
    # It runs inside the commit that tipped it (a stall of seconds), so the continuous
    # stream turns it off for its own commits and calls `compact` beside them instead.
    "delta.autoOptimize.autoCompact": "true",
    # Delta writes a log checkpoint (the whole table state, in Parquet) in the commit
    # path every `checkpointInterval` commits: with the default 10 that was one ~3 s
    # stall of the stream every 10 seconds. Readers then replay at most 100 small JSON
    # commits instead of 10 (measured: freshness p95 7.7 s -> 5.9 s).
    "delta.checkpointInterval": "100",
    # The payload is a different JSON text in every row, so Parquet's dictionary for it
    # always overflows and falls back to plain encoding after the work is done, and its
    # min/max and size statistics skip nothing. Delta hands table properties to the
    # Parquet writer, so every writer of the table (stream, batch load, OPTIMIZE) skips
    # them: 7% less CPU per record in a warm catch-up (10.2 -> 9.5 s, 1M records).
    "parquet.enable.dictionary#payload": "false",
    "parquet.column.statistics.enabled#payload": "false",
    "parquet.size.statistics.enabled#payload": "false",
}
"""Properties of every bronze table, set by :func:`ensure_bronze_tables` before any write."""


def bronze_schema() -> StructType:
    return struct_from_ddl(", ".join(f"{name} {kind}" for name, kind in BRONZE_COLUMNS))


def conform(frame: DataFrame) -> DataFrame:
    """Select the bronze columns in contract order, adding the missing ones as typed nulls."""
    from pyspark.sql import functions as F

    present = set(frame.columns)
    return frame.select(
        *[
            F.col(name).cast(kind) if name in present else F.lit(None).cast(kind).alias(name)
            for name, kind in BRONZE_COLUMNS
        ]
    )


def compact(spark: SparkSession, settings: Settings, table: str) -> None:
    """Rewrite a bronze table's small files into larger ones: an OPTIMIZE commit, no row changes.

    Files above half the target size are left alone (the session's
    ``spark.databricks.delta.optimize.minFileSize``), so compacted files are not
    rewritten again every time. Safe beside appends: they add files, this only removes
    files it read, so the two never conflict.
    """
    from delta.tables import DeltaTable

    DeltaTable.forPath(spark, str(settings.bronze_path(table))).optimize().executeCompaction()


def ensure_bronze_tables(spark: SparkSession, settings: Settings) -> None:
    """Create the empty Delta tables if missing, so readers never meet a missing path.

    A table that exists without :data:`TABLE_PROPERTIES` (created empty by dbt's
    ``register_bronze_tables``, or by an earlier pinlake) gets them here, before the
    load or the stream writes to it.
    """
    for table in BRONZE_TABLES:
        ensure_table(spark, str(settings.bronze_path(table)), bronze_schema(), TABLE_PROPERTIES)


def append(frame: DataFrame, settings: Settings, table: str) -> None:
    """Append rows to one bronze table (append-only: bronze is never updated)."""
    conform(frame).write.format("delta").mode("append").save(str(settings.bronze_path(table)))
