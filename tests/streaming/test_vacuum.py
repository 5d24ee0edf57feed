"""``pinlake vacuum``: the files no table version needs go, the others and every row stay.

Real Spark and Delta on a temporary lakehouse. Files removed by a commit are only
deleted once older than the retention (7 days by default); the tests that need them
deleted now turn Delta's retention check off for their session, as its docs describe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orchestration import maintenance
from orchestration.cli import app
from orchestration.settings import Settings
from streaming import bronze

pytestmark = pytest.mark.spark

SCHEMA = "vacuum_test"


@pytest.fixture
def no_retention_check(spark_setting: Callable[[str, str], None]) -> None:
    spark_setting("spark.databricks.delta.retentionDurationCheck.enabled", "false")


def rows(spark: Any, first: int, count: int) -> Any:
    """``count`` bronze rows in two files; the columns left out are null."""
    return spark.range(first, first + count, numPartitions=2).selectExpr(
        "to_json(named_struct('ind', id)) as payload",
        "'kafka' as record_source",
        "current_timestamp() as ingested_at",
    )


@pytest.fixture
def rewritten_tables(stream_spark: Any, home_settings: Settings) -> Iterator[Path]:
    """Bronze pin compacted, and a dbt-like catalog table rebuilt: both leave old files.

    Yields the catalog table's folder. Also in the schema: a view and a Parquet table,
    which are not Delta tables.
    """
    bronze.ensure_bronze_tables(stream_spark, home_settings)
    for n in range(3):
        bronze.append(rows(stream_spark, n * 50, 50), home_settings, "pin")
    bronze.compact(stream_spark, home_settings, "pin")

    location = home_settings.warehouse_dir / f"{SCHEMA}.db" / "facts"
    stream_spark.sql(f"create schema if not exists {SCHEMA}")
    stream_spark.sql(
        f"create table {SCHEMA}.facts using delta location '{location}' "
        "as select id from range(100)"
    )
    stream_spark.sql(f"insert overwrite {SCHEMA}.facts select id from range(100, 160)")
    stream_spark.sql(f"create view {SCHEMA}.facts_view as select * from {SCHEMA}.facts")
    stream_spark.sql(f"create table {SCHEMA}.plain using parquet as select 1 as one")
    # the bronze table registered too, as dbt's on-run-start does: vacuumed once
    stream_spark.sql(
        f"create table {SCHEMA}.pin using delta location '{home_settings.bronze_path('pin')}'"
    )
    yield location
    stream_spark.sql(f"drop schema {SCHEMA} cascade")


def data_files(folder: Path) -> set[str]:
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*.parquet")
        if "_delta_log" not in path.parts
    }


def live_files(spark: Any, folder: Path) -> set[str]:
    """The files the table's current version reads."""
    from delta.tables import DeltaTable

    frame = DeltaTable.forPath(spark, str(folder)).toDF()
    return {str(Path(uri.removeprefix("file:")).relative_to(folder)) for uri in frame.inputFiles()}


def ours(vacuumed: list[maintenance.VacuumedTable], settings: Settings) -> dict[str, int]:
    """The outcome for this test's tables (the session's metastore holds other tests' too)."""
    mine = (str(settings.home), SCHEMA + ".")
    return {t.name: t.files_deleted for t in vacuumed if t.name.startswith(mine)}


def test_vacuum_deletes_exactly_the_files_no_version_needs(
    stream_spark: Any,
    home_settings: Settings,
    rewritten_tables: Path,
    no_retention_check: None,
) -> None:
    pin = home_settings.bronze_path("pin")
    old_pin_files = data_files(pin) - live_files(stream_spark, pin)
    old_fact_files = data_files(rewritten_tables) - live_files(stream_spark, rewritten_tables)
    assert old_pin_files and old_fact_files

    vacuumed = maintenance.vacuum(stream_spark, home_settings, retain_hours=0)

    deleted = ours(vacuumed, home_settings)
    # registered in the metastore, the bronze table goes by its name, once
    assert deleted[f"{SCHEMA}.pin"] == len(old_pin_files)
    assert deleted[f"{SCHEMA}.facts"] == len(old_fact_files)
    assert str(pin) not in deleted
    # every other bronze table is found on disk, and has nothing to delete
    assert {name: n for name, n in deleted.items() if name.startswith(str(home_settings.home))} == {
        str(home_settings.bronze_path(table)): 0 for table in bronze.BRONZE_TABLES if table != "pin"
    }
    # the view and the Parquet table are not Delta tables
    assert f"{SCHEMA}.facts_view" not in deleted and f"{SCHEMA}.plain" not in deleted

    assert data_files(pin) == live_files(stream_spark, pin)
    assert data_files(rewritten_tables) == live_files(stream_spark, rewritten_tables)
    assert stream_spark.read.format("delta").load(str(pin)).count() == 150
    assert stream_spark.table(f"{SCHEMA}.facts").count() == 60


def test_the_default_retention_keeps_what_time_travel_needs(
    stream_spark: Any, home_settings: Settings, rewritten_tables: Path
) -> None:
    """Files removed minutes ago are younger than 7 days: all stay, version 0 still reads."""
    before = data_files(rewritten_tables)

    vacuumed = maintenance.vacuum(stream_spark, home_settings)

    assert set(ours(vacuumed, home_settings).values()) == {0}
    assert data_files(rewritten_tables) == before
    first = stream_spark.read.format("delta").option("versionAsOf", 0).load(str(rewritten_tables))
    assert first.count() == 100


def test_a_retention_below_delta_minimum_is_refused_before_any_table_is_touched(
    stream_spark: Any, home_settings: Settings, rewritten_tables: Path
) -> None:
    before = data_files(home_settings.bronze_path("pin"))

    with pytest.raises(maintenance.RetentionTooShort, match="shorter than Delta's minimum"):
        maintenance.vacuum(stream_spark, home_settings, retain_hours=1)

    assert data_files(home_settings.bronze_path("pin")) == before


def test_the_command_refuses_a_short_retention_without_starting_spark() -> None:
    result = CliRunner().invoke(app, ["vacuum", "--retain-hours", "24"], env={"COLUMNS": "200"})

    assert result.exit_code == 2
    assert "greater than or equal to 168" in result.output
