"""`pinlake daily` as cron or Airflow runs it: a failed day exits non-zero, the re-run completes it.

Real broker (the session's `kafka_settings`), real Spark and dbt, each `pinlake daily` in
its own process. The first run fails on purpose after the catch-up (an unknown dbt
target); the re-run must land nothing twice and build every mart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from confluent_kafka import Producer

from ingestion import kafka_stack
from ingestion.emulator import PostSource
from ingestion.source_db import make_engine
from orchestration.settings import RECORD_KINDS, Settings

pytestmark = [pytest.mark.slow, pytest.mark.spark, pytest.mark.kafka, pytest.mark.timeout(1800)]

PINLAKE = Path(sys.executable).parent / "pinlake"
POSTS = 60


def run_pinlake(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        **env,
    }
    return subprocess.run(
        [str(PINLAKE), *args], env=environment, capture_output=True, text=True, timeout=1200
    )


@pytest.fixture
def day_settings(kafka_settings: Settings, tmp_path: Path, generated_source_url: str) -> Settings:
    """The session broker, topics of this test's own, and POSTS posts waiting in them."""
    settings = kafka_settings.model_copy(
        update={"home": tmp_path / "home", "kafka_topic_prefix": f"d{uuid.uuid4().hex[:10]}"}
    )
    kafka_stack.ensure_topics(settings)
    source = PostSource(make_engine(generated_source_url))
    producer = Producer({**settings.kafka_client_config(), "acks": "all"})
    for ind in range(POSTS):
        for kind, record in source.read(ind).items():
            producer.produce(
                settings.topic(kind), key=f"{kind}:{ind}", value=json.dumps(record, default=str)
            )
    assert producer.flush(30) == 0
    return settings


def test_failed_day_then_rerun_lands_everything_once(day_settings: Settings) -> None:
    failed = run_pinlake(day_settings, "daily", PINLAKE_DBT_TARGET="no_such_target")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "step 'dbt build' failed" in failed.stderr

    rerun = run_pinlake(day_settings, "daily")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "catch-up" in rerun.stderr and "dbt build" in rerun.stderr

    counts = run_pinlake(
        day_settings,
        "sql",
        " union all ".join(
            f"select '{kind}' as kind, count(*) as n, "
            f"count(distinct kafka_partition, kafka_offset) as distinct_offsets from bronze.{kind}"
            for kind in RECORD_KINDS
        )
        + " union all select 'fct_posts', count(*), count(distinct ind) from marts.fct_posts",
        "--format",
        "json",
    )
    assert counts.returncode == 0, counts.stderr
    rows = {row["kind"]: row for row in map(json.loads, counts.stdout.splitlines())}
    for kind in RECORD_KINDS:
        assert rows[kind]["n"] == rows[kind]["distinct_offsets"] == POSTS
    assert rows["fct_posts"]["n"] == rows["fct_posts"]["distinct_offsets"] == POSTS
