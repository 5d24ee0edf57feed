"""The dbt project on a hand-written bronze fixture: every mart against hand-computed rows.

One ``dbt build`` (seeds, models, unit tests, data tests) runs in this process on the
session's Spark, over bronze tables written from ``bronze_fixture``; the expected rows
below were worked out by hand from the table in that module's docstring.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bronze_fixture import GARBAGE_ARRIVALS, arrivals

from orchestration.settings import REPO_ROOT, Settings
from streaming import bronze

pytestmark = pytest.mark.spark

BUILD_BUDGET_S = 600.0
"""Generous for a loaded CI machine; on an idle 2-core machine the build takes ~2-4 minutes."""


@dataclass(frozen=True)
class Build:
    results: list[Any]
    seconds: float

    def of_type(self, resource_type: str) -> list[Any]:
        return [r for r in self.results if str(r.node.resource_type) == resource_type]

    def status_of(self, name: str) -> Any:
        return next(r for r in self.results if r.node.name == name)


def write_bronze(spark: Any, settings: Settings) -> None:
    bronze.ensure_bronze_tables(spark, settings)
    for kind in ("pin", "geo", "user"):
        rows = [
            (a.payload, a.record_source, a.kafka_offset, a.ingested_at)
            for a in arrivals()
            if a.kind == kind
        ]
        frame = spark.createDataFrame(
            rows, "payload string, record_source string, kafka_offset bigint, ingested_at timestamp"
        )
        bronze.append(frame, settings, kind)


def dbt_build(settings: Settings, work: Path) -> Build:
    """``dbt build`` in-process with the example profile (the local target, unedited)."""
    from dbt.artifacts.schemas.run import RunExecutionResult
    from dbt.cli.main import dbtRunner

    profiles = work / "profiles"
    profiles.mkdir()
    shutil.copy(REPO_ROOT / "profiles.yml.example", profiles / "profiles.yml")
    started = time.perf_counter()
    outcome = dbtRunner().invoke(
        [
            "build",
            "--project-dir", str(REPO_ROOT),
            "--profiles-dir", str(profiles),
            "--target-path", str(work / "target"),
            "--log-path", str(work / "logs"),
            "--target", "local",
            "--threads", "1",
        ]
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert outcome.exception is None, outcome.exception
    assert isinstance(outcome.result, RunExecutionResult), outcome.result
    return Build(results=list(outcome.result.results), seconds=seconds)


@pytest.fixture(scope="module")
def build(
    spark: Any, lakehouse_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Build:
    write_bronze(spark, lakehouse_settings)
    return dbt_build(lakehouse_settings, tmp_path_factory.mktemp("dbt"))


@pytest.fixture(scope="module")
def rows(spark: Any, build: Build) -> Any:
    def read(table: str, columns: str) -> set[tuple[Any, ...]]:
        """The rows as a set of tuples (arrays as tuples too, so rows stay hashable)."""
        return {
            tuple(tuple(value) if isinstance(value, list) else value for value in row)
            for row in spark.sql(f"select {columns} from {table}").collect()
        }

    return read


# --- the build itself -------------------------------------------------------------------


def test_build_runs_every_node_and_its_own_tests_pass(build: Build) -> None:
    failed = [
        (r.node.name, str(r.status), r.message)
        for r in build.results
        if str(r.status) not in ("success", "pass", "warn")
        # dbt build lists the exposure as a node with nothing to run
        and (str(r.node.resource_type), str(r.status)) != ("exposure", "no-op")
    ]
    assert failed == []
    assert [r.node.name for r in build.of_type("exposure")] == ["pinlake_marts"]
    units = build.of_type("unit_test")
    assert len(units) >= 13 and all(str(r.status) == "pass" for r in units)
    data_tests = build.of_type("test")
    assert len(data_tests) >= 60
    models = {r.node.name for r in build.of_type("model")}
    assert {"fct_posts", "dim_users", "top_country_by_followers"} <= models
    print(
        f"\ndbt build: {build.seconds:.0f}s, {len(units)} unit tests, {len(data_tests)} data tests"
    )
    assert build.seconds < BUILD_BUDGET_S


def test_garbage_payloads_are_flagged_not_fatal(build: Build) -> None:
    flagged = build.status_of("bronze_records_without_ind")
    assert str(flagged.status) == "warn"
    assert flagged.failures == GARBAGE_ARRIVALS
    only_warning = [r.node.name for r in build.results if str(r.status) == "warn"]
    assert only_warning == ["bronze_records_without_ind"]


def test_landings_count_every_bronze_record(spark: Any, build: Build) -> None:
    """Per kind, the landings add up to the bronze table, the unplaceable ones included."""
    landed = {
        row.record_kind: (row.records, row.without_ind)
        for row in spark.sql(
            "select record_kind, sum(records) as records,"
            " sum(records_without_ind) as without_ind"
            " from staging.stg_pinterest__landings group by record_kind"
        ).collect()
    }
    in_bronze = {kind: spark.table(f"bronze.{kind}").count() for kind in ("pin", "geo", "user")}
    assert {kind: records for kind, (records, _) in landed.items()} == in_bronze
    assert sum(without for _, without in landed.values()) == GARBAGE_ARRIVALS


# --- staging: cleaning rules on the real path from bronze ------------------------------


def test_staging_pins_cleaned_and_deduplicated(rows: Any) -> None:
    pins = rows(
        "staging.stg_pinterest__pins",
        "ind, title, description, poster_name, follower_count, tag_list, image_src,"
        " downloaded, save_location, category",
    )
    by_ind = {row[0]: row for row in pins}
    assert sorted(by_ind) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14]
    assert len(pins) == 13
    assert by_ind[1] == (1, None, None, "Alpha", 12000, None, None, 1, "/data/art", "art")
    assert by_ind[2][4] == 1500 and by_ind[2][7] == 0
    assert by_ind[3][4] == 2000000 and by_ind[4][4] == 2000000
    assert by_ind[5][1:5] == (None, "About post 5", None, None)
    assert by_ind[14][4] == 1200
    assert by_ind[10][8] == "/data/finance"


def test_staging_geolocations_typed(rows: Any) -> None:
    geos = {
        row[0]: row
        for row in rows(
            "staging.stg_pinterest__geolocations",
            "ind, country, latitude, longitude, coordinates, timestamp",
        )
    }
    assert sorted(geos) == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    assert geos[4][1] == "Aruba"
    assert geos[3][5] == datetime(2022, 12, 31, 23, 59, 59)
    assert geos[5][5] == datetime(2020, 5, 5, 12, 0, 0, 250000)
    assert geos[8][2:5] == (17.5632, 112.276, (17.5632, 112.276))
    assert geos[1][4] == (-89.9787, -173.293)


def test_staging_users_named_and_latest(rows: Any) -> None:
    users = {
        row[0]: row
        for row in rows("staging.stg_pinterest__users", "ind, user_name, age, date_joined")
    }
    assert sorted(users) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert users[6] == (6, "Eve Evans", 36, datetime(2021, 1, 1))
    assert users[4] == (4, "Cara Cruz", 25, datetime(2017, 5, 5, 5, 5, 5))
    assert users[8][3] == datetime(2019, 7, 7, 7, 7, 7, 500000)


# --- entities ----------------------------------------------------------------------------


def test_fct_posts_one_row_per_post_with_arrival_flags(rows: Any) -> None:
    posts = {
        row[0]: row[1:]
        for row in rows(
            "marts.fct_posts",
            "ind, has_pin, has_geolocation, has_user, age_group, post_year, join_year,"
            " user_id is not null",
        )
    }
    assert sorted(posts) == list(range(1, 15))
    assert posts[1] == (True, True, True, "18-24", 2018, 2015, True)
    assert posts[9] == (True, False, True, "36-50", None, 2016, True)
    assert posts[10] == (True, True, False, None, 2021, None, False)
    assert posts[11] == (False, True, True, "18-24", 2018, 2016, True)
    assert posts[12][3] is None  # 17 is in no age band
    assert posts[7][3] == "36-50" and posts[8][3] == "50+"  # 50 | 51


def test_dim_users_by_name_and_join_date(rows: Any) -> None:
    assert rows("marts.dim_users", "user_name, join_year, age, number_of_posts") == {
        ("Abigail Ali", 2015, 20, 2),
        ("Abigail Ali", 2016, 40, 1),
        ("Bob Brown", 2016, 24, 2),
        ("Cara Cruz", 2017, 25, 1),
        ("Dan Diaz", 2020, 35, 1),
        ("Eve Evans", 2021, 36, 1),
        ("Fay Fox", 2018, 50, 2),
        ("Gus Gray", 2019, 51, 1),
        ("Ivy Ice", 2015, 17, 2),
    }


# --- the nine questions -------------------------------------------------------------------


def test_popular_category_by_country(rows: Any) -> None:
    assert rows("marts.popular_category_by_country", "country, category, category_count") == {
        ("Albania", "art", 2),
        ("Aruba", "quotes", 2),
        ("Chad", "beauty", 2),
        ("Chad", "art", 2),
        ("Denmark", "finance", 1),
    }


def test_popular_category_by_year(rows: Any) -> None:
    assert rows("marts.popular_category_by_year", "post_year, category, category_count") == {
        (2018, "art", 1),
        (2018, "finance", 1),
        (2019, "beauty", 1),
        (2020, "quotes", 2),
        (2020, "art", 2),
        (2021, "beauty", 1),
        (2021, "finance", 1),
        (2022, "travel", 1),
    }


def test_top_user_by_country(rows: Any) -> None:
    assert rows("marts.top_user_by_country", "country, poster_name, follower_count") == {
        ("Albania", "Beta", 2000000),
        ("Aruba", "Gamma", 2000000),
        ("Chad", "Echo", 950),
        ("Chad", "Golf", 950),
        ("Denmark", "Juliet", 1200),
    }


def test_top_country_by_followers(rows: Any) -> None:
    assert rows("marts.top_country_by_followers", "country, follower_count") == {
        ("Albania", 2000000),
        ("Aruba", 2000000),
    }


def test_popular_category_by_age_group(rows: Any) -> None:
    assert rows("marts.popular_category_by_age_group", "age_group, category, category_count") == {
        ("18-24", "art", 2),
        ("25-35", "travel", 1),
        ("25-35", "quotes", 1),
        ("36-50", "quotes", 1),
        ("36-50", "beauty", 1),
        ("36-50", "art", 1),
        ("36-50", "finance", 1),
        ("50+", "beauty", 1),
    }


def test_median_follower_count_by_age_group(rows: Any) -> None:
    assert rows("marts.median_follower_count_by_age_group", "age_group, median_follower_count") == {
        ("18-24", 12000.0),  # 1500, 12000, 2000000
        ("25-35", 2000000.0),  # ind 5 has no parseable count
        ("36-50", 1050.0),  # 437, 900, 1200, 5000
        ("50+", 950.0),
    }


def test_users_joined_by_year(rows: Any) -> None:
    assert rows("marts.users_joined_by_year", "join_year, number_users_joined") == {
        (2015, 2),  # Abigail Ali (2015), Ivy Ice
        (2016, 2),  # Bob Brown, the other Abigail Ali
        (2017, 1),
        (2018, 1),
        (2019, 1),
        (2020, 1),  # Dan Diaz, 2020-12-31 23:59:59; Eve Evans (2021) is outside
    }


def test_median_follower_count_by_join_year(rows: Any) -> None:
    assert rows("marts.median_follower_count_by_join_year", "join_year, median_follower_count") == {
        (2015, 755.0),  # 10, 10, 1500, 12000
        (2016, 1002500.0),  # 5000, 2000000
        (2017, 2000000.0),
        (2018, 1050.0),  # 900, 1200
        (2019, 950.0),
    }


def test_median_follower_count_by_join_year_and_age_group(rows: Any) -> None:
    assert rows(
        "marts.median_follower_count_by_join_year_and_age_group",
        "join_year, age_group, median_follower_count",
    ) == {
        (2015, "18-24", 6750.0),  # 1500, 12000; Ivy Ice (17) has no band
        (2016, "18-24", 2000000.0),
        (2016, "36-50", 5000.0),
        (2017, "25-35", 2000000.0),
        (2018, "36-50", 1050.0),
        (2019, "50+", 950.0),
    }
