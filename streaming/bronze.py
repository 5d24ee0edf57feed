"""The bronze layer: every record exactly as received, plus where it came from.

One append-only Delta table per record kind (``pin``, ``geo``, ``user``) and one for
dead letters (``deadletter``), stored by path under ``PINLAKE_HOME/bronze``. The batch
extract and the streaming job write the same columns, so dbt cannot tell the two
paths apart. Nothing here is cleaned: that is dbt's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.settings import Settings

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
half of a bronze write's time. Set when pinlake creates a table; a table dbt created
empty (``register_bronze_tables``, before anything landed) keeps Delta's default.
"""


def bronze_schema() -> StructType:
    from pyspark.sql.types import StructType

    return StructType.fromDDL(", ".join(f"{name} {kind}" for name, kind in BRONZE_COLUMNS))


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


def ensure_bronze_tables(spark: SparkSession, settings: Settings) -> None:
    """Create the empty Delta tables if missing, so readers never meet a missing path."""
    from delta.tables import DeltaTable

    for table in BRONZE_TABLES:
        (
            DeltaTable.createIfNotExists(spark)
            .location(str(settings.bronze_path(table)))
            .addColumns(bronze_schema())
            .property("delta.dataSkippingStatsColumns", ",".join(STATS_COLUMNS))
            .execute()
        )


def append(frame: DataFrame, settings: Settings, table: str) -> None:
    """Append rows to one bronze table (append-only: bronze is never updated)."""
    conform(frame).write.format("delta").mode("append").save(str(settings.bronze_path(table)))
