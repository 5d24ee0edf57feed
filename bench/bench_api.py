"""Throughput of the ingestion API into Kafka (acks=all), against the direct producer.

    python bench/bench_api.py [--single 20000] [--records 100000] [--workers 2]
                              [--protocol kafka-rest|kinesis]

Runs, in one go and on the same records (pin records shaped like the source's):

(a) single-record requests, many in flight;
(b) batches of 100 and of 500 records per request;
    both as the REST Proxy's produce call (``POST /topics/<t>.pin``) or, with
    ``--protocol kinesis``, as Kinesis PutRecords (``PUT /streams/<s>/records``, each
    record with its own partition key as the original Kinesis clients sent them; one
    record per request in (a));
(c) the confluent-kafka producer writing the same records straight to Kafka from one
    Python process with the API's settings (idempotent, ``acks=all``, ``linger.ms=5``)
    and the API's JSON encoder: the upper bound. Like the API, it is warmed up before
    its clock starts (connection, metadata, producer id). It runs before and after the
    API runs and the better of the two counts, so a busy machine cannot flatter the ratio.

Before any clock starts, the broker is warmed up too (:func:`warm_up_broker`): a
freshly started JVM compiles its produce path during its first million or so records,
and whichever run came first paid for it.

The API runs as ``pinlake api --workers N`` in a subprocess on a loopback port. The load
comes from ``--clients`` separate processes, each holding keep-alive connections and
speaking plain HTTP/1.1 over asyncio streams: an httpx client costs more CPU per request
than the API itself and would measure the client. Every figure counts only records
Kafka acknowledged, and the topic's end offsets are checked to have grown by exactly
that many. The broker comes from the settings when it answers (``pinlake stack up``
starts the local one); otherwise the benchmark starts a temporary broker of its own.
Topics get their own ``bench-<time>`` prefix so runs do not mix, and are deleted after.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_broker import broker
from throwaway_topics import throwaway_topics

from ingestion.api.intake import encode_json
from ingestion.producer import record_key
from orchestration.settings import Settings, get_settings

_TIMEOUT_S = 300.0
"""No run may take longer; a stuck API fails the benchmark instead of hanging it."""


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


def start_api(settings: Settings, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "PINLAKE_API_MAX_RECORDS": "1000",
    }
    command = [sys.executable, "-c", "from orchestration.cli import app; app()", "api"]
    process = subprocess.Popen([*command, "--port", str(port), "--workers", str(workers)], env=env)
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


# --- load generator (runs in child processes) --------------------------------------------


def _rest_proxy_body(records: list[dict[str, Any]]) -> Any:
    return {"records": [{"value": r} for r in records]}


def _kinesis_body(records: list[dict[str, Any]]) -> Any:
    # As the original Kinesis clients sent them through API Gateway: each record as
    # JSON with its own partition key.
    return {
        "StreamName": "streaming-bench-pin",
        "records": [{"data": r, "partition-key": f"pin-{r['index']}"} for r in records],
    }


@dataclass(frozen=True)
class Wire:
    """One of the API's wire formats: how a batch is sent and where its answer says what
    Kafka took (each result whose ``error_field`` is missing or null)."""

    request_line: str
    content_type: str
    envelope: Callable[[list[dict[str, Any]]], Any]
    results_field: str
    error_field: str

    def acknowledged(self, answer: bytes) -> int:
        results = orjson.loads(answer)[self.results_field]
        return sum(1 for result in results if result.get(self.error_field) is None)


WIRES = {
    "kafka-rest": Wire(
        "POST /topics/bench.pin",
        "application/vnd.kafka.json.v2+json",
        _rest_proxy_body,
        results_field="offsets",
        error_field="error",
    ),
    "kinesis": Wire(
        "PUT /streams/streaming-bench-pin/records",
        "application/json",
        _kinesis_body,
        results_field="Records",
        error_field="ErrorCode",
    ),
}
"""``--protocol``: the REST Proxy's produce call or Kinesis PutRecords."""


def _request(port: int, wire: Wire, body: bytes) -> bytes:
    head = (
        f"{wire.request_line} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: {wire.content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _connection(connection: Connection, wire: Wire, requests: list[bytes]) -> int:
    """Send ``requests`` one after another on one keep-alive connection; count acks."""
    reader, writer = connection
    acknowledged = 0
    try:
        for request in requests:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            answer = await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"the API answered {status}: {answer[:300]!r}")
            acknowledged += wire.acknowledged(answer)
    finally:
        writer.close()
    return acknowledged


