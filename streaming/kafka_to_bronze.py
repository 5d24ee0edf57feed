"""Kafka to bronze: one streaming query lands every record of every topic exactly once.

The query subscribes to the pin, geo, user and dead-letter topics and, in each
micro-batch, appends the records of each topic to that topic's bronze Delta table
(``streaming.bronze``): the Kafka value decoded as UTF-8, exactly as received (a
payload that is not JSON lands too; dbt flags it), with its Kafka provenance and
``ingested_at``. Dead letters land raw in bronze ``deadletter``, the quarantine table.

Exactly once, after a crash at any point:

* Spark writes the Kafka offsets of micro-batch ``n`` to the checkpoint *before*
  running it, so a restarted query replays batch ``n`` with exactly the same records.
* Each table is written with a Delta idempotent append (``txnAppId`` = this query's id
  and the table, ``txnVersion`` = the batch id). Delta records the pair in the same
  atomic commit as the rows, so a replayed batch skips the tables it had already
  written and writes the others. The query id comes from the checkpoint: a new
  checkpoint (deleted on purpose) gets a new id, so its batch 0 is not mistaken for
  the old query's batch 0.

``failOnDataLoss`` is on by default (``PINLAKE_STREAM_FAIL_ON_DATA_LOSS``): if Kafka
deleted records bronze never had (retention, a re-created topic), the job stops and
says so instead of silently skipping them.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from orchestration.settings import RECORD_KINDS, Settings
from streaming import bronze

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import DataStreamWriter

log = logging.getLogger(__name__)

DEADLETTER = "deadletter"
STREAM_KINDS: tuple[str, ...] = (*RECORD_KINDS, DEADLETTER)
"""Bronze tables the stream fills, one per topic; each is also a ``BRONZE_TABLES`` entry."""

QUERY_NAME = "kafka_to_bronze"

_SASL_LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}


def checkpoint_location(settings: Settings) -> str:
    return str(settings.checkpoint_dir / "bronze")


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


def kafka_source_options(settings: Settings) -> dict[str, str]:
    """Options of the Kafka source: all four topics, from the earliest offset on a first run."""
    options = {
        "kafka.bootstrap.servers": settings.kafka_bootstrap,
        "subscribe": ",".join(settings.topic(kind) for kind in STREAM_KINDS),
        # Only used when the checkpoint is new; afterwards the checkpoint's offsets rule.
        "startingOffsets": "earliest",
        "failOnDataLoss": str(settings.stream_fail_on_data_loss).lower(),
        **kafka_security_options(settings),
    }
    if settings.stream_max_offsets_per_trigger:
        options["maxOffsetsPerTrigger"] = str(settings.stream_max_offsets_per_trigger)
    return options


def read_kafka(spark: SparkSession, settings: Settings) -> DataFrame:
    """The four topics as one stream, already in the bronze columns."""
    from pyspark.sql import functions as F

    raw = spark.readStream.format("kafka").options(**kafka_source_options(settings)).load()
    return raw.select(
        # Kafka values are bytes; bronze keeps them as the UTF-8 text the client sent.
        F.col("value").cast("string").alias("payload"),
        F.lit("kafka").alias("record_source"),
        F.col("topic").alias("kafka_topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.col("key").cast("string").alias("kafka_key"),
    )


class BronzeBatchWriter:
    """``foreachBatch`` function: split one micro-batch by topic, append each part once.

    ``records_seen`` counts the records of the batches this process ran, per table,
    for the command's summary (a replayed batch Delta skipped is counted too: bronze
    itself is the place to count rows).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tables = {settings.topic(kind): kind for kind in STREAM_KINDS}
        self.records_seen: dict[str, int] = dict.fromkeys(STREAM_KINDS, 0)
        self.batches = 0
        self._query_id: str | None = None

    def query_id(self, spark: SparkSession) -> str:
        """The id Spark stored in the checkpoint: stable across restarts of this checkpoint.

        Read through Spark (not the local file system) so a checkpoint on HDFS or an
        object store works the same.
        """
        if self._query_id is None:
            line = spark.read.text(f"{checkpoint_location(self.settings)}/metadata").first()
            if line is None:
                raise RuntimeError("the streaming checkpoint has no metadata file")
            self._query_id = str(json.loads(line[0])["id"])
        return self._query_id

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        from pyspark.sql import functions as F

        spark = batch.sparkSession
        app_id = self.query_id(spark)
        # Read Kafka once per batch (not once per table); the count fills the cache.
        rows = batch.withColumn("ingested_at", F.current_timestamp()).persist()
        try:
            counts = {
                row["kafka_topic"]: int(row["count"])
                for row in rows.groupBy("kafka_topic").count().collect()
            }
            log.info("bronze batch %s: %s", batch_id, counts)
            # A topic without records in this batch needs no commit: a replay of the
            # batch has none either, so there is nothing to make idempotent.
            parts = [(topic, table) for topic, table in self.tables.items() if counts.get(topic)]
            # The tables are independent Delta logs: commit them concurrently, since most
            # of a small commit's time is driver-side log work, not cluster work.
            with ThreadPoolExecutor(max_workers=len(STREAM_KINDS)) as pool:
                futures = [
                    pool.submit(
                        self._append,
                        rows.where(F.col("kafka_topic") == topic),
                        table,
                        app_id,
                        batch_id,
                    )
                    for topic, table in parts
                ]
                for future in futures:
                    future.result()
            for topic, table in parts:
                self.records_seen[table] += counts[topic]
        finally:
            rows.unpersist()
        self.batches += 1

    def _append(self, part: DataFrame, table: str, app_id: str, batch_id: int) -> None:
        (
            bronze.conform(part)
            .write.format("delta")
            .mode("append")
            .option("txnAppId", f"{app_id}:{table}")
            .option("txnVersion", batch_id)
            .save(str(self.settings.bronze_path(table)))
        )


def bronze_stream_writer(
    spark: SparkSession, settings: Settings, writer: BronzeBatchWriter | None = None
) -> DataStreamWriter:
    """The configured, not yet started, Kafka-to-bronze query (trigger set by the caller)."""
    bronze.ensure_bronze_tables(spark, settings)
    return (
        read_kafka(spark, settings)
        .writeStream.queryName(QUERY_NAME)
        .option("checkpointLocation", checkpoint_location(settings))
        .foreachBatch(writer or BronzeBatchWriter(settings))
    )
