"""Kafka to bronze: catch-up throughput and end-to-end freshness of ``pinlake stream``.

    python bench/bench_stream.py [--records 1000000] [--rate 1000] [--seconds 60]

(a) **catch-up**: ``--records`` pin/geo/user records (shaped like the source's) are
    produced straight to Kafka first; then ``pinlake stream --available-now`` (bronze
    only) is timed from start to exit in a warm Spark session, over bronze tables that
    exist (created before the clock, as on every run but a lakehouse's first; the
    creation time is printed too). Target >= 50,000 events/s.
    Bronze is checked to hold exactly the records produced.
(b) **freshness**: the continuous job (1 s trigger, with the real-time metric queries)
    runs while records are POSTed to the ingestion API (``pinlake api`` in a subprocess
    on loopback) at a steady ``--rate`` events/s for ``--seconds``, in requests of 50
    records. For every acknowledged record (the API answers with its partition and
    offset) the latency is: the time its Delta commit became visible in bronze (the
    commit file's modification time) minus the time the client got the acknowledgement.
    The first ``--warmup`` seconds are excluded. Target p95 <= 3 s.

Everything runs on this machine: the broker from the settings if one answers, else a
throw-away local broker on free ports; topics get a ``bench-stream-<time>`` prefix and
bronze a throw-away ``PINLAKE_HOME``, so runs never mix with real data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from statistics import quantiles
from typing import Any

import httpx
from confluent_kafka import Producer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_broker import broker, free_port
from throwaway_topics import throwaway_topics

from orchestration.settings import Settings, get_settings
from streaming import job
from streaming.bronze import bronze_schema, ensure_bronze_tables
from streaming.spark import build_session

KINDS = ("pin", "geo", "user")
REQUEST_RECORDS = 50


def record(kind: str, ind: int) -> dict[str, Any]:
    """Records of the source's shape and size (~300-600 bytes)."""
    if kind == "pin":
        return {
            "index": ind,
            "unique_id": f"{ind:08x}-3442-4773-b19e-d3ec6f54dddf",
            "title": "25 Super Fun Summer Crafts for Kids - Of Life and Lisa",
            "description": "Keep the kids busy this summer with these easy diy crafts.",
            "poster_name": f"Poster {ind % 997}",
            "follower_count": f"{ind % 300}k",
            "tag_list": "Summer Crafts For Kids,Fun Crafts For Kids,Summer Kids",
            "is_image_or_video": "image",
            "image_src": "https://i.pinimg.com/originals/b3/bc/e2/b3bce2964e8c8975387b3.jpg",
            "downloaded": 1,
            "save_location": "Local save in /data/diy-and-crafts",
            "category": ("diy-and-crafts", "travel", "quotes", "beauty")[ind % 4],
        }
    if kind == "geo":
        return {
            "ind": ind,
            "timestamp": "2020-08-28T03:52:47",
            "latitude": -89.9787,
            "longitude": -173.293,
            "country": "Antarctica (the territory South of 60 deg S)",
        }
    return {
        "ind": ind,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "age": 36,
        "date_joined": "2015-10-31T11:13:04",
    }


def produce_direct(settings: Settings, total: int) -> float:
    producer = Producer(
        {
            **settings.kafka_client_config(),
            "linger.ms": 20,
            "batch.size": 1_000_000,
            "queue.buffering.max.kbytes": 1_048_576,
        }
    )
    started = time.perf_counter()
    for ind in range(total):
        kind = KINDS[ind % 3]
        value = json.dumps(record(kind, ind), separators=(",", ":")).encode()
        while True:
            try:
                producer.produce(settings.topic(kind), value, key=f"{kind}:{ind}".encode())
                break
            except BufferError:
                producer.poll(0.05)
    if producer.flush(120) != 0:
        raise RuntimeError("not every record was acknowledged")
    return time.perf_counter() - started


def bronze_count(spark: Any, settings: Settings) -> int:
    return sum(
        spark.read.format("delta").load(str(settings.bronze_path(kind))).count() for kind in KINDS
    )


