"""Real-time metrics: windows fill, late records within the watermark update them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import Settings
from streaming import job
from streaming.realtime import TABLES, MergeWindows, ensure_realtime_tables

pytestmark = [pytest.mark.spark, pytest.mark.kafka]


def pin(ind: int, category: str, poster: str, followers: str) -> bytes:
    record = {"ind": ind, "category": category, "poster_name": poster}
    return json.dumps({**record, "follower_count": followers}).encode()


def table(spark: Any, settings: Settings, name: str, key: str) -> dict[tuple[datetime, str], Any]:
    rows = spark.read.format("delta").load(str(settings.realtime_dir / name)).collect()
    return {(row.window_start.replace(tzinfo=UTC), row[key]): row for row in rows}


def test_windows_fill_and_late_records_update_them(
    stream_spark: Any, stream_settings: Settings, produce: Any
) -> None:
    assert stream_settings.stream_watermark_seconds == 120
    base = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    minute = timedelta(minutes=1)
    second = timedelta(seconds=1)
    produce("pin", [pin(i, "diy", "alice", "1k") for i in range(5)], at=base + 10 * second)
    produce("pin", [pin(i, "diy", "bob", "7") for i in range(5, 8)], at=base + minute + 10 * second)
    produce("pin", [pin(8, "travel", "alice", "2k")], at=base + 3 * minute + 10 * second)
    produce(
        "pin", [pin(9, "travel", "alice", "User Info Error")], at=base + 3 * minute + 20 * second
    )
    produce("pin", [b"not json"], at=base + 3 * minute)
    # The watermark is now the latest event time minus 120 s: base + 1 min 20 s.

    job.run_available_now(stream_settings, spark=stream_spark)

    categories = table(stream_spark, stream_settings, "posts_per_category", "category")
    assert {key: row.posts for key, row in categories.items()} == {
        (base, "diy"): 5,
        (base + minute, "diy"): 3,
        (base + 3 * minute, "travel"): 2,
    }
    assert categories[(base, "diy")].window_end.replace(tzinfo=UTC) == base + minute
    posters = table(stream_spark, stream_settings, "profile_popularity", "poster_name")
    assert {key: (row.posts, row.latest_follower_count) for key, row in posters.items()} == {
        (base, "alice"): (5, 1000),
        (base + minute, "bob"): (3, 7),
        # The latest record had no readable count: the latest known one is kept.
        (base + 3 * minute, "alice"): (2, 2000),
    }

    produce("pin", [pin(10, "diy", "bob", "9")], at=base + minute + 40 * second)  # late, in time
    produce("pin", [pin(11, "diy", "carol", "5")], at=base + 30 * second)  # beyond the watermark
    job.run_available_now(stream_settings, spark=stream_spark)

    after = table(stream_spark, stream_settings, "posts_per_category", "category")
    assert after[(base + minute, "diy")].posts == 4
    assert after[(base, "diy")].posts == 5
    assert after[(base + minute, "diy")].updated_at > categories[(base + minute, "diy")].updated_at
    posters = table(stream_spark, stream_settings, "profile_popularity", "poster_name")
    assert (
        posters[(base + minute, "bob")].posts,
        posters[(base + minute, "bob")].latest_follower_count,
    ) == (4, 9)
    assert (base, "carol") not in posters
    # Bronze keeps the record the metrics dropped as too late.
    pins = stream_spark.read.format("delta").load(str(stream_settings.bronze_path("pin")))
    assert pins.count() == 13


def test_a_merge_reads_no_file_of_older_windows(stream_spark: Any, tmp_path: Path) -> None:
    """Each micro-batch's MERGE is bounded by its earliest window, so Delta skips the files
    of older windows; a batch that changed no window writes nothing.

    The file of an older window is deleted from disk before the last merge: a merge that
    still read it would fail.
    """
    from delta.tables import DeltaTable

    settings = Settings(home=tmp_path / "home")
    ensure_realtime_tables(stream_spark, settings)
    table = next(t for t in TABLES if t.name == "posts_per_category")
    merge = MergeWindows(table, settings)
    path = Path(table.path(settings))
    minute = timedelta(minutes=1)
    old = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    new = old + 30 * minute

    def batch(*rows: tuple[datetime, str | None, int]) -> Any:
        return stream_spark.createDataFrame(
            [(start, start + minute, category, posts) for start, category, posts in rows],
            "window_start timestamp, window_end timestamp, category string, posts bigint",
        )

    merge(batch((old, "diy", 5)), 0)
    old_files = set(path.glob("*.parquet"))
    merge(batch((new, "diy", 3)), 1)
    for file in old_files:
        file.unlink()
    merge(batch((new, "diy", 4), (new, None, 1)), 2)

    rows = (
        stream_spark.read.format("delta")
        .load(str(path))
        .where(f"window_start >= timestamp'{new:%Y-%m-%d %H:%M:%S}'")
        .collect()
    )
    assert {(row.window_start.replace(tzinfo=UTC), row.category): row.posts for row in rows} == {
        (new, "diy"): 4,
        (new, None): 1,
    }
    versions = DeltaTable.forPath(stream_spark, str(path)).history().count()
    merge(batch(), 3)
    assert DeltaTable.forPath(stream_spark, str(path)).history().count() == versions


def test_follower_counts_parse_with_either_case_of_unit(stream_spark: Any) -> None:
    """The metrics read follower counts as dbt's ``parse_follower_count`` does."""
    from pyspark.sql import functions as F

    from streaming.realtime import parse_follower_count

    expected = {
        "437": 437,
        "12k": 12_000,
        "12K": 12_000,
        "1.5m": 1_500_000,
        "1.5M": 1_500_000,
        "2B": 2_000_000_000,
        " 3k ": 3_000,
        "User Info Error": None,
        "12kk": None,
        "": None,
    }
    frame = stream_spark.createDataFrame([(text,) for text in expected], "text string")
    parsed = frame.select("text", parse_follower_count(F.col("text")).alias("followers"))
    assert {row.text: row.followers for row in parsed.collect()} == expected


def test_the_merges_small_files_are_compacted(
    stream_spark: Any, tmp_path: Path, spark_setting: Any
) -> None:
    """The metric tables auto-compact: once enough small files from the merges pile up
    (here 4, Delta's default 50), a merge's commit rewrites them into one. A table dbt
    registered first, without the property, gets it before the first merge."""
    from delta.tables import DeltaTable

    spark_setting("spark.databricks.delta.autoCompact.minNumFiles", "4")
    settings = Settings(home=tmp_path / "home")
    table = next(t for t in TABLES if t.name == "posts_per_category")
    stream_spark.sql(f"create table delta.`{table.path(settings)}` ({table.columns}) using delta")
    ensure_realtime_tables(stream_spark, settings)
    merge = MergeWindows(table, settings)
    minute = timedelta(minutes=1)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    for batch_id in range(6):
        window = start + batch_id * minute
        merge(
            stream_spark.createDataFrame(
                [(window, window + minute, "diy", batch_id + 1)],
                "window_start timestamp, window_end timestamp, category string, posts bigint",
            ),
            batch_id,
        )

    delta = DeltaTable.forPath(stream_spark, table.path(settings))
    assert "OPTIMIZE" in {row.operation for row in delta.history().collect()}
    assert delta.detail().collect()[0].numFiles < 6, "one file per merge: nothing was compacted"
    rows = delta.toDF().collect()
    assert {(row.window_start.replace(tzinfo=UTC), row.posts) for row in rows} == {
        (start + i * minute, i + 1) for i in range(6)
    }