def _client(
    port: int,
    protocol: str,
    bodies: list[bytes],
    connections: int,
    ready: Any,
    go: Event,
    results: Any,
    index: int,
) -> None:
    """One load-generating process: ``connections`` connections share ``bodies``.

    It builds its requests and opens its connections, says it is ready, and sends only
    once the parent (whose clock starts then) says go.
    """
    import uvloop

    wire = WIRES[protocol]
    requests = [_request(port, wire, body) for body in bodies]
    shares = [share for share in (requests[i::connections] for i in range(connections)) if share]

    async def run() -> int:
        opened = [await asyncio.open_connection("127.0.0.1", port) for _ in shares]
        ready.put(index)
        go.wait()
        counts = await asyncio.wait_for(
            asyncio.gather(*(_connection(c, wire, s) for c, s in zip(opened, shares, strict=True))),
            timeout=_TIMEOUT_S,
        )
        return sum(counts)

    try:
        results.put((index, uvloop.run(run()), None))
    except Exception as error:  # reported by the parent
        results.put((index, 0, repr(error)))


def through_api(
    port: int,
    protocol: str,
    records: list[dict[str, Any]],
    batch: int,
    clients: int,
    connections: int,
) -> tuple[int, float]:
    """Send ``records`` in requests of ``batch`` from ``clients`` processes.

    Returns the records acknowledged and the seconds taken. The clock covers only the
    sending: it starts once every process has built its requests and connected.
    """
    envelope = WIRES[protocol].envelope
    bodies = [orjson.dumps(envelope(records[i : i + batch])) for i in range(0, len(records), batch)]
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    ready = context.Queue()
    results = context.Queue()
    processes = [
        context.Process(
            target=_client,
            args=(port, protocol, bodies[i::clients], connections, ready, go, results, i),
            daemon=True,
        )
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    started = time.perf_counter()
    go.set()
    acknowledged = 0
    errors = []
    for _ in processes:
        _, count, error = results.get(timeout=_TIMEOUT_S + 30)
        acknowledged += count
        if error:
            errors.append(error)
    seconds = time.perf_counter() - started
    for process in processes:
        process.join(timeout=10)
    if errors:
        raise RuntimeError(f"load generator failed: {errors[0]}")
    return acknowledged, seconds


# --- the upper bound ---------------------------------------------------------------------


def direct_producer(settings: Settings, topic: str) -> Producer:
    """The producer of the upper bound, warmed up as the API's are before their runs.

    Its first record pays for the connection, the topic's metadata and the idempotent
    producer id; that happens here, before the clock, as the API's warm-up run does
    for the workers' producers.
    """
    producer = Producer(
        {
            **settings.kafka_client_config(),
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
        }
    )
    producer.produce(topic, encode_json(pin(0)), key=record_key("pin", 0))
    if producer.flush(30) != 0:
        raise RuntimeError("the direct producer's warm-up record was not acknowledged")
    return producer


_WARM_UP_RECORDS = 1_000_000
"""Records the broker takes before any clock starts. A freshly started broker's JVM
compiles its produce path for about its first million records: its compiler threads
(C1, C2) took 1.5 s of CPU while the API sent its first 600,000 records, and still
0.2-0.4 s per 200,000 after that, on a machine with two cores. In a probe the API's
batches of 500 went from ~112,000 records/s on the fresh broker to ~147,000 on the same
broker a million records later. A broker in service has long been warm."""


def warm_up_broker(producer: Producer, records: list[dict[str, Any]], topic: str) -> None:
    """Write ``records`` over and over, unmeasured, until the broker took ``_WARM_UP_RECORDS``."""
    for _ in range(-(-_WARM_UP_RECORDS // len(records))):
        direct(producer, records, topic)


def direct(producer: Producer, records: list[dict[str, Any]], topic: str) -> tuple[int, float]:
    """The upper bound: same records, same producer settings and encoder, no HTTP."""
    acknowledged = 0
    started = time.perf_counter()

    def on_delivery(error: object, _: object) -> None:
        nonlocal acknowledged
        if error is None:
            acknowledged += 1

    for record in records:
        value = encode_json(record)
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
    return acknowledged, time.perf_counter() - started


def measure(
    name: str, settings: Settings, topic: str, run: Callable[[], tuple[int, float]]
) -> Result:
    before = end_offsets(settings, topic)
    acknowledged, seconds = run()
    grown = end_offsets(settings, topic) - before
    if grown != acknowledged:
        raise RuntimeError(f"{name}: {acknowledged} acknowledged but the topic grew by {grown}")
    return Result(name, acknowledged, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=20_000, help="single-record requests")
    parser.add_argument("--records", type=int, default=100_000, help="records per batched run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="API workers")
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--concurrency", type=int, default=64, help="connections in total (a)")
    parser.add_argument(
        "--batch-concurrency",
        type=int,
        default=32,
        help="connections in total (b); with 8, batches of 100 waited on the producer's "
        "linger and the broker's ack instead of the API's CPU",
    )
    parser.add_argument(
        "--protocol",
        choices=sorted(WIRES),
        default="kafka-rest",
        help="the wire format of the API's requests; kinesis sends PutRecords, also in (a)",
    )
    parser.add_argument("--port", type=int, default=18082)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-api-") as home:
        configured = get_settings().model_copy(
            update={"kafka_topic_prefix": f"bench-{int(time.time())}"}
        )
        with broker(configured, Path(home)) as settings, throwaway_topics(settings):
            run(args, settings)


def run(args: argparse.Namespace, settings: Settings) -> None:
    """The direct producer, the API's runs, the direct producer again; then the figures."""
    topic = settings.topic("pin")
    records = [pin(i) for i in range(max(args.records, args.single))]
    batched = records[: args.records]

    def upper_bound() -> Result:
        producer = direct_producer(settings, topic)
        return measure(
            "(c) confluent-kafka producer, direct",
            settings,
            topic,
            lambda: direct(producer, batched, topic),
        )

    warm_up_broker(direct_producer(settings, topic), batched, topic)
    directs = [upper_bound()]
    api = start_api(settings, args.port, args.workers)
    per_client = max(1, args.concurrency // args.clients)
    per_client_batch = max(1, args.batch_concurrency // args.clients)
    try:
        # Warm up connections, both workers' producers and their idempotence handshakes,
        # and the broker's handling of the workers' smaller, concurrent batches.
        through_api(args.port, args.protocol, records[:2000], 1, args.clients, per_client)
        through_api(args.port, args.protocol, batched, 500, args.clients, per_client_batch)
        results = [
            measure(
                "(a) API, 1 record per request",
                settings,
                topic,
                lambda: through_api(
                    args.port, args.protocol, records[: args.single], 1, args.clients, per_client
                ),
            )
        ]
        for batch in (100, 500):
            results.append(
                measure(
                    f"(b) API, {batch} records per request",
                    settings,
                    topic,
                    partial(
                        through_api,
                        args.port,
                        args.protocol,
                        batched,
                        batch,
                        args.clients,
                        per_client_batch,
                    ),
                )
            )
    finally:
        api.terminate()
        api.wait(timeout=30)
    directs.append(upper_bound())
    upper = max(directs, key=lambda result: result.per_s)
    results.append(upper)

    print(
        f"\nbroker {settings.kafka_bootstrap}, topic {topic}, acks=all, idempotent; "
        f"API workers {args.workers}, client processes {args.clients}, {args.protocol}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        "direct producer runs (before, after the API): "
        + ", ".join(f"{r.per_s:,.0f}/s" for r in directs)
    )
    print(f"{'run':40} {'records':>8} {'seconds':>8} {'events/s':>10} {'vs direct':>9}")
    for result in results:
        print(
            f"{result.name:40} {result.records:8d} {result.seconds:8.2f} "
            f"{result.per_s:10,.0f} {result.per_s / upper.per_s:9.0%}"
        )
    single, *batched_results = results[:-1]
    print(
        f"\ntargets: single >= 1,000/s: {'met' if single.per_s >= 1000 else 'MISSED'}; "
        + "; ".join(
            f"{r.name[4:]} >= 50% of direct: {'met' if r.per_s >= 0.5 * upper.per_s else 'MISSED'}"
            for r in batched_results
        )
    )


if __name__ == "__main__":
    main()
