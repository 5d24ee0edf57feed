"""Kafka to bronze on a real broker and real Spark: every record lands, once, as sent."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from orchestration.settings import Settings
from streaming import job, locks
from streaming.bronze import ensure_bronze_tables
from streaming.kafka_to_bronze import (
    STREAM_KINDS,
    OldCheckpoint,
    checkpoint_location,
    kafka_source_options,
    pending_batch,
)

pytestmark = [pytest.mark.spark, pytest.mark.kafka]


def pin(ind: int, category: str = "diy", poster: str = "alice", followers: str = "1k") -> bytes:
    record = {
        "index": ind,
        "unique_id": f"u-{ind}",
        "category": category,
        "poster_name": poster,
        "follower_count": followers,
        "title": f"Pin number {ind}: ünïcode ✓",
    }
    return json.dumps(record, ensure_ascii=False).encode()


def geo(ind: int) -> bytes:
    return json.dumps({"ind": ind, "timestamp": "2020-08-28T03:52:47", "country": "Mali"}).encode()


def user(ind: int) -> bytes:
    return json.dumps({"ind": ind, "first_name": "Ada", "age": "42"}).encode()


def dead_letter(n: int) -> bytes:
    letter = {"reason": "invalid_record", "body": "{not json", "kind": "pin", "received_at": n}
    return json.dumps(letter).encode()


GARBAGE = [b"{not json at all", b"", "plain text, ünïcode".encode()]


def bronze(spark: Any, settings: Settings, table: str) -> list[Any]:
    return spark.read.format("delta").load(str(settings.bronze_path(table))).collect()


def assert_exactly_once(rows: list[Any], expected_payloads: list[bytes]) -> None:
    """Unique on topic + partition + offset, and the payloads are the produced bytes."""
    places = Counter((r.kafka_topic, r.kafka_partition, r.kafka_offset) for r in rows)
    assert not [place for place, n in places.items() if n > 1], "duplicates in bronze"
    assert Counter(r.payload for r in rows) == Counter(v.decode() for v in expected_payloads)


def test_kafka_options_carry_the_managed_cluster_security(stream_settings: Settings) -> None:
    managed = stream_settings.model_copy(
        update={
            "kafka_security_protocol": "SASL_SSL",
            "kafka_sasl_mechanism": "SCRAM-SHA-512",
            "kafka_sasl_username": "pin",
            "kafka_sasl_password": SecretStr('se"cret'),
        }
    )
    options = kafka_source_options(managed, "geo")
    assert options["kafka.security.protocol"] == "SASL_SSL"
    assert options["kafka.sasl.mechanism"] == "SCRAM-SHA-512"
    assert options["kafka.sasl.jaas.config"] == (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        'username="pin" password="se\\"cret";'
    )
    # one query per topic, so each reads only its own partitions
    assert options["subscribe"] == managed.topic("geo")
    assert [kafka_source_options(managed, kind)["subscribe"] for kind in STREAM_KINDS] == [
        managed.topic(kind) for kind in ("pin", "geo", "user", "deadletter")
    ]


def test_pending_batch_is_the_one_planned_and_not_committed(tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoint"
    assert pending_batch(checkpoint) is None  # a first start
    for log_name, ids in (("offsets", [0, 1, 2]), ("commits", [0, 1])):
        (checkpoint / log_name).mkdir(parents=True)
        for batch_id in ids:
            (checkpoint / log_name / str(batch_id)).write_text("v1")
            (checkpoint / log_name / f".{batch_id}.crc").write_text("")
    assert pending_batch(checkpoint) == 2
    (checkpoint / "commits" / "2").write_text("v1")
    assert pending_batch(checkpoint) is None


def test_available_now_lands_every_record_exactly_once(
    stream_spark: Any, stream_settings: Settings, produce: Any
) -> None:
    pins = [pin(i) for i in range(300)]
    geos = [geo(i) for i in range(250)]
    users = [user(i) for i in range(200)]
    letters = [dead_letter(n) for n in range(4)]
    produce("pin", pins + GARBAGE)
    produce("geo", geos)
    produce("user", users)
    produce("deadletter", letters)

    result = job.run_available_now(stream_settings, spark=stream_spark)

    assert result.records_seen == {"pin": 303, "geo": 250, "user": 200, "deadletter": 4}
    pin_rows = bronze(stream_spark, stream_settings, "pin")
    assert_exactly_once(pin_rows, pins + GARBAGE)
    assert_exactly_once(bronze(stream_spark, stream_settings, "geo"), geos)
    assert_exactly_once(bronze(stream_spark, stream_settings, "user"), users)
    letter_rows = bronze(stream_spark, stream_settings, "deadletter")
    assert_exactly_once(letter_rows, letters)
    assert {r.kafka_topic for r in letter_rows} == {stream_settings.topic("deadletter")}
    row = pin_rows[0]
    assert row.record_source == "kafka" and row.extract_id is None
    assert row.kafka_timestamp is not None and row.ingested_at is not None
    assert {r.kafka_partition for r in pin_rows} == set(range(stream_settings.kafka_partitions))

    # A second run finds nothing new and writes nothing; new records land once more.
    again = job.run_available_now(stream_settings, spark=stream_spark, realtime=False)
    assert sum(again.records_seen.values()) == 0
    more = [pin(i) for i in range(300, 350)]
    produce("pin", more)
    job.run_available_now(stream_settings, spark=stream_spark, realtime=False)
    assert_exactly_once(bronze(stream_spark, stream_settings, "pin"), pins + GARBAGE + more)

    # The metrics counted every post of the first run and left the garbage out.
    per_category = stream_spark.read.format("delta").load(
        str(stream_settings.realtime_dir / "posts_per_category")
    )
    assert per_category.groupBy().sum("posts").first()[0] == 300


def test_replayed_batch_is_written_once(
    stream_spark: Any, stream_settings: Settings, produce: Any
) -> None:
    """A batch replayed after a crash (same id, same offsets) is found in bronze and skipped.

    The crash is made exact: the batch's commit is removed from the checkpoint, as if
    the process died after Delta committed the rows and before Spark recorded it.
    """
    geos = [geo(i) for i in range(40)]
    produce("geo", geos)
    assert job.run_available_now(stream_settings, spark=stream_spark, realtime=False).records_seen[
        "geo"
    ] == len(geos)
    commits = Path(checkpoint_location(stream_settings, "geo")) / "commits"
    last = max(int(p.name) for p in commits.iterdir() if p.name.isdigit())
    (commits / str(last)).unlink()
    (commits / f".{last}.crc").unlink(missing_ok=True)  # Hadoop's checksum of the file

    replay = job.run_available_now(stream_settings, spark=stream_spark, realtime=False)

    assert (commits / str(last)).exists(), "the batch was not replayed"
    # The replay found the batch's records in bronze, wrote nothing and counts nothing.
    assert replay.records_seen["geo"] == 0
    assert_exactly_once(bronze(stream_spark, stream_settings, "geo"), geos)
    produce("geo", [geo(40)])
    job.run_available_now(stream_settings, spark=stream_spark, realtime=False)
    assert_exactly_once(bronze(stream_spark, stream_settings, "geo"), [*geos, geo(40)])


def test_checkpoint_of_the_single_query_layout_is_refused(
    stream_spark: Any, stream_settings: Settings
) -> None:
    """Starting beside the old checkpoint would read every topic from the start again."""
    old = stream_settings.checkpoint_dir / "bronze"
    old.mkdir(parents=True)
    (old / "metadata").write_text('{"id":"0d5c3cbb-0000-0000-0000-000000000000"}')
    with pytest.raises(OldCheckpoint, match="one checkpoint per topic"):
        job.run_available_now(stream_settings, spark=stream_spark, realtime=False)


def test_one_streaming_job_at_a_time(stream_spark: Any, home_settings: Settings) -> None:
    """A second job on the same checkpoints is refused before it starts a query; a
    catch-up while the continuous job runs has nothing to do. The lock is held here as
    each job holds it, a real ``flock`` on the lakehouse's lock file."""
    lock_file = home_settings.checkpoint_dir / "stream.lock"

    held = locks.acquire(lock_file, job.CONTINUOUS)
    try:
        result = job.run_available_now(home_settings, spark=stream_spark)
        assert result.kept_current_by is not None
        assert (result.kept_current_by.pid, result.kept_current_by.command) == (
            os.getpid(),
            "pinlake stream",
        )
        assert result.records_seen == {}
        with pytest.raises(job.StreamBusy, match=r"process \d+ \(`pinlake stream`, started "):
            job.run_continuous(home_settings, spark=stream_spark)
    finally:
        locks.release(held)

    held = locks.acquire(lock_file, job.CATCH_UP)
    try:
        with pytest.raises(job.StreamBusy, match="`pinlake stream --available-now`"):
            job.run_available_now(home_settings, spark=stream_spark)
    finally:
        locks.release(held)
    assert not home_settings.bronze_path("pin").exists(), "no job started"


