"""Throughput of the ingestion API into Kafka (acks=all), against the direct producer.

    python bench/bench_api.py [--single 5000] [--records 50000] [--concurrency 64]

Runs, in one go and on the same records (pin records shaped like the source's):

(a) single-record requests (``POST /topics/<t>.pin`` with one record), many in flight;
(b) batches of 100 and of 500 records per request;
(c) the confluent-kafka producer writing the same records straight to Kafka with the
    API's settings (idempotent, ``acks=all``): the upper bound.

The API runs as ``pinlake api`` in a subprocess on a loopback port, loaded by
concurrent httpx clients from this process. Every figure counts only records Kafka
acknowledged, and the topic's end offsets are checked to have grown by exactly that
many. The broker comes from the settings (``pinlake stack up`` starts a local one);
topics get their own ``bench-<time>`` prefix so runs do not mix.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingestion import kafka_stack
from ingestion.producer import record_key
from orchestration.settings import Settings, get_settings

HEADERS = {"Content-Type": "application/vnd.kafka.json.v2+json"}


@dataclass
class Result:
    name: str
    records: int
    seconds: float

    @property
    def per_s(self) -> float:
        return self.records / self.seconds


def pin(ind: int) -> dict[str, Any]:
    return {
        "index": ind,
        "unique_id": f"{ind:08x}-3442-4773-b19e-d3ec6f54dddf",
        "title": "25 Super Fun Summer Crafts for Kids - Of Life and Lisa",
        "description": "Keep the kids busy this summer with these easy diy crafts and projects.",
        "poster_name": "Of Life & Lisa | Lifestyle Blog",
        "follower_count": "124k",
        "tag_list": "Summer Crafts For Kids,Fun Crafts For Kids,Summer Kids,Toddler Crafts",
        "is_image_or_video": "image",
        "image_src": "https://i.pinimg.com/originals/b3/bc/e2/b3bce2964e8c8975387b39660eed5f16.jpg",
        "downloaded": 1,
        "save_location": "Local save in /data/diy-and-crafts",
        "category": "diy-and-crafts",
    }


def end_offsets(settings: Settings, topic: str) -> int:
    consumer = Consumer({**settings.kafka_client_config(), "group.id": "bench-offsets"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        return sum(
            consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in partitions
        )
    finally:
        consumer.close()


def start_api(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "PINLAKE_API_MAX_RECORDS": "1000",
    }
    command = [sys.executable, "-c", "from orchestration.cli import app; app()", "api"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the API did not become ready within 30s")


async def through_api(url: str, records: list[dict[str, Any]], batch: int, concurrency: int) -> int:
    """Send ``records`` in requests of ``batch`` with ``concurrency`` in flight; count acks."""
    bodies = [
        json.dumps({"records": [{"value": r} for r in records[i : i + batch]]}).encode()
        for i in range(0, len(records), batch)
    ]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    acknowledged = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal acknowledged
        while not queue.empty():
            body = queue.get_nowait()
            response = await client.post("/topics/bench.pin", content=body, headers=HEADERS)
            response.raise_for_status()
            acknowledged += sum(1 for o in response.json()["offsets"] if o["error_code"] is None)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return acknowledged


def direct(settings: Settings, records: list[dict[str, Any]], topic: str) -> int:
    """The upper bound: same records, same producer settings, no HTTP in between."""
    producer = Producer(
        {
            **settings.kafka_client_config(),
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
        }
    )
    acknowledged = 0

    def on_delivery(error: object, _: object) -> None:
        nonlocal acknowledged
        if error is None:
            acknowledged += 1

    for record in records:
        value = json.dumps(record, separators=(",", ":")).encode()
        while True:
            try:
                producer.produce(
                    topic, value, key=record_key("pin", record["index"]), on_delivery=on_delivery
                )
                break
            except BufferError:
                producer.poll(0.01)
        producer.poll(0)
    producer.flush(60)
    return acknowledged


def measure(name: str, settings: Settings, topic: str, run: Any) -> Result:
    before = end_offsets(settings, topic)
    started = time.perf_counter()
    acknowledged = run()
    seconds = time.perf_counter() - started
    grown = end_offsets(settings, topic) - before
    if grown != acknowledged:
        raise RuntimeError(f"{name}: {acknowledged} acknowledged but the topic grew by {grown}")
    return Result(name, acknowledged, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=5000, help="single-record requests")
    parser.add_argument("--records", type=int, default=50_000, help="records per batched run")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (a)")
    parser.add_argument("--batch-concurrency", type=int, default=8, help="requests in flight (b)")
    parser.add_argument("--port", type=int, default=18082)
    args = parser.parse_args()

    settings = get_settings().model_copy(update={"kafka_topic_prefix": f"bench-{int(time.time())}"})
    kafka_stack.ensure_topics(settings)
    topic = settings.topic("pin")
    records = [pin(i) for i in range(max(args.records, args.single))]
    url = f"http://127.0.0.1:{args.port}"
    api = start_api(settings, args.port)
    try:
        # Warm up connections and the producer's idempotence handshake.
        asyncio.run(through_api(url, records[:200], 1, 8))
        results = [
            measure(
                "(a) API, 1 record per request",
                settings,
                topic,
                lambda: asyncio.run(through_api(url, records[: args.single], 1, args.concurrency)),
            )
        ]
        for batch in (100, 500):
            results.append(
                measure(
                    f"(b) API, {batch} records per request",
                    settings,
                    topic,
                    lambda b=batch: asyncio.run(
                        through_api(url, records[: args.records], b, args.batch_concurrency)
                    ),
                )
            )
    finally:
        api.terminate()
        api.wait(timeout=30)
    upper = measure(
        "(c) confluent-kafka producer, direct",
        settings,
        topic,
        lambda: direct(settings, records[: args.records], topic),
    )
    results.append(upper)

    print(f"\nbroker {settings.kafka_bootstrap}, topic {topic}, acks=all, idempotent")
    print(f"{'run':40} {'records':>8} {'seconds':>8} {'events/s':>10} {'vs direct':>9}")
    for result in results:
        print(
            f"{result.name:40} {result.records:8d} {result.seconds:8.2f} "
            f"{result.per_s:10,.0f} {result.per_s / upper.per_s:9.0%}"
        )
    single, *batched = results[:-1]
    print(
        f"\ntargets: single >= 1,000/s: {'met' if single.per_s >= 1000 else 'MISSED'}; "
        + "; ".join(
            f"{r.name[4:]} >= 50% of direct: {'met' if r.per_s >= 0.5 * upper.per_s else 'MISSED'}"
            for r in batched
        )
    )


if __name__ == "__main__":
    main()
