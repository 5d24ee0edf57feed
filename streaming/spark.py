"""How pinlake starts Spark: Delta Lake, pinned jars, and the local metastore.

Two kinds of session:

* ``catalog=True`` (``pinlake sql``, ``pinlake build`` and ``pinlake load``): Hive
  support with an embedded Derby metastore under ``PINLAKE_HOME``, so the tables dbt
  builds (``staging.*``, ``marts.*``) are there for the next process. Derby admits one
  process at a time; :func:`metastore_lock` turns a second one into a clear message.
* ``catalog=False`` (the streaming job): no metastore at all, Delta tables by path,
  so streaming can run while dbt builds.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import jvm
from orchestration.settings import Settings
from streaming import locks

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
FAIR_SCHEDULER_CONFIG = Path(__file__).with_name("fairscheduler.xml")
BRONZE_POOL = "bronze"
"""Scheduler pool of the Kafka-to-bronze appends: offered every free core first."""
BACKGROUND_POOL = "background"
"""Scheduler pool of the real-time metrics and compaction: whatever bronze leaves."""


LOCAL_FILES_WITHOUT_FORKS: dict[str, str] = {
    # Hadoop's local file system runs a shell command for each file it creates (`chmod`)
    # and each rename it checks (`readlink`), because Hadoop's native library is not
    # there (it is not on Maven Central). At 1,000 events/s that was ~47 commands a
    # second, each forked from the 2 GB driver JVM, ~20 of them in every bronze
    # micro-batch's path: writing the offsets log alone took 130 ms of it.
    # * No `.crc` side files: every file written and renamed is one, not two. The
    #   local disk has its own integrity checks; Delta and Spark need no `.crc`.
    "spark.hadoop.fs.file.impl": "org.apache.hadoop.fs.RawLocalFileSystem",
    "spark.hadoop.fs.AbstractFileSystem.file.impl": "org.apache.hadoop.fs.local.RawLocalFs",
    # * Checkpoint logs renamed with `FileSystem.rename`, which needs no `readlink`,
    #   instead of `FileContext.rename`. Both check for an existing file first, then
    #   rename (a local disk has no rename-if-absent), and only the query's own
    #   thread writes its checkpoint: the same guarantee.
    "spark.sql.streaming.checkpointFileManagerClass": (
        "org.apache.spark.sql.execution.streaming.checkpointing."
        "FileSystemBasedCheckpointFileManager"
    ),
    # * No Delta checksum file (`<version>.crc`, a summary of the table after each
    #   commit): one file less per commit, and no table summary to compute. Readers
    #   then find the protocol and schema in the log itself, as before checksums.
    "spark.databricks.delta.writeChecksumFile.enabled": "false",
}
"""Settings of the streaming session that spare its many small writes Hadoop's forks."""


class MetastoreBusy(RuntimeError):
    """Another process holds the local metastore."""


def spark_conf(settings: Settings, *, catalog: bool) -> dict[str, str]:
    """Every Spark setting pinlake uses; the dbt profile's local target mirrors these."""
    conf = {
        "spark.master": settings.spark_master,
        "spark.app.name": "pinlake",
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.databricks.delta.snapshotPartitions": str(settings.delta_snapshot_partitions),
        "spark.sql.session.timeZone": "UTC",
        # OPTIMIZE (`streaming.bronze.compact`) bins small files into 128 MiB ones and
        # leaves files above 64 MiB alone, as Delta's auto compaction does.
        "spark.databricks.delta.optimize.maxFileSize": str(128 * 1024 * 1024),
        "spark.databricks.delta.optimize.minFileSize": str(64 * 1024 * 1024),
        "spark.sql.warehouse.dir": str(settings.warehouse_dir),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.databricks.delta.schema.autoMerge.enabled": "false",
        # The stream's summary counts records over each query's recent progress.
        "spark.sql.streaming.numRecentProgressUpdates": "1000",
        # Spark splits these options the way a shell would: quoted, a path may hold spaces.
        "spark.driver.extraJavaOptions": shlex.join(
            [f"-Dderby.system.home={settings.home}", f"-Dlog4j2.configurationFile={LOG4J_CONFIG}"]
        ),
    }
    if settings.spark_pinned_jars:
        conf["spark.jars"] = ",".join(str(jar) for jar in jvm.jars("spark"))
    if settings.spark_master.startswith("local"):
        # loopback only: a local session never needs to be reachable from elsewhere
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
    if catalog:
        conf["spark.sql.catalogImplementation"] = "hive"
        conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = (
            f"jdbc:derby:;databaseName={settings.metastore_dir};create=true"
        )
    else:
        conf["spark.sql.catalogImplementation"] = "in-memory"
        # Several queries share the cores; freshness of bronze comes first.
        conf["spark.scheduler.mode"] = "FAIR"
        conf["spark.scheduler.allocation.file"] = str(FAIR_SCHEDULER_CONFIG)
        conf |= LOCAL_FILES_WITHOUT_FORKS
    return conf


def use_pool(spark: SparkSession, pool: str) -> None:
    """Run the Spark jobs this thread starts from now on in scheduler pool ``pool``.

    A pool is a thread's local property; a ``foreachBatch`` function runs in a Python
    thread of its own, so it sets its pool on each call.
    """
    spark.sparkContext.setLocalProperty("spark.scheduler.pool", pool)


def _lock_path(settings: Settings) -> Path:
    return settings.home / "metastore.lock"


@contextmanager
def metastore_lock(settings: Settings, command: str) -> Iterator[None]:
    """Hold the local metastore for this process, or fail at once with who holds it."""
    try:
        handle = locks.acquire(_lock_path(settings), command)
    except locks.LockHeld as held:
        raise MetastoreBusy(
            f"The local metastore in {settings.home} is in use by "
            f"{held.holder or 'another process'}; wait for it to finish (or stop it) and "
            "run this command again."
        ) from None
    try:
        yield
    finally:
        locks.release(handle)


def build_session(settings: Settings, *, catalog: bool) -> SparkSession:
    """Start (or reuse) this process's Spark session with Delta and the pinned jars."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.home.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder
    if catalog:
        builder = builder.enableHiveSupport()
    for key, value in spark_conf(settings, catalog=catalog).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    _quiet_failed_statement_log()
    return session


def _quiet_failed_statement_log() -> None:
    """No JSON line on stderr for each failed statement.

    PySpark logs every SQL error it turns into a Python exception (its
    ``SQLQueryContextLogger``, the whole JVM stack trace as one JSON line) before raising
    it. Whoever catches the exception reports it: pinlake's commands in one message, dbt
    in its run results; the log line said the same a third time, unreadably.
    """
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def catalog_session(settings: Settings, command: str) -> Iterator[SparkSession]:
    """A session with the persistent metastore, held exclusively for ``command``."""
    with metastore_lock(settings, command):
        session = build_session(settings, catalog=True)
        try:
            yield session
        finally:
            session.stop()