def test_continuous_job_compacts_bronze_beside_the_stream(
    stream_spark: Any, stream_settings: Settings, produce: Any
) -> None:
    """The compactions are the job's own OPTIMIZE commits, between the stream's appends."""
    from delta.tables import DeltaTable

    settings = stream_settings.model_copy(update={"stream_compact_seconds": 1.0})
    ensure_bronze_tables(stream_spark, settings)
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            job.run_continuous(settings, spark=stream_spark, realtime=False, stop=stop)
        except BaseException as error:
            failure.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    table = DeltaTable.forPath(stream_spark, str(settings.bronze_path("pin")))
    sent: list[bytes] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not failure:
            batch = [pin(len(sent) + i) for i in range(20)]
            produce("pin", batch)
            sent += batch
            if table.history().where("operation = 'OPTIMIZE'").count():
                break
            time.sleep(0.5)
        time.sleep(2)  # the last records land
    finally:
        stop.set()
        runner.join(timeout=120)
    assert not failure, failure

    optimizes = table.history().where("operation = 'OPTIMIZE'").collect()
    assert optimizes, "the job never compacted bronze"
    # Made by the job, not by Delta's auto compaction inside one of the stream's commits.
    assert {row.operationParameters.get("auto") for row in optimizes} == {"false"}
    # Each micro-batch is one file, whatever the topic's partitions (records spread over 3).
    writes = table.history().where("operation = 'WRITE'").collect()
    assert writes and {row.operationMetrics["numFiles"] for row in writes} == {"1"}
    job.run_available_now(settings, spark=stream_spark, realtime=False)
    assert_exactly_once(bronze(stream_spark, settings, "pin"), sent)


