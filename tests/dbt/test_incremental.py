"""Incremental staging: build, land more bronze, build again: the same tables as a full refresh.

The first build runs on the hand-written fixture of ``bronze_fixture``; then two
increments land (new posts, re-arrivals with changed values in both datetime formats,
an ``index``-keyed record, a re-arrival whose payload and Kafka time are older than
what it replaces, one post arriving twice in one increment) and each is built
incrementally. Every staging, intermediate and mart table must then hold exactly what
``dbt build --full-refresh`` on all of bronze produces.

This module shares the pytest process (and so the metastore) with ``test_marts``: its
bronze lives in a folder of its own (dbt var ``bronze_root``), and it leaves the
lakehouse as it found it, without the ``bronze``, ``staging``, ``intermediate`` and
``marts`` tables, so ``test_marts`` builds from scratch whichever runs first.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bronze_fixture import arrivals

from orchestration.settings import REPO_ROOT, Settings
from streaming import bronze

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.slowest]

BUILT_SCHEMAS = ("staging", "intermediate", "marts")
INCREMENTAL = (
    "staging.stg_pinterest__pins",
    "staging.stg_pinterest__geolocations",
    "staging.stg_pinterest__users",
    "staging.stg_pinterest__landings",
    "intermediate.int_posts_joined",
)

INCREMENT_A = datetime(2024, 1, 3, 0, 0, 0)
INCREMENT_B = datetime(2024, 1, 4, 0, 0, 0)
OLD_KAFKA_TIME = datetime(2023, 6, 1, 0, 0, 0)
"""A Kafka timestamp older than every earlier arrival: a late record, still the latest arrival."""

BronzeRow = tuple[str, str, str, int | None, datetime | None, datetime]
"""kind, payload, record_source, kafka_offset, kafka_timestamp, ingested_at."""


def _pin(ind: int, category: str, poster: str, followers: str, key: str = "index") -> str:
    return json.dumps(
        {
            key: ind,
            "unique_id": f"00000000-0000-0000-0000-{ind:012d}",
            "title": f"Post {ind}",
            "description": f"About post {ind}",
            "poster_name": poster,
            "follower_count": followers,
            "tag_list": "a,b",
            "is_image_or_video": "image",
            "image_src": f"https://i.pinimg.com/originals/{ind}.jpg",
            "downloaded": 1,
            "save_location": f"Local save in /data/{category}",
            "category": category,
        }
    )


def _geo(ind: int, country: str, timestamp: str, key: str = "ind") -> str:
    return json.dumps(
        {key: ind, "timestamp": timestamp, "latitude": 10.5, "longitude": 20.25, "country": country}
    )


def _user(ind: int, first: str, last: str, age: int | str, joined: str, key: str = "ind") -> str:
    return json.dumps(
        {key: ind, "first_name": first, "last_name": last, "age": age, "date_joined": joined}
    )


def _kafka(kind: str, payload: str, offset: int, at: datetime, kafka_time: datetime) -> BronzeRow:
    return (kind, payload, "kafka", offset, kafka_time, at)


def _batch(kind: str, payload: str, at: datetime) -> BronzeRow:
    return (kind, payload, "batch", None, None, at)


def first_load() -> list[BronzeRow]:
    """The fixture of test_marts: every cleaning rule, ties and garbage included."""
    return [
        (a.kind, a.payload, a.record_source, a.kafka_offset, None, a.ingested_at)
        for a in arrivals()
    ]


def increment_a() -> list[BronzeRow]:
    """New posts 20 and 21, and re-arrivals of fixture posts with changed values."""
    at = INCREMENT_A
    return [
        # new posts, all three kinds; post 21 keyed `index` everywhere, `T` datetimes
        _batch("pin", _pin(20, "vehicles", "Kilo", "3k"), at),
        _batch("geo", _geo(20, "Estonia", "2019-02-02 02:02:02"), at),
        _batch("user", _user(20, "Kim", "Kerr", 29, "2017-07-07 07:07:07"), at),
        _batch("pin", _pin(21, "tattoos", "Lima", "45"), at),
        _batch("geo", _geo(21, "Fiji", "2020-03-03T03:03:03", key="index"), at),
        _batch("user", _user(21, "Lee", "Lamb", "52", "2016-08-08T08:08:08", key="index"), at),
        # re-arrivals with changed values: a new category and follower count, a new
        # country in the `T` format, a new age and join date with a fraction
        _batch("pin", _pin(3, "finance", "Beta", "1.1M"), at),
        _batch("geo", _geo(5, "Chad", "2020-05-05T13:00:00"), at),
        _batch("user", _user(1, "Abigail", "Ali", 21, "2015-10-24 11:23:51.75"), at),
        # post 2 arrives twice in one increment: the higher offset wins
        _kafka("pin", _pin(2, "beauty", "Alpha", "2k", key="ind"), 40, at, at),
        _kafka("pin", _pin(2, "quotes", "Alpha", "2.5k", key="ind"), 41, at, at),
        # a late Kafka record with an older payload: it landed last, so it wins
        _kafka("user", _user(6, "Eve", "Evans", 60, "2021-01-01 00:00:00"), 7, at, OLD_KAFKA_TIME),
        # not a record: still left out
        _batch("geo", json.dumps({"country": "Nowhere"}), at),
    ]


def increment_b() -> list[BronzeRow]:
    """A post re-arriving again, one from increment A and one from the first load; and a
    pin landed in the same minute as increment A's, after the build that counted that
    minute (the landings add it to the minute's earlier count)."""
    at = INCREMENT_B
    return [
        _batch("pin", "not json", INCREMENT_A + timedelta(seconds=30)),
        _batch("pin", _pin(20, "art", "Kilo", "3.5k"), at),
        _batch("geo", _geo(1, "Denmark", "2018-01-01T00:00:00.5", key="index"), at),
        _kafka("user", _user(6, "Eve", "Evans", 37, "2021-01-01T00:00:00"), 8, at, OLD_KAFKA_TIME),
        _batch("pin", _pin(22, "education", "Mike", "999"), at),
    ]


def land(spark: Any, bronze_home: Settings, rows: list[BronzeRow]) -> None:
    """Append ``rows`` to the bronze tables under ``bronze_home`` (one commit per kind)."""
    for kind in ("pin", "geo", "user"):
        frame = spark.createDataFrame(
            [row[1:] for row in rows if row[0] == kind],
            "payload string, record_source string, kafka_offset bigint,"
            " kafka_timestamp timestamp, ingested_at timestamp",
        )
        bronze.append(frame, bronze_home, kind)


def forget_built_tables(spark: Any) -> None:
    """Drop what dbt built and registered: the bronze tables are external (files stay)."""
    for table in ("pin", "geo", "user", "deadletter"):
        spark.sql(f"drop table if exists bronze.{table}")
    for schema in BUILT_SCHEMAS:
        spark.sql(f"drop database if exists {schema} cascade")


class Project:
    """dbt, in-process, on the session's Spark, reading the bronze under ``bronze_root``."""

    def __init__(self, work: Path, bronze_root: Path) -> None:
        self.work = work
        self.bronze_root = bronze_root
        profiles = work / "profiles"
        profiles.mkdir(parents=True)
        shutil.copy(REPO_ROOT / "profiles.yml.example", profiles / "profiles.yml")

    def build(self, *args: str) -> None:
        """Seeds and models only: the data and unit tests run in test_marts."""
        from dbt.artifacts.schemas.run import RunExecutionResult
        from dbt.cli.main import dbtRunner

        outcome = dbtRunner().invoke(
            [
                "build",
                *args,
                "--exclude-resource-type", "test",
                "--exclude-resource-type", "unit_test",
                "--vars", json.dumps({"bronze_root": str(self.bronze_root)}),
                "--project-dir", str(REPO_ROOT),
                "--profiles-dir", str(self.work / "profiles"),
                "--target-path", str(self.work / "target"),
                "--log-path", str(self.work / "logs"),
                "--target", "local",
                "--threads", "1",
            ]
        )  # fmt: skip
        assert outcome.exception is None, outcome.exception
        assert isinstance(outcome.result, RunExecutionResult), outcome.result
        failed = [
            r.node.name
            for r in outcome.result.results
            if str(r.status) != "success" and str(r.node.resource_type) != "exposure"
        ]
        assert failed == []


def table_contents(spark: Any) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every built table as a multiset of rows (duplicates would count)."""

    def hashable(value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    contents: dict[str, Counter[tuple[Any, ...]]] = {}
    for schema in BUILT_SCHEMAS:
        if not spark.catalog.databaseExists(schema):
            continue
        for table in spark.catalog.listTables(schema):
            if table.isTemporary:  # the views dbt merges from (`<model>__dbt_tmp`)
                continue
            name = f"{schema}.{table.name}"
            rows = spark.table(name).collect()
            contents[name] = Counter(tuple(hashable(value) for value in row) for row in rows)
    return contents


def last_operation(spark: Any, table: str) -> str:
    return str(spark.sql(f"describe history {table} limit 1").first()["operation"])


@pytest.fixture(scope="module")
def project(
    spark: Any, lakehouse_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Project, Settings]]:
    """A project whose bronze is this module's own; the lakehouse is left as found."""
    home = tmp_path_factory.mktemp("incremental")
    bronze_home = lakehouse_settings.model_copy(update={"home": home})
    forget_built_tables(spark)
    bronze.ensure_bronze_tables(spark, bronze_home)
    try:
        yield Project(home / "dbt", bronze_home.bronze_dir), bronze_home
    finally:
        forget_built_tables(spark)


@pytest.fixture(scope="module")
def builds(spark: Any, project: tuple[Project, Settings]) -> dict[str, Any]:
    """Contents after the incremental builds and after a full refresh, and what ran.

    Every build is a whole one: `int_posts_joined` merges from the staging rows that
    changed since its own last build, so it must see each increment as the daily run does.
    """
    dbt, bronze_home = project
    land(spark, bronze_home, first_load())
    dbt.build()
    first = table_contents(spark)
    land(spark, bronze_home, increment_a())
    dbt.build()
    operations_a = {table: last_operation(spark, table) for table in INCREMENTAL}
    land(spark, bronze_home, increment_b())
    dbt.build()
    operations_b = {table: last_operation(spark, table) for table in INCREMENTAL}
    incremental = table_contents(spark)
    dbt.build("--full-refresh")
    return {
        "first": first,
        "incremental": incremental,
        "full": table_contents(spark),
        "operations": [operations_a, operations_b],
    }


def test_incremental_builds_merge_the_increment(builds: dict[str, Any]) -> None:
    for operations in builds["operations"]:
        assert operations == dict.fromkeys(INCREMENTAL, "MERGE")


def test_incremental_builds_equal_a_full_refresh(builds: dict[str, Any]) -> None:
    incremental, full = builds["incremental"], builds["full"]
    assert len(full) == 5 + 4 + 11  # staging (with the dead letters' view), intermediate, marts
    assert sorted(incremental) == sorted(full)
    differing = [table for table in full if incremental[table] != full[table]]
    assert differing == []


def test_the_increments_changed_staging_and_marts(builds: dict[str, Any]) -> None:
    """Guards the comparison above: both increments reached staging, and the marts."""
    first, incremental = builds["first"], builds["incremental"]
    for table in INCREMENTAL:
        assert first[table] != incremental[table], table
    pins = {row[0] for row in incremental["staging.stg_pinterest__pins"]}
    assert sorted(pins) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 20, 21, 22]
    posts = {row[0] for row in incremental["marts.fct_posts"]}
    assert {20, 21, 22} <= posts


def test_latest_arrival_wins_across_increments(spark: Any, builds: dict[str, Any]) -> None:
    def one(sql: str) -> tuple[Any, ...]:
        return tuple(spark.sql(sql).first())

    assert one(
        "select category, follower_count from staging.stg_pinterest__pins where ind = 2"
    ) == (
        "quotes",
        2500,
    )
    assert one("select category from staging.stg_pinterest__pins where ind = 20") == ("art",)
    assert one("select age, date_joined from staging.stg_pinterest__users where ind = 6") == (
        37,
        datetime(2021, 1, 1),
    )
    assert one(
        "select country, timestamp from staging.stg_pinterest__geolocations where ind = 1"
    ) == ("Denmark", datetime(2018, 1, 1, 0, 0, 0, 500000))
    assert one("select age, date_joined from staging.stg_pinterest__users where ind = 1") == (
        21,
        datetime(2015, 10, 24, 11, 23, 51, 750000),
    )
    # the joined posts follow each kind's re-arrivals, increment after increment
    assert one("select country, age, age_group from marts.fct_posts where ind = 1") == (
        "Denmark",
        21,
        "18-24",
    )
    assert one("select age, age_group from marts.fct_posts where ind = 6") == (37, "36-50")
