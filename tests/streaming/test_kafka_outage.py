"""The continuous job rides out a Kafka outage and says so once per progress report.

A broker of the test's own is stopped under the running job (``python -m
streaming.job``, configured through ``PINLAKE_*`` variables) and started again. Kafka's
clients in the job's JVM would warn about every refused connection, several a second;
the job's log names the outage instead, and when Kafka is back the job carries on and
every record is in bronze once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from ingestion import kafka_stack
from orchestration.settings import REPO_ROOT, Settings

pytestmark = [pytest.mark.spark, pytest.mark.kafka, pytest.mark.slow]

KINDS = ("pin", "geo", "user")
WAIT_S = 180.0


def produce(settings: Settings, first_ind: int, count: int) -> list[str]:
    producer = Producer({**settings.kafka_client_config(), "acks": "all"})
    sent = []
    for kind in KINDS:
        for ind in range(first_ind, first_ind + count):
            value = json.dumps({"ind": ind, "kind": kind})
            producer.produce(settings.topic(kind), value=value.encode())
            sent.append(value)
    assert producer.flush(30) == 0, "the broker did not acknowledge every record"
    return sent


def wait_for(condition: Callable[[], bool], what: str, job: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert job.poll() is None, f"the job exited while waiting for {what}"
        assert time.monotonic() < deadline, f"no {what} within {WAIT_S:.0f} s"
        time.sleep(1)


def test_job_names_the_outage_and_carries_on_after_it(
    stream_spark: Any, fresh_kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = fresh_kafka_settings
    kafka_stack.up(settings)
    log = tmp_path / "job.log"
    env = {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_STREAM_PROGRESS_SECONDS": "3",
        "PINLAKE_STREAM_TRIGGER_SECONDS": "0.5",
        "PINLAKE_SPARK_DRIVER_MEMORY": "1g",
    }

    def bronze(kind: str) -> list[Any]:
        path = settings.bronze_path(kind)
        # the job makes the folder a moment before the table's first commit
        if not any((path / "_delta_log").glob("*.json")):
            return []
        return stream_spark.read.format("delta").load(str(path)).collect()

    def landed(count: int) -> Callable[[], bool]:
        return lambda: all(len(bronze(kind)) >= count for kind in KINDS)

    sent = produce(settings, 0, 30)
    with log.open("wb") as out:
        job = subprocess.Popen(
            [sys.executable, "-m", "streaming.job", "--no-realtime"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(landed(30), "first records in bronze", job)
        kafka_stack.down(settings)
        gone = f"no Kafka broker listens on {settings.kafka_bootstrap}"
        wait_for(lambda: gone in log.read_text(), "warning that Kafka is gone", job)

        kafka_stack.up(settings)
        sent += produce(settings, 30, 30)
        wait_for(landed(60), "records sent after the outage in bronze", job)
        # as systemd stops a service: SIGTERM to every process, the Spark JVM too
        os.killpg(job.pid, signal.SIGTERM)
        assert job.wait(timeout=120) == 0, log.read_text()[-3000:]
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
        kafka_stack.down(settings)

    output = log.read_text()
    assert "the job waits and carries on where it stopped once Kafka is back" in output
    assert "NetworkClient" not in output, "Kafka's per-connection warnings reached the log"
    for kind in KINDS:
        rows = bronze(kind)
        assert max(Counter((r.kafka_partition, r.kafka_offset) for r in rows).values()) == 1
        assert Counter(r.payload for r in rows) == Counter(
            value for value in sent if json.loads(value)["kind"] == kind
        )
