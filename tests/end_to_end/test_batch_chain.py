"""The batch path as a user runs it: `pinlake generate` -> `load` -> `build` -> `sql`.

Every step is the real command in its own process on a fresh PINLAKE_HOME (real
SQLite source, real Spark with Delta, real dbt). The marts are checked against an
independent computation from the source database with pandas.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.spark, pytest.mark.timeout(1800)]

PINLAKE = Path(sys.executable).parent / "pinlake"


def pinlake(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PINLAKE_HOME": str(home)}
    done = subprocess.run(
        [str(PINLAKE), *args], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"pinlake {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


def extracted(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    found = re.findall(r"(pin|geo|user)=([\d,]+)", done.stderr + done.stdout)
    return {kind: int(count.replace(",", "")) for kind, count in found}


CHECKED_TABLES: tuple[str, ...] = (
    "staging.stg_pinterest__pins",
    "marts.popular_category_by_country",
    "marts.popular_category_by_year",
    "marts.users_joined_by_year",
)


def read_tables(home: Path) -> dict[str, list[dict]]:
    """Every checked table in one `pinlake sql` call (each call starts a Spark JVM)."""
    query = " union all ".join(
        f"select '{table}' as name, to_json(struct(*)) as row from {table}"
        for table in CHECKED_TABLES
    )
    done = pinlake(home, "sql", query, "--format", "json", "--limit", "1000000")
    tables: dict[str, list[dict]] = {table: [] for table in CHECKED_TABLES}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            tables[record["name"]].append(json.loads(record["row"]))
    return tables


def top_with_ties(frame: pd.DataFrame, group: str, value: str) -> set[tuple]:
    counts = frame.groupby([group, value]).size().rename("n").reset_index()
    best = counts.groupby(group)["n"].transform("max")
    top = counts[counts["n"] == best]
    return {(row[group], row[value], int(row["n"])) for _, row in top.iterrows()}


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("chain")
    pinlake(home, "generate", "--posts", "400", "--seed", "7")
    assert extracted(pinlake(home, "load")) == {"pin": 400, "geo": 400, "user": 400}
    # the second extract reads only the rows not loaded yet: the appended posts
    pinlake(home, "generate", "--posts", "100", "--seed", "8")
    assert extracted(pinlake(home, "load")) == {"pin": 100, "geo": 100, "user": 100}
    pinlake(home, "build")
    return home


@pytest.fixture(scope="module")
def tables(built_home: Path) -> dict[str, list[dict]]:
    return read_tables(built_home)


@pytest.fixture(scope="module")
def source(built_home: Path) -> pd.DataFrame:
    with sqlite3.connect(built_home / "source.db") as conn:
        pins = pd.read_sql("select `index` as ind, category from pinterest_data", conn)
        geos = pd.read_sql("select ind, timestamp, country from geolocation_data", conn)
        users = pd.read_sql("select ind, first_name, last_name, date_joined from user_data", conn)
    return pins.merge(geos, on="ind").merge(users, on="ind")


def test_every_post_reaches_staging_once(tables: dict[str, list[dict]]) -> None:
    inds = [row["ind"] for row in tables["staging.stg_pinterest__pins"]]
    assert sorted(inds) == list(range(500))


def test_popular_category_by_country_matches_source(
    tables: dict[str, list[dict]], source: pd.DataFrame
) -> None:
    expected = top_with_ties(source.dropna(subset=["country", "category"]), "country", "category")
    rows = tables["marts.popular_category_by_country"]
    assert {(r["country"], r["category"], r["category_count"]) for r in rows} == expected


def test_popular_category_by_year_matches_source(
    tables: dict[str, list[dict]], source: pd.DataFrame
) -> None:
    frame = source.assign(post_year=pd.to_datetime(source["timestamp"]).dt.year)
    frame = frame[frame["post_year"].between(2018, 2022)]
    expected = top_with_ties(frame, "post_year", "category")
    rows = tables["marts.popular_category_by_year"]
    assert {(r["post_year"], r["category"], r["category_count"]) for r in rows} == expected


def test_users_joined_by_year_matches_source(
    tables: dict[str, list[dict]], source: pd.DataFrame
) -> None:
    users = source.assign(
        user_name=source["first_name"] + " " + source["last_name"],
        join_year=pd.to_datetime(source["date_joined"]).dt.year,
    ).drop_duplicates(["user_name", "date_joined"])
    expected = users.groupby("join_year").size().to_dict()
    rows = tables["marts.users_joined_by_year"]
    assert {r["join_year"]: r["number_users_joined"] for r in rows} == expected