def catch_up(spark: Any, settings: Settings, total: int) -> None:
    print(f"(a) producing {total:,} records straight to Kafka ...", flush=True)
    seconds = produce_direct(settings, total)
    print(f"    produced in {seconds:.1f} s ({total / seconds:,.0f}/s)")
    # Bronze exists on every run but a lakehouse's first: create it before the clock.
    started = time.perf_counter()
    ensure_bronze_tables(spark, settings)
    print(
        f"    bronze tables created (once per lakehouse) in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    result = job.run_available_now(settings, realtime=False, spark=spark)
    seconds = time.perf_counter() - started
    landed = bronze_count(spark, settings)
    assert landed == total, f"bronze holds {landed:,} rows, {total:,} were produced"
    rate = total / seconds
    print(
        f"    catch-up Kafka -> bronze: {total:,} records in {seconds:.1f} s, "
        f"{result.bronze_batches} batches: {rate:,.0f} events/s "
        f"(target >= 50,000: {'met' if rate >= 50_000 else 'MISSED'})"
    )
    started = time.perf_counter()
    job.run_available_now(settings, spark=spark)
    seconds = time.perf_counter() - started
    print(f"    then the real-time metrics over the same records: {seconds:.1f} s")


def start_api(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "PINLAKE_HOME": str(settings.home),
    }
    command = [sys.executable, "-c", "from orchestration.cli import app; app()", "api"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the API did not become ready within 60s")


Ack = tuple[str, int, int, float]
"""(topic, partition, offset, acknowledged at)."""


async def steady_load(url: str, settings: Settings, rate: int, seconds: float) -> list[Ack]:
    """POST ``rate`` records a second in requests of 50, on a fixed schedule (open loop)."""
    acks: list[Ack] = []
    interval = REQUEST_RECORDS / rate
    headers = {"Content-Type": "application/vnd.kafka.json.v2+json"}

    async def send(client: httpx.AsyncClient, kind: str, first: int) -> None:
        records = [{"value": record(kind, i)} for i in range(first, first + REQUEST_RECORDS)]
        response = await client.post(
            f"/topics/{settings.topic(kind)}", json={"records": records}, headers=headers
        )
        now = time.time()
        response.raise_for_status()
        for offset in response.json()["offsets"]:
            if offset.get("error_code") is None:
                acks.append((settings.topic(kind), offset["partition"], offset["offset"], now))

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        tasks = []
        started = time.monotonic()
        for n in range(int(seconds * rate / REQUEST_RECORDS)):
            await asyncio.sleep(max(0.0, started + n * interval - time.monotonic()))
            tasks.append(asyncio.create_task(send(client, KINDS[n % 3], n * REQUEST_RECORDS)))
        await asyncio.gather(*tasks)
    return acks


def commit_times(table: Path) -> dict[str, float]:
    """Data file name -> when the Delta commit that landed its rows became visible.

    Only files that brought new rows (``dataChange``): auto compaction later rewrites
    the rows into larger files, whose commit time says nothing about freshness.
    """
    visible: dict[str, float] = {}
    for commit in sorted((table / "_delta_log").glob("*.json")):
        at = commit.stat().st_mtime
        for line in commit.read_text().splitlines():
            action = json.loads(line)
            if "add" in action and action["add"].get("dataChange", True):
                visible[Path(action["add"]["path"]).name] = at
    return visible


def freshness(spark: Any, settings: Settings, rate: int, seconds: float, warmup: float) -> None:
    from pyspark.sql import functions as F

    port = free_port()
    api = start_api(settings, port)
    stop = threading.Event()
    failure: list[BaseException] = []

    def stream() -> None:
        try:
            job.run_continuous(settings, spark=spark, stop=stop)
        except BaseException as error:
            failure.append(error)

    runner = threading.Thread(target=stream, daemon=True)
    runner.start()
    try:
        time.sleep(15)  # let the queries start before the clock runs
        print(f"(b) {rate:,} events/s through the API for {seconds:.0f} s ...", flush=True)
        load_started = time.time()
        acks = asyncio.run(steady_load(f"http://127.0.0.1:{port}", settings, rate, seconds))
        deadline = time.monotonic() + 120
        while bronze_count(spark, settings) < len(acks) and time.monotonic() < deadline:
            time.sleep(1)
        durations = batch_durations(spark, since=load_started + warmup)
    finally:
        stop.set()
        runner.join(timeout=120)
        api.terminate()
        api.wait(timeout=30)
    if failure:
        raise failure[0]

    visible: dict[str, float] = {}
    landed: dict[tuple[str, int, int], str] = {}
    for kind in KINDS:
        path = settings.bronze_path(kind)
        landings = commit_times(path)
        visible |= landings
        # The files as first written (compaction leaves them on disk: no VACUUM here).
        rows = (
            spark.read.schema(bronze_schema())
            .parquet(*(str(path / name) for name in landings))
            .select("kafka_topic", "kafka_partition", "kafka_offset", F.col("_metadata.file_name"))
            .collect()
        )
        for row in rows:
            place = (row.kafka_topic, row.kafka_partition, row.kafka_offset)
            assert place not in landed, f"duplicate in bronze: {place}"
            landed[place] = row.file_name
    missing = [ack for ack in acks if ack[:3] not in landed]
    assert not missing, f"{len(missing)} acknowledged records never reached bronze"
    latencies = sorted(
        visible[landed[ack[:3]]] - ack[3] for ack in acks if ack[3] >= load_started + warmup
    )
    cuts = quantiles(latencies, n=100)
    p50, p95 = cuts[49], cuts[94]
    achieved = len(acks) / seconds
    print(
        f"    {len(acks):,} acknowledged ({achieved:,.0f}/s), {len(latencies):,} measured after "
        f"{warmup:.0f} s warm-up; ack -> readable in bronze: p50 {p50:.2f} s, p95 {p95:.2f} s, "
        f"max {latencies[-1]:.2f} s (target p95 <= 3 s: {'met' if p95 <= 3 else 'MISSED'})"
    )
    print("    bronze micro-batches with records, per query (ms: median / p95 / max):")
    for line in durations:
        print(f"      {line}")


def batch_durations(spark: Any, since: float) -> list[str]:
    """Where each query of this session spent its micro-batches with records, after ``since``.

    From the queries' own progress reports: ``triggerExecution`` is the whole batch,
    ``addBatch`` the write (the Delta append). The metric queries run in a session of
    their own (``streaming.realtime``), so only the bronze queries are listed.
    """
    lines = []
    for query in sorted(spark.streams.active, key=lambda q: q.name):
        progress = [
            p
            for p in query.recentProgress
            if p.numInputRows
            and datetime.fromisoformat(p.timestamp.replace("Z", "+00:00")).timestamp() >= since
        ]
        if not progress:
            continue
        parts = []
        for step in ("triggerExecution", "addBatch", "latestOffset", "queryPlanning", "walCommit"):
            values = sorted(p.durationMs.get(step, 0) for p in progress)
            if len(values) > 1:
                p95 = quantiles(values, n=20)[18]
                parts.append(f"{step} {values[len(values) // 2]}/{p95:.0f}/{values[-1]}")
        lines.append(f"{query.name}: {len(progress)} batches; " + ", ".join(parts))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="catch-up records (a)")
    parser.add_argument("--rate", type=int, default=1000, help="events/s through the API (b)")
    parser.add_argument("--seconds", type=float, default=60, help="duration of (b)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of (b) not measured")
    parser.add_argument("--skip", choices=("a", "b"), help="run only the other benchmark")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory(prefix="bench-stream-") as home,
        broker(get_settings(), Path(home)) as settings,
    ):
        spark = build_session(settings, catalog=False)
        print(f"broker {settings.kafka_bootstrap}, {os.cpu_count()} cores, load {load:.1f}")
        if args.skip != "a":
            prefix = f"bench-stream-{int(time.time())}-a"
            catch = settings.model_copy(
                update={"kafka_topic_prefix": prefix, "home": Path(home) / "a"}
            )
            with throwaway_topics(catch):
                catch_up(spark, catch, args.records)
        if args.skip != "b":
            prefix = f"bench-stream-{int(time.time())}-b"
            fresh = settings.model_copy(
                update={"kafka_topic_prefix": prefix, "home": Path(home) / "b"}
            )
            with throwaway_topics(fresh):
                freshness(spark, fresh, args.rate, args.seconds, args.warmup)
        spark.stop()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
