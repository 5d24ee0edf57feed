"""``pinlake vacuum``: delete the data files no Delta table version needs any more.

Every rewrite of a Delta table leaves the files it replaced on disk, so that readers of
older versions (time travel, a stream that is behind) still find them: compacting
bronze (:func:`streaming.bronze.compact`), the real-time tables' upserts, dbt's merges
into the staging models and its full rebuilds of the marts. Nothing deletes them but
``VACUUM``, and a lakehouse that never runs it grows without bound.

This vacuums every Delta table of the lakehouse: the tables the metastore knows (the
schemas dbt builds into, and bronze and real-time once dbt registered them) and the
bronze and real-time tables on disk (registered or not). A file goes only when no
version of the table younger than the retention references it. The default retention
is Delta's own, 7 days (``delta.deletedFileRetentionDuration``): time travel reaches
back that far and a stream paused for less than that can still resume. Delta refuses
a shorter retention (it could delete files a running writer or reader still needs);
:class:`RetentionTooShort` says so before any table is touched.

Safe to run while ``pinlake stream`` writes: Delta's appends only add files, and
VACUUM removes only files that are unreferenced and older than the retention.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from pyspark.sql import SparkSession

from orchestration.settings import Settings

DEFAULT_RETAIN_HOURS = 168
"""Delta's default ``delta.deletedFileRetentionDuration`` (7 days), and its minimum."""

_RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"
_LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism"


class RetentionTooShort(ValueError):
    """A retention below Delta's safety minimum while its check is on."""


@dataclass(frozen=True)
class VacuumedTable:
    name: str
    """``schema.table`` in the metastore, or the path of a table it does not know."""
    location: str
    files_deleted: int


def _local(location: str) -> str:
    """A ``file:`` URI as a plain path, so one table found twice is vacuumed once."""
    parsed = urlparse(location)
    return str(Path(unquote(parsed.path))) if parsed.scheme in ("", "file") else location


def _catalog_tables(spark: SparkSession) -> dict[str, str]:
    """Location -> ``schema.table`` of every Delta table the metastore knows.

    A table whose files are gone (its folder deleted by hand) is left out: there is
    nothing to vacuum, and VACUUM would fail on it.
    """
    from delta.tables import DeltaTable

    found: dict[str, str] = {}
    for database in spark.catalog.listDatabases():
        for table in spark.catalog.listTables(database.name):
            if table.tableType == "VIEW" or table.isTemporary:
                continue
            name = f"{database.name}.{table.name}"
            quoted = f"`{database.name}`.`{table.name}`"
            details = {
                row.col_name: row.data_type
                for row in spark.sql(f"describe table extended {quoted}").collect()
            }
            location = details.get("Location")
            if (details.get("Provider") or "").lower() != "delta" or not location:
                continue
            if DeltaTable.isDeltaTable(spark, location):
                found[_local(location)] = name
    return found


def _lakehouse_tables(spark: SparkSession, settings: Settings) -> dict[str, str]:
    """Location -> path of the bronze and real-time Delta tables on disk."""
    from delta.tables import DeltaTable

    found: dict[str, str] = {}
    for parent in (settings.bronze_dir, settings.realtime_dir):
        if not parent.is_dir():
            continue
        for child in sorted(parent.iterdir()):
            if child.is_dir() and DeltaTable.isDeltaTable(spark, str(child)):
                found[_local(str(child))] = str(child)
    return found


def delta_tables(spark: SparkSession, settings: Settings) -> dict[str, str]:
    """Location -> name of every Delta table of the lakehouse, each once."""
    return {**_lakehouse_tables(spark, settings), **_catalog_tables(spark)}


def check_retention(spark: SparkSession, retain_hours: int) -> None:
    """Refuse a retention Delta would refuse, with the reason, before touching any table."""
    check_on = (spark.conf.get(_RETENTION_CHECK, "true") or "true").lower() != "false"
    if check_on and retain_hours < DEFAULT_RETAIN_HOURS:
        raise RetentionTooShort(
            f"a retention of {retain_hours} hours is shorter than Delta's minimum of "
            f"{DEFAULT_RETAIN_HOURS} hours: it could delete files that a running stream or "
            "a reader of an older version still needs"
        )


def vacuum(
    spark: SparkSession, settings: Settings, *, retain_hours: int = DEFAULT_RETAIN_HOURS
) -> list[VacuumedTable]:
    """VACUUM every Delta table of the lakehouse; what each deleted, in name order."""
    check_retention(spark, retain_hours)
    vacuumed = []
    with _listing_parallelism(spark):
        for location, name in sorted(delta_tables(spark, settings).items(), key=lambda t: t[1]):
            target = f"delta.`{location}`"
            # DRY RUN lists what VACUUM would delete; nothing writes files older than the
            # retention meanwhile, so the list is what the VACUUM that follows deletes.
            doomed = spark.sql(f"vacuum {target} retain {retain_hours} hours dry run").count()
            if doomed:
                spark.sql(f"vacuum {target} retain {retain_hours} hours").collect()
            vacuumed.append(VacuumedTable(name, location, doomed))
    return vacuumed


@contextmanager
def _listing_parallelism(spark: SparkSession) -> Iterator[None]:
    """List table folders in as many tasks as the session has cores, unless set already.

    VACUUM lists a table's files in ``spark.sql.sources.parallelPartitionDiscovery.
    parallelism`` tasks, 10,000 by default: on a 2-core machine 27-38 s a table, however
    small, against ~1 s in 2-4 tasks. A value the session set on purpose is kept.
    """
    if spark.conf.get(_LISTING_PARALLELISM, None) is not None:
        yield
        return
    spark.conf.set(_LISTING_PARALLELISM, str(max(1, spark.sparkContext.defaultParallelism)))
    try:
        yield
    finally:
        spark.conf.unset(_LISTING_PARALLELISM)
