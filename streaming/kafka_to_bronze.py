"""Kafka to bronze: one streaming query per topic lands every record exactly once.

Each of the pin, geo, user and dead-letter topics has its own query, which appends
that topic's records to its bronze Delta table (``streaming.bronze``), one Delta append
per micro-batch: the Kafka value decoded as UTF-8, exactly as received (a payload that
is not JSON lands too; dbt flags it), with its Kafka provenance and ``ingested_at``.
Dead letters land raw in bronze ``deadletter``, the quarantine table.

Why one query per topic and not one over all four: a query reads only its own topic's
partitions and writes straight to its table, so a micro-batch is read from Kafka once
and never cached or split; the four queries commit concurrently.

Why ``foreachBatch`` and not Delta's streaming sink: the sink looks up the query's
transaction marker before every batch, and in Delta 4.4 that lookup replays the
table's whole log (about 1.4 s of a 2.4 s batch at 1,000 events/s on two cores), so
the sink could not keep up with a 1-second trigger. A plain append needs no such
lookup; the one check a replay needs is made once per run, below.

Exactly once, after a crash at any point:

* Spark writes the Kafka offsets of micro-batch ``n`` to the query's checkpoint
  *before* running it, and its commit *after*; a restarted query replays the last
  uncommitted batch with exactly the same records, and only as the first batch it runs.
* So when the query starts, its checkpoint tells whether a replay is due: a batch in
  the offsets log but not in the commit log (:func:`pending_batch`).
* Each batch is one Delta append, an atomic commit: either every row of the batch is
  in bronze or none is. So before that one replayed batch, :class:`BronzeAppender`
  looks for one of its records (topic, partition, offset) in bronze; if it is there,
  the batch had landed before the crash and is skipped. Every other batch is new and
  is appended without a check.
* Each commit carries ``userMetadata`` naming the query and batch, so
  ``DESCRIBE HISTORY`` shows which micro-batch wrote what.

``failOnDataLoss`` is on by default (``PINLAKE_STREAM_FAIL_ON_DATA_LOSS``): if Kafka
deleted records bronze never had (retention, a re-created topic), the job stops and
says so instead of silently skipping them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ingestion import kafka_stack
from orchestration.settings import RECORD_KINDS, Settings
from streaming import bronze
from streaming.spark import BRONZE_POOL, use_pool

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

log = logging.getLogger(__name__)

DEADLETTER = "deadletter"
STREAM_KINDS: tuple[str, ...] = (*RECORD_KINDS, DEADLETTER)
"""Bronze tables the stream fills, one per topic; each is also a ``BRONZE_TABLES`` entry."""

QUERY_PREFIX = "kafka_to_bronze_"
AUTO_COMPACT = "spark.databricks.delta.autoCompact.enabled"

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
    options: dict[str, str] = {"kafka.security.protocol": settings.kafka_security_protocol}
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


@dataclass
class BronzeAppender:
    """The ``foreachBatch`` function of one topic's query: appends each micro-batch once."""

    settings: Settings
    kind: str
    compact_in_commit: bool = True
    """False: Delta's auto compaction is off for these appends (the job compacts beside them)."""
    continuous: bool = False
    """True for the continuous job, whose batches are small and share the cores:

    * Each micro-batch is written by one task as one file, whatever its partitions: a
      writing task costs tens of milliseconds of fixed work (code generation for the
      Delta statistics and the Parquet writer), which at one task per Kafka partition
      was most of the job's CPU at 1,000 events/s.
    * Its Spark jobs run in the ``bronze`` scheduler pool, offered every free core
      before the metric queries and the compaction.

    A catch-up (``--available-now``) keeps one task per partition, for parallelism.
    """
    replayed: int | None = None
    """The batch this start replays (:func:`pending_batch`), which may have landed already."""
    skipped: set[int] = field(default_factory=set)
    """Replayed batches found in bronze: they landed nothing this time."""

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        if self.continuous:
            use_pool(batch.sparkSession, BRONZE_POOL)
        path = str(self.settings.bronze_path(self.kind))
        if batch_id != self.replayed:
            self._append(batch, batch_id, path)
            return
        # Read from Kafka once (cached) for both the check and the append, so Spark's
        # count of the batch's input rows stays exact.
        batch.persist()
        try:
            if _already_landed(batch, path):
                log.warning("%s: batch %d was committed before a restart; skipped", path, batch_id)
                self.skipped.add(batch_id)
            else:
                self._append(batch, batch_id, path)
        finally:
            batch.unpersist()

    def _append(self, batch: DataFrame, batch_id: int, path: str) -> None:
        conf = batch.sparkSession.conf
        before = conf.get(AUTO_COMPACT, None)
        if not self.compact_in_commit:
            conf.set(AUTO_COMPACT, "false")  # the session setting wins over the table's
        if self.continuous:
            batch = batch.coalesce(1)
        try:
            (
                batch.write.format("delta")
                .mode("append")
                .option("userMetadata", f"{QUERY_PREFIX}{self.kind} batch {batch_id}")
                .save(path)
            )
        finally:
            if before is None:
                conf.unset(AUTO_COMPACT)
            else:
                conf.set(AUTO_COMPACT, before)