PROGRESS = re.compile(r"^bronze (\w+): ([\d,]+) records in .*?(?:, lag ([\d,]+))?$")


def test_continuous_job_logs_what_each_query_landed_and_its_lag(
    stream_spark: Any, stream_settings: Settings, produce: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An operator sees the job work: per kind, the records landed since the last line
    and how far the query is behind Kafka, every few seconds and once more at the stop."""
    settings = stream_settings.model_copy(update={"stream_progress_seconds": 1.0})
    ensure_bronze_tables(stream_spark, settings)
    caplog.set_level(logging.INFO, logger="streaming.progress")
    stop = threading.Event()

    def landed(kind: str) -> list[tuple[int, int | None]]:
        lines = [PROGRESS.match(r.getMessage()) for r in caplog.records]
        return [
            (int(m[2].replace(",", "")), None if m[3] is None else int(m[3].replace(",", "")))
            for m in lines
            if m is not None and m[1] == kind
        ]

    runner = threading.Thread(
        target=job.run_continuous,
        args=(settings,),
        kwargs={"spark": stream_spark, "realtime": False, "stop": stop},
    )
    runner.start()
    try:
        produce("pin", [pin(i) for i in range(60)])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sum(n for n, _ in landed("pin")) < 60:
            time.sleep(0.5)
        time.sleep(1.5)  # one more line, after the records
    finally:
        stop.set()
        runner.join(timeout=120)

    pins = landed("pin")
    assert len(pins) >= 3, "a line every second, and one at the stop"
    assert sum(n for n, _ in pins) == 60
    assert sum(n for n, _ in landed("geo")) == sum(n for n, _ in landed("user")) == 0
    lags = [lag for _, lag in pins if lag is not None]
    assert lags and lags[-1] == 0, "all read: nothing left behind the latest offsets"
