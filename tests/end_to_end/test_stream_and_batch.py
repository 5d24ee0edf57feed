"""A streamed day as cron or Airflow runs it, and the batch path on the same posts.

The source database is made by `pinlake generate` (400 posts, then 100 appended). Posts
travel the whole streaming path: the emulator sends them through the ingestion API (Kafka
REST wire format) to the session's real broker, and `pinlake daily` streams them into
bronze and builds the marts. The first run fails on purpose after the catch-up (an
unknown dbt target) and must exit non-zero; the re-run must land nothing twice and build
every mart.

The same posts then take the batch path into a lakehouse of their own: `pinlake load`
twice (the second extract reads only the rows added since the first), `pinlake build`.
dbt cannot tell the two paths apart, so every mart must hold the same rows; and the
batch-built marts are checked against an independent computation from the source
database with pandas.

Every `pinlake` command runs in its own process, with dbt's target and log folders in
its lakehouse (not the checkout's); each lakehouse is read back with one `pinlake sql`
(each starts a Spark JVM).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from ingestion import kafka_stack
from ingestion.emulator import EmulatorOptions, PostSource, random_indexes
from ingestion.emulator import run as emulate
from ingestion.source_db import make_engine
from orchestration.query import MARTS
from orchestration.settings import RECORD_KINDS, Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.slowest,
    pytest.mark.spark,
    pytest.mark.kafka,
    pytest.mark.timeout(1800),
]

PINLAKE = Path(sys.executable).parent / "pinlake"
POSTS = 80
"""Posts the emulator sends; it picks them at random, so some posts arrive more than once."""
SEED = 11
FIRST_EXTRACT_BELOW = 400
"""The first `pinlake generate` writes ind 0..399; the batch path's first extract holds those."""
MART_TABLES = tuple(f"marts.{table}" for table in (*MARTS, "fct_posts", "dim_users"))
DEAD_LETTERS = "staging.stg_pinterest__dead_letters"
TABLES = (*MART_TABLES, "staging.stg_pinterest__pins", DEAD_LETTERS)
SOURCE_TABLES = {"pinterest_data": "`index`", "geolocation_data": "ind", "user_data": "ind"}
"""Source table -> its post index column."""


def run_pinlake(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_SOURCE_URL": settings.resolved_source_url,
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "DBT_TARGET_PATH": str(settings.home / "dbt-target"),
        "DBT_LOG_PATH": str(settings.home / "dbt-logs"),
        **env,
    }
    return subprocess.run(
        [str(PINLAKE), *args], env=environment, capture_output=True, text=True, timeout=1200
    )