def pending_batch(checkpoint: Path) -> int | None:
    """The batch a query replays when it starts from ``checkpoint``, if any.

    Spark names each entry of a checkpoint's ``offsets`` and ``commits`` logs by its
    batch id; a batch planned but never committed is run again, first.
    """

    def last(log_name: str) -> int:
        folder = checkpoint / log_name
        ids = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.exists() else []
        return max(ids, default=-1)

    planned = last("offsets")
    return planned if planned > last("commits") else None


def _already_landed(batch: DataFrame, path: str) -> bool:
    """Whether bronze holds a record of ``batch`` (then it holds all of them: atomic commit)."""
    from pyspark.sql import functions as F

    first = batch.select("kafka_topic", "kafka_partition", "kafka_offset").limit(1).collect()
    if not first:
        return False
    topic, partition, offset = first[0]
    landed = (
        batch.sparkSession.read.format("delta")
        .load(path)
        .where(
            (F.col("kafka_topic") == topic)
            & (F.col("kafka_partition") == partition)
            & (F.col("kafka_offset") == offset)
        )
        .limit(1)
        .collect()
    )
    return bool(landed)


class BronzeWriter(NamedTuple):
    """One topic's query, configured but not started, and the function that writes it."""

    stream: DataStreamWriter
    appender: BronzeAppender


def bronze_stream_writers(
    spark: SparkSession,
    settings: Settings,
    *,
    compact_in_commit: bool = True,
    continuous: bool = False,
) -> dict[str, BronzeWriter]:
    """The configured, not yet started, query of each kind (trigger set by the caller).

    Kafka is asked first whether it answers and has the topics, so a broker that is down
    is one clear error instead of minutes of Spark's retries.
    """
    kafka_stack.require_topics(settings, kafka_stack.wanted_topics(settings))
    bronze.ensure_bronze_tables(spark, settings)
    _refuse_old_checkpoint(settings)
    writers = {}
    for kind in STREAM_KINDS:
        replayed = pending_batch(Path(checkpoint_location(settings, kind)))
        appender = BronzeAppender(settings, kind, compact_in_commit, continuous, replayed=replayed)
        stream = (
            read_kafka(spark, settings, kind)
            .writeStream.queryName(f"{QUERY_PREFIX}{kind}")
            .option("checkpointLocation", checkpoint_location(settings, kind))
            .foreachBatch(appender)
        )
        writers[kind] = BronzeWriter(stream, appender)
    return writers


def records_landed(
    queries: dict[str, StreamingQuery], writers: dict[str, BronzeWriter]
) -> tuple[dict[str, int], int]:
    """Records per kind and micro-batches that landed records, over the queries' progress.

    Spark keeps the last ``spark.sql.streaming.numRecentProgressUpdates`` batches of a
    query (pinlake sets 1000), enough for one catch-up. A replayed batch that was
    skipped because it had landed before counts no records.
    """
    landed: dict[str, int] = {}
    batches = 0
    for kind, query in queries.items():
        skipped = writers[kind].appender.skipped
        progress = [p for p in query.recentProgress if p.numInputRows and p.batchId not in skipped]
        landed[kind] = sum(p.numInputRows for p in progress)
        batches += len(progress)
    return landed, batches
