"""The continuous job killed mid-batch and restarted still lands every record exactly once,
and stops cleanly on SIGTERM and on Ctrl-C.

The job runs as ``python -m streaming.job`` in a process group of its own (Python and
its Spark JVM), configured only through ``PINLAKE_*`` environment variables as in
production. Records keep arriving while it is killed, restarted and stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import REPO_ROOT, Settings
from streaming import job
from streaming.kafka_to_bronze import checkpoint_location

pytestmark = [pytest.mark.spark, pytest.mark.kafka, pytest.mark.slow, pytest.mark.slowest]

START_TIMEOUT_S = 240.0


def record(kind: str, ind: int) -> bytes:
    return json.dumps({"ind": ind, "kind": kind, "category": "diy", "poster_name": "p"}).encode()


def job_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        # Small batches, so a kill is likely to land inside one.
        "PINLAKE_STREAM_MAX_OFFSETS_PER_TRIGGER": "120",
        "PINLAKE_STREAM_TRIGGER_SECONDS": "0.5",
        # Compactions beside the stream, often, so kills also meet them.
        "PINLAKE_STREAM_COMPACT_SECONDS": "2",
        "PINLAKE_SPARK_DRIVER_MEMORY": "1g",
    }


def start_job(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            # Bronze only: the metrics have their own tests, and CPU is scarce here.
            [sys.executable, "-m", "streaming.job", "--no-realtime"],
            cwd=REPO_ROOT,
            env=job_env(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def batch_ids(folder: Path) -> set[int]:
    return {int(p.name) for p in folder.glob("*") if p.name.isdigit()} if folder.exists() else set()


def wait_for_batch_in_flight(
    settings: Settings, process: subprocess.Popen[bytes], after: int
) -> int:
    """Wait until a pin batch later than ``after`` is planned but not committed."""
    checkpoint = Path(checkpoint_location(settings, "pin"))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "the streaming job exited on its own"
        planned = batch_ids(checkpoint / "offsets")
        in_flight = planned - batch_ids(checkpoint / "commits")
        if in_flight and max(in_flight) > after:
            return max(in_flight)
        time.sleep(0.01)
    raise AssertionError(f"no bronze batch after {after} started within {START_TIMEOUT_S}s")


class SteadyProducer(threading.Thread):
    """Produces pin, geo and user records in small rounds (~240 a second) until stopped."""

    def __init__(self, produce: Any) -> None:
        super().__init__(daemon=True)
        self.produce = produce
        self.sent: list[bytes] = []
        self.halt = threading.Event()

    def run(self) -> None:
        ind = 0
        while not self.halt.is_set():
            for kind in ("pin", "geo", "user"):
                values = [record(kind, i) for i in range(ind, ind + 20)]
                self.produce(kind, values)
                self.sent += values
            ind += 20
            time.sleep(0.25)

    def stop(self) -> list[bytes]:
        self.halt.set()
        self.join(timeout=60)
        return self.sent


def test_killed_and_restarted_job_lands_each_record_once(
    stream_spark: Any, stream_settings: Settings, produce: Any, tmp_path: Path
) -> None:
    log = tmp_path / "job.log"
    producer = SteadyProducer(produce)
    producer.start()

    first = start_job(stream_settings, log)
    try:
        in_flight = wait_for_batch_in_flight(stream_settings, first, after=0)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    # The restarted job replays the killed batch, then goes on; SIGTERM stops it cleanly.
    second = start_job(stream_settings, log)
    try:
        in_flight = wait_for_batch_in_flight(stream_settings, second, after=in_flight)
        os.kill(second.pid, signal.SIGTERM)
        assert second.wait(timeout=120) == 0, log.read_text()[-3000:]
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)

    # So does Ctrl-C, which a terminal sends to the whole process group. PySpark's own
    # SIGINT handler would cancel the batch in flight and raise KeyboardInterrupt.
    # The second job may have planned one more batch as it stopped (replayed later):
    # the third job's own batch comes after every planned one.
    planned = batch_ids(Path(checkpoint_location(stream_settings, "pin")) / "offsets")
    third_log = tmp_path / "third.log"
    third = start_job(stream_settings, third_log)
    try:
        wait_for_batch_in_flight(stream_settings, third, after=max(planned))
        os.killpg(third.pid, signal.SIGINT)
        assert third.wait(timeout=120) == 0, third_log.read_text()[-3000:]
    finally:
        if third.poll() is None:
            os.killpg(third.pid, signal.SIGKILL)
    assert "received SIGINT: stopping after the batch in flight" in third_log.read_text()
    assert "KeyboardInterrupt" not in third_log.read_text()

    sent = producer.stop()
    # The job wrote neither Hadoop's `.crc` side files nor Delta's version checksums
    # (streaming.spark.LOCAL_FILES_WITHOUT_FORKS): each would have cost it a fork.
    assert not sorted(stream_settings.home.rglob("*.crc"))
    job.run_available_now(stream_settings, spark=stream_spark, realtime=False)

    for kind in ("pin", "geo", "user"):
        rows = (
            stream_spark.read.format("delta")
            .load(str(stream_settings.bronze_path(kind)))
            .select("payload", "kafka_partition", "kafka_offset")
            .collect()
        )
        places = Counter((row.kafka_partition, row.kafka_offset) for row in rows)
        assert max(places.values()) == 1, f"duplicates in bronze {kind}"
        expected = Counter(v.decode() for v in sent if json.loads(v)["kind"] == kind)
        assert Counter(row.payload for row in rows) == expected