def succeeded(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{' '.join(done.args)}\n{done.stdout}\n{done.stderr}"
    return done


def extracted(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """Records per kind that `pinlake load` reports."""
    found = re.findall(r"(pin|geo|user)=([\d,]+)", done.stderr + done.stdout)
    return {kind: int(count.replace(",", "")) for kind, count in found}


def read_lakehouse(settings: Settings) -> dict[str, Counter[str]]:
    """Every table of TABLES as a multiset of JSON rows, plus ``bronze_counts``: records
    and distinct Kafka offsets per kind (one JSON row each)."""
    parts = [
        f"select '{table}' as name, to_json(struct(*)) as row from {table}" for table in TABLES
    ]
    parts += [
        f"select 'bronze_counts', to_json(named_struct('kind', '{kind}', 'n', count(*),"
        f" 'offsets', count(distinct kafka_partition, kafka_offset))) from bronze.{kind}"
        for kind in RECORD_KINDS
    ]
    done = succeeded(
        run_pinlake(
            settings, "sql", " union all ".join(parts), "--format", "json", "--limit", "10000000"
        )
    )
    tables: dict[str, Counter[str]] = {name: Counter() for name in (*TABLES, "bronze_counts")}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            tables[record["name"]][record["row"]] += 1
    return tables


def rows(tables: dict[str, Counter[str]], table: str) -> list[dict[str, Any]]:
    return [json.loads(row) for row in tables[table].elements()]


@dataclass
class Day:
    settings: Settings
    sent: list[int]
    """The post index of every post sent, in order, repeats included."""
    failed: subprocess.CompletedProcess[str]
    rerun: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source database, filled by `pinlake generate`: 400 posts, then 100 appended."""
    path = tmp_path_factory.mktemp("source") / "source.db"
    url = f"sqlite:///{path}"
    for posts, seed in (("400", "7"), ("100", "8")):
        done = subprocess.run(
            [str(PINLAKE), "generate", "--posts", posts, "--seed", seed, "--source-url", url],
            capture_output=True,
            text=True,
            timeout=300,
        )
        succeeded(done)
    return path


@pytest.fixture(scope="module")
def day(
    kafka_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
    source_db: Path,
    serve_api_for_module: Callable[..., Any],
) -> Day:
    """POSTS posts sent through the API to topics of this module's own; a failed day; its re-run."""
    settings = kafka_settings.model_copy(
        update={
            "home": tmp_path_factory.mktemp("streamed"),
            "source_url": f"sqlite:///{source_db}",
            "kafka_topic_prefix": f"d{uuid.uuid4().hex[:10]}",
        }
    )
    kafka_stack.ensure_topics(settings)
    api = serve_api_for_module(settings)
    options = EmulatorOptions(
        api=api.url, protocol="kafka-rest", count=POSTS, batch_size=20, seed=SEED
    )
    sent = emulate(settings, options)
    assert (sent.accepted, sent.rejected, sent.errors) == (3 * POSTS, 0, 0), sent.rejections
    refuse_two_requests(api.url)
    indexes = PostSource(make_engine(settings.resolved_source_url)).indexes
    return Day(
        settings=settings,
        sent=list(random_indexes(indexes, SEED, POSTS)),
        failed=run_pinlake(settings, "daily", PINLAKE_DBT_TARGET="no_such_target"),
        rerun=run_pinlake(settings, "daily"),
    )


def refuse_two_requests(api: str) -> None:
    """A record without its post key (REST Proxy) and a body that is not JSON (Kinesis):
    the API refuses both and keeps each as a dead letter, which the day streams to bronze."""
    keyless = httpx.post(
        f"{api}/topics/0a1b.pin",
        json={"records": [{"value": {"title": "a pin without its index"}}]},
        headers={"Content-Type": "application/vnd.kafka.json.v2+json"},
    )
    assert keyless.status_code == 422, keyless.text
    unreadable = httpx.put(
        f"{api}/streams/streaming-0a1b-geo/records",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert unreadable.status_code == 400, unreadable.text


@pytest.fixture(scope="module")
def streamed(day: Day) -> dict[str, Counter[str]]:
    succeeded(day.rerun)
    return read_lakehouse(day.settings)


@dataclass
class Batch:
    settings: Settings
    source: Path
    """The batch path's source: the posts the emulator sent, nothing else."""
    extracts: list[dict[str, int]]
    tables: dict[str, Counter[str]]


@pytest.fixture(scope="module")
def batch(day: Day, source_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The posts the emulator sent, batch-loaded in two extracts into a lakehouse of their
    own (the first holds those below FIRST_EXTRACT_BELOW, the second the rest), then built."""
    home = tmp_path_factory.mktemp("batch")
    source = home / "source.db"
    shutil.copyfile(source_db, source)
    sent = ",".join(str(ind) for ind in sorted(set(day.sent)))
    settings = day.settings.model_copy(update={"home": home, "source_url": f"sqlite:///{source}"})
    with sqlite3.connect(source) as connection:
        for table, ind in SOURCE_TABLES.items():
            connection.execute(
                f"delete from {table} where {ind} not in ({sent}) or {ind} >= {FIRST_EXTRACT_BELOW}"
            )
    extracts = [extracted(succeeded(run_pinlake(settings, "load")))]
    with sqlite3.connect(source) as connection:
        connection.execute("attach database ? as original", (str(source_db),))
        for table, ind in SOURCE_TABLES.items():
            connection.execute(
                f"insert into {table} select * from original.{table}"
                f" where {ind} in ({sent}) and {ind} >= {FIRST_EXTRACT_BELOW}"
            )
    extracts.append(extracted(succeeded(run_pinlake(settings, "load"))))
    succeeded(run_pinlake(settings, "build"))
    return Batch(settings, source, extracts, read_lakehouse(settings))


@pytest.fixture(scope="module")
def source_posts(batch: Batch) -> pd.DataFrame:
    """The batch source's posts, joined, for computing marts independently."""
    with sqlite3.connect(batch.source) as conn:
        pins = pd.read_sql("select `index` as ind, category from pinterest_data", conn)
        geos = pd.read_sql("select ind, timestamp, country from geolocation_data", conn)
        users = pd.read_sql("select ind, first_name, last_name, date_joined from user_data", conn)
    return pins.merge(geos, on="ind").merge(users, on="ind")


def top_with_ties(frame: pd.DataFrame, group: str, value: str) -> set[tuple[Any, ...]]:
    counts = frame.groupby([group, value]).size().rename("n").reset_index()
    best = counts.groupby(group)["n"].transform("max")
    top = counts[counts["n"] == best]
    return {(row[group], row[value], int(row["n"])) for _, row in top.iterrows()}


# --- the streamed day --------------------------------------------------------------------


def test_failed_day_exits_non_zero_naming_the_step(day: Day) -> None:
    assert day.failed.returncode == 1, day.failed.stdout + day.failed.stderr
    assert "step 'dbt build' failed" in day.failed.stderr


def test_rerun_lands_every_record_once(day: Day, streamed: dict[str, Counter[str]]) -> None:
    assert "catch-up" in day.rerun.stderr and "dbt build" in day.rerun.stderr
    counts = {row["kind"]: (row["n"], row["offsets"]) for row in rows(streamed, "bronze_counts")}
    # every record sent, repeats of a post included, exactly once
    assert counts == dict.fromkeys(RECORD_KINDS, (POSTS, POSTS))
    posts = [row["ind"] for row in rows(streamed, "marts.fct_posts")]
    assert sorted(posts) == sorted(set(day.sent))


def test_daily_build_runs_the_data_tests_and_leaves_unit_tests_out(day: Day) -> None:
    output = succeeded(day.rerun).stdout + day.rerun.stderr
    lines = output.splitlines()
    builds = [line for line in lines if "Finished running" in line and "model" in line]
    assert len(builds) == 1, output[-3000:]
    assert "data test" in builds[0] and "unit test" not in builds[0], builds[0]


def test_refused_requests_reach_staging_with_their_reason(
    streamed: dict[str, Counter[str]],
) -> None:
    letters = sorted(rows(streamed, DEAD_LETTERS), key=lambda letter: letter["reason"])
    assert [
        (letter["reason"], letter["http_status"], letter["protocol"], letter["record_kind"])
        for letter in letters
    ] == [("invalid_record", 422, "kafka-rest", "pin"), ("malformed_json", 400, "kinesis", "geo")]
    keyless, unreadable = letters
    assert json.loads(keyless["refused_record"]) == {"value": {"title": "a pin without its index"}}
    assert keyless["record_index"] == 0 and "refused_body" not in keyless
    assert unreadable["refused_body"] == "{not json"
    assert all(letter["received_at"] and not letter["is_truncated"] for letter in letters)


# --- the batch path on the same posts ----------------------------------------------------


def test_second_extract_reads_only_the_rows_added_since(day: Day, batch: Batch) -> None:
    first = sum(ind < FIRST_EXTRACT_BELOW for ind in set(day.sent))
    second = len(set(day.sent)) - first
    assert first > 0 and second > 0
    assert batch.extracts == [
        dict.fromkeys(RECORD_KINDS, first),
        dict.fromkeys(RECORD_KINDS, second),
    ]


def test_streamed_marts_equal_the_batch_built_ones(
    day: Day, streamed: dict[str, Counter[str]], batch: Batch
) -> None:
    assert len(set(day.sent)) < POSTS  # some posts did arrive more than once
    assert all(batch.tables[table] for table in MART_TABLES), batch.tables
    differing = {
        table: {
            "streamed only": streamed[table] - batch.tables[table],
            "batch only": batch.tables[table] - streamed[table],
        }
        for table in MART_TABLES
        if streamed[table] != batch.tables[table]
    }
    assert differing == {}


def test_every_post_reaches_staging_once(day: Day, batch: Batch) -> None:
    inds = [row["ind"] for row in rows(batch.tables, "staging.stg_pinterest__pins")]
    assert sorted(inds) == sorted(set(day.sent))


def test_popular_category_by_country_matches_source(
    batch: Batch, source_posts: pd.DataFrame
) -> None:
    frame = source_posts.dropna(subset=["country", "category"])
    expected = top_with_ties(frame, "country", "category")
    found = rows(batch.tables, "marts.popular_category_by_country")
    assert {(r["country"], r["category"], r["category_count"]) for r in found} == expected


def test_popular_category_by_year_matches_source(batch: Batch, source_posts: pd.DataFrame) -> None:
    frame = source_posts.assign(post_year=pd.to_datetime(source_posts["timestamp"]).dt.year)
    frame = frame[frame["post_year"].between(2018, 2022)]
    expected = top_with_ties(frame, "post_year", "category")
    found = rows(batch.tables, "marts.popular_category_by_year")
    assert {(r["post_year"], r["category"], r["category_count"]) for r in found} == expected


def test_users_joined_by_year_matches_source(batch: Batch, source_posts: pd.DataFrame) -> None:
    users = source_posts.assign(
        user_name=source_posts["first_name"] + " " + source_posts["last_name"],
        join_year=pd.to_datetime(source_posts["date_joined"]).dt.year,
    ).drop_duplicates(["user_name", "date_joined"])
    expected = users.groupby("join_year").size().to_dict()
    found = rows(batch.tables, "marts.users_joined_by_year")
    assert {r["join_year"]: r["number_users_joined"] for r in found} == expected


def test_vacuum_finds_every_table_the_build_made(batch: Batch) -> None:
    """`pinlake vacuum` on a built lakehouse reaches bronze, staging and every mart table;
    it deletes nothing yet: no replaced file is 7 days old."""
    report = succeeded(run_pinlake(batch.settings, "vacuum")).stderr
    deleted = dict(re.findall(r"^(\S+): ([\d,]+) file\(s\) deleted$", report, flags=re.MULTILINE))

    tables = {
        *(f"bronze.{kind}" for kind in (*RECORD_KINDS, "deadletter")),
        "staging.stg_pinterest__pins",
        "intermediate.int_posts_joined",
        *(f"marts.{mart}" for mart in (*MARTS, "dim_users")),
    }
    assert tables <= set(deleted), report
    # views (fct_posts, the dead letters' staging view) are not Delta tables
    assert "marts.fct_posts" not in deleted and DEAD_LETTERS not in deleted
    assert set(deleted.values()) == {"0"}
    assert f"vacuumed {len(deleted)} Delta table(s), 0 file(s) deleted" in report
