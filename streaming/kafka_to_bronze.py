"""Kafka to bronze: one streaming query per topic lands every record exactly once.

Each of the pin, geo, user and dead-letter topics has its own query, which appends
that topic's records to its bronze Delta table (``streaming.bronze``) through Delta's
streaming sink: the Kafka value decoded as UTF-8, exactly as received (a payload that
is not JSON lands too; dbt flags it), with its Kafka provenance and ``ingested_at``.
Dead letters land raw in bronze ``deadletter``, the quarantine table.

Why one query per topic and not one over all four: a query reads only its own topic's
partitions and writes straight to its table, so a micro-batch is read from Kafka once
and never cached or split; the four queries commit concurrently.

Exactly once, after a crash at any point:

* Spark writes the Kafka offsets of micro-batch ``n`` to the query's checkpoint
  *before* running it, so a restarted query replays batch ``n`` with exactly the same
  records.
* Delta's streaming sink commits each batch with a transaction marker (the query id
  from the checkpoint, the batch id) in the same atomic commit as the rows, and skips
  a batch whose marker is already in the table: a replayed batch is written once. A
  new checkpoint (deleted on purpose) gets a new query id, so its batch 0 is not
  mistaken for the old query's batch 0.

``failOnDataLoss`` is on by default (``PINLAKE_STREAM_FAIL_ON_DATA_LOSS``): if Kafka
deleted records bronze never had (retention, a re-created topic), the job stops and
says so instead of silently skipping them.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from orchestration.settings import RECORD_KINDS, Settings
from streaming import bronze

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

log = logging.getLogger(__name__)

DEADLETTER = "deadletter"
STREAM_KINDS: tuple[str, ...] = (*RECORD_KINDS, DEADLETTER)
"""Bronze tables the stream fills, one per topic; each is also a ``BRONZE_TABLES`` entry."""

QUERY_PREFIX = "kafka_to_bronze_"

_SASL_LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}


class OldCheckpoint(RuntimeError):
    """The checkpoint of the former single query over all topics is in the way."""


def checkpoint_location(settings: Settings, kind: str) -> str:
    """The checkpoint of one topic's query: its Kafka offsets and its query id."""
    return str(settings.checkpoint_dir / "bronze" / kind)


def kafka_security_options(settings: Settings) -> dict[str, str]:
    """The librdkafka security settings of ``Settings`` in the Java client's terms.

    The same SASL/SSL settings the producers use, so the job runs unchanged on a
    managed cluster. The CA file is PEM, which the Java client reads directly.
    """
    options = {"kafka.security.protocol": settings.kafka_security_protocol}
    mechanism = settings.kafka_sasl_mechanism
    if mechanism:
        options["kafka.sasl.mechanism"] = mechanism
    if mechanism in _SASL_LOGIN_MODULES and settings.kafka_sasl_username:
        password = (
            settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else ""
        )
        options["kafka.sasl.jaas.config"] = (
            f"{_SASL_LOGIN_MODULES[mechanism]} required "
            f"username={json.dumps(settings.kafka_sasl_username)} "
            f"password={json.dumps(password)};"
        )
    if settings.kafka_ssl_ca_location:
        options["kafka.ssl.truststore.type"] = "PEM"
        options["kafka.ssl.truststore.location"] = str(settings.kafka_ssl_ca_location)
    return options


def kafka_source_options(settings: Settings, kind: str) -> dict[str, str]:
    """Options of one kind's Kafka source: its topic, from the earliest offset on a first run."""
    options = {
        "kafka.bootstrap.servers": settings.kafka_bootstrap,
        "subscribe": settings.topic(kind),
        # Only used when the checkpoint is new; afterwards the checkpoint's offsets rule.
        "startingOffsets": "earliest",
        "failOnDataLoss": str(settings.stream_fail_on_data_loss).lower(),
        **kafka_security_options(settings),
    }
    if settings.stream_max_offsets_per_trigger:
        options["maxOffsetsPerTrigger"] = str(settings.stream_max_offsets_per_trigger)
    return options


def read_kafka(spark: SparkSession, settings: Settings, kind: str) -> DataFrame:
    """One kind's topic as a stream of bronze rows."""
    from pyspark.sql import functions as F

    raw = spark.readStream.format("kafka").options(**kafka_source_options(settings, kind)).load()
    return bronze.conform(
        raw.select(
            # Kafka values are bytes; bronze keeps them as the UTF-8 text the client sent.
            F.col("value").cast("string").alias("payload"),
            F.lit("kafka").alias("record_source"),
            F.col("topic").alias("kafka_topic"),
            F.col("partition").alias("kafka_partition"),
            F.col("offset").alias("kafka_offset"),
            F.col("timestamp").alias("kafka_timestamp"),
            F.col("key").cast("string").alias("kafka_key"),
            # In a streaming query: the time of the micro-batch.
            F.current_timestamp().alias("ingested_at"),
        )
    )


def _refuse_old_checkpoint(settings: Settings) -> None:
    """Starting over beside the old single-query checkpoint would land every record again."""
    old = settings.checkpoint_dir / "bronze" / "metadata"
    if old.exists():
        raise OldCheckpoint(
            f"{old.parent} holds the checkpoint of the earlier single Kafka-to-bronze query; "
            "the job now keeps one checkpoint per topic. Re-land bronze from Kafka (delete "
            "the bronze tables and that folder) or move bronze to a new PINLAKE_HOME."
        )


def bronze_stream_writers(spark: SparkSession, settings: Settings) -> dict[str, DataStreamWriter]:
    """The configured, not yet started, query of each kind (trigger set by the caller)."""
    bronze.ensure_bronze_tables(spark, settings)
    _refuse_old_checkpoint(settings)
    return {
        kind: read_kafka(spark, settings, kind)
        .writeStream.queryName(f"{QUERY_PREFIX}{kind}")
        .format("delta")
        .outputMode("append")
        .option("checkpointLocation", checkpoint_location(settings, kind))
        .option("path", str(settings.bronze_path(kind)))
        for kind in STREAM_KINDS
    }


def records_seen(queries: dict[str, StreamingQuery]) -> tuple[dict[str, int], int]:
    """Records per kind and micro-batches with records, over the queries' recent progress.

    Spark keeps the last ``spark.sql.streaming.numRecentProgressUpdates`` batches of a
    query (pinlake sets 1000), enough for one catch-up. A replayed batch that Delta's
    sink skipped is not read, so it counts no records.
    """
    seen: dict[str, int] = {}
    batches = 0
    for kind, query in queries.items():
        progress = [p for p in query.recentProgress if p.numInputRows]
        seen[kind] = sum(p.numInputRows for p in progress)
        batches += len(progress)
    return seen, batches
