"""The streaming job on a real Spark cluster, submitted as docs/deployment.md says.

The cluster is Spark's own standalone master and one worker (their classes ship with
pyspark), started on loopback ports; the job goes to it with ``spark-submit --master
spark://... --jars <the pinned jars> streaming/job.py``, configured only through
``PINLAKE_*`` variables. Its tasks run in an executor the worker starts, a JVM of its
own that gets the Kafka connector and Delta only through ``--jars``; the lakehouse home
is a folder both see, as a shared mount would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ports import free_tcp_port
from processes import stop

from orchestration import jvm
from orchestration.settings import REPO_ROOT, Settings
from streaming.realtime import TABLES

# Four JVMs (master, worker, executor, driver) on two cores: with the slowest tests,
# `make test-slowest` (CI runs it too), so `make test` stays well inside its budget.
pytestmark = [pytest.mark.spark, pytest.mark.kafka, pytest.mark.slow, pytest.mark.slowest]

BIN_DIR = Path(sys.executable).parent
START_TIMEOUT_S = 120.0
SUBMIT_TIMEOUT_S = 420.0
POSTS = 120


@dataclass(frozen=True)
class Cluster:
    master_url: str
    work_dir: Path
    """Where the worker keeps each application's executor folders (and their logs)."""


def _spark_class(*args: str, log: Path) -> subprocess.Popen[bytes]:
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(spark_home / "bin" / "spark-class"), *args],
            env={**os.environ, "SPARK_HOME": str(spark_home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for_line(process: subprocess.Popen[bytes], log: Path, line: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while line not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, f"no {line!r} within {START_TIMEOUT_S:.0f} s"
        time.sleep(0.5)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A standalone master and one worker (2 cores, 1 GiB for executors)."""
    port = free_tcp_port()
    master_log, worker_log = tmp_path / "master.log", tmp_path / "worker.log"
    master = _spark_class(
        "org.apache.spark.deploy.master.Master",
        *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(free_tcp_port())),
        log=master_log,
    )
    processes = [master]
    try:
        _wait_for_line(master, master_log, "I have been elected leader")
        url = f"spark://127.0.0.1:{port}"
        worker = _spark_class(
            "org.apache.spark.deploy.worker.Worker",
            url,
            *("--host", "127.0.0.1", "--cores", "2", "--memory", "1g"),
            *("--webui-port", str(free_tcp_port()), "--work-dir", str(tmp_path / "work")),
            log=worker_log,
        )
        processes.append(worker)
        _wait_for_line(worker, worker_log, "Successfully registered with master")
        yield Cluster(master_url=url, work_dir=tmp_path / "work")
    finally:
        for process in reversed(processes):
            stop(process)


def pin(ind: int) -> bytes:
    record = {"index": ind, "category": "travel", "poster_name": "Ada", "follower_count": "2k"}
    return json.dumps(record).encode()


def geo(ind: int) -> bytes:
    return json.dumps({"ind": ind, "timestamp": "2020-08-28 03:52:47", "country": "Mali"}).encode()


def user(ind: int) -> bytes:
    return json.dumps({"ind": ind, "first_name": "Ada", "last_name": "Lovelace"}).encode()


def submit(settings: Settings, cluster: Cluster, log: Path) -> subprocess.CompletedProcess[bytes]:
    """The deployment guide's command, with this test's broker, topics and home."""
    jars = ",".join(str(jar) for jar in jvm.jars("spark"))
    env = {
        **os.environ,
        "PINLAKE_SPARK_MASTER": cluster.master_url,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "PYSPARK_PYTHON": sys.executable,
    }
    command = [
        str(BIN_DIR / "spark-submit"),
        *("--master", cluster.master_url, "--jars", jars),
        *("--driver-java-options", "-Dlog4j2.configurationFile=streaming/log4j2.properties"),
        "streaming/job.py",
        "--available-now",
    ]
    # spark-submit runs the Python driver as a child and copies its stderr to stdout
    with log.open("w") as out:
        return subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=SUBMIT_TIMEOUT_S,
        )


def test_submitted_job_lands_every_record_once_through_the_clusters_executor(
    stream_spark: Any, stream_settings: Settings, produce: Any, cluster: Cluster, tmp_path: Path
) -> None:
    sent = {"pin": [pin(i) for i in range(POSTS)], "geo": [geo(i) for i in range(POSTS)]}
    sent["user"] = [user(i) for i in range(POSTS)]
    for kind, values in sent.items():
        produce(kind, values)

    log = tmp_path / "submit.log"
    completed = submit(stream_settings, cluster, log)
    output = log.read_text(errors="replace")
    assert completed.returncode == 0, output[-4000:]
    # the job's own summary line, which spark-submit's __main__ must not swallow
    assert f"stream finished: 3 bronze batches: pin={POSTS}, geo={POSTS}, user={POSTS}" in (
        output
    ), output[-4000:]

    for kind, values in sent.items():
        rows = stream_spark.read.format("delta").load(str(stream_settings.bronze_path(kind)))
        rows = rows.collect()
        places = Counter((r.kafka_topic, r.kafka_partition, r.kafka_offset) for r in rows)
        assert max(places.values()) == 1, f"duplicates in bronze.{kind}"
        assert Counter(r.payload for r in rows) == Counter(v.decode() for v in values)

    # the metrics' stateful aggregation ran too, its state in the shared home
    posts_per_category = next(table for table in TABLES if table.name == "posts_per_category")
    metrics = stream_spark.read.format("delta").load(posts_per_category.path(stream_settings))
    assert sum(row.posts for row in metrics.collect() if row.category == "travel") == POSTS

    # the tasks ran in the worker's executor, not in the driver
    executor_logs = list(cluster.work_dir.glob("app-*/*/stderr"))
    assert executor_logs, f"no executor started under {cluster.work_dir}"
    assert any("Finished task" in path.read_text(errors="replace") for path in executor_logs)
