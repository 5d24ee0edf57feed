"""``pinlake api --workers 2`` as a user runs it: a real process tree on one port, real broker.

Connections opened together must spread over the workers (each has its own listening
socket), every worker writes to Kafka, and SIGTERM stops the whole tree cleanly.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import TopicTail, topic_settings
from ports import free_tcp_port

from orchestration.settings import Settings

pytestmark = pytest.mark.kafka

PINLAKE = Path(sys.executable).parent / "pinlake"
KAFKA_JSON = {"Content-Type": "application/vnd.kafka.json.v2+json"}
CONNECTIONS = 16
"""All of them on one worker by chance: 2 in 65,536 with the kernel's hash."""


def _call(
    connection: http.client.HTTPConnection, method: str, path: str, body: object = None
) -> Any:
    headers = KAFKA_JSON if body is not None else {}
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    payload = response.read()
    assert response.status == 200, payload
    return json.loads(payload)


@pytest.fixture
def settings(kafka_settings: Settings) -> Settings:
    return topic_settings(kafka_settings, f"workers-{time.monotonic_ns()}")


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_tcp_port()
    environment = {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
    }
    process = subprocess.Popen(
        [str(PINLAKE), "api", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    # Ready means both workers answer: the first one up serves every connection until the
    # second has bound its socket (on a loaded machine that took seconds in CI).
    answering: set[int] = set()
    deadline = time.monotonic() + 60
    while len(answering) < 2:
        try:  # a new connection per call, so the kernel may pick either socket
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                answering.add(httpx.get(f"{url}/healthz", timeout=5).json()["pid"])
        except httpx.TransportError:
            pass
        assert process.poll() is None, "pinlake api exited while starting"
        assert time.monotonic() < deadline, f"workers {answering} of 2 answered within 60 s"
        time.sleep(0.1)
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_connections_opened_together_spread_over_the_workers(
    settings: Settings,
    served: tuple[subprocess.Popen[bytes], str],
    tail: Callable[[Settings, list[str]], TopicTail],
) -> None:
    process, url = served
    reader = tail(settings, [settings.topic("pin")])
    port = int(url.rsplit(":", 1)[1])
    # a client pool opens its connections together, then uses them
    connections = [
        http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(CONNECTIONS)
    ]
    for connection in connections:
        connection.connect()
    try:
        pids = [_call(c, "GET", "/healthz")["pid"] for c in connections]
        for i, connection in enumerate(connections):
            body = {"records": [{"value": {"index": i, "category": "diy-and-crafts"}}]}
            answer = _call(connection, "POST", "/topics/p.pin", body)
            assert answer["offsets"][0]["error"] is None, answer
            assert _call(connection, "GET", "/healthz")["pid"] == pids[i]  # kept alive
    finally:
        for connection in connections:
            connection.close()

    assert len(set(pids)) == 2, f"all {CONNECTIONS} connections went to one worker: {pids}"
    assert process.pid not in pids  # the parent only supervises
    assert sorted(int(m.key().split(b":")[1]) for m in reader.read(CONNECTIONS)) == list(
        range(CONNECTIONS)
    )

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=45) == 0
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/healthz", timeout=2)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_taken_port_is_refused_in_one_line(settings: Settings, workers: str) -> None:
    """One worker ended with uvicorn's own lines and exit status 3 after building the app."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [str(PINLAKE), "api", "--host", "127.0.0.1", "--port", str(port), "--workers", workers],
            env={**os.environ, "PINLAKE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"pinlake api: cannot listen on 127.0.0.1:{port}: [Errno 98] Address already in use"
    )
    assert "Traceback" not in result.stderr


def test_a_worker_that_dies_stops_the_api_with_an_error(
    served: tuple[subprocess.Popen[bytes], str],
) -> None:
    """The parent does not limp on with fewer workers: it stops and says so (exit 1), and
    the service manager restarts it whole."""
    process, url = served
    worker = httpx.get(f"{url}/healthz", timeout=5).json()["pid"]
    os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=45) == 1
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/healthz", timeout=2)


def test_start_warns_when_kafka_lacks_the_topics(kafka_settings: Settings) -> None:
    """The API still starts (the topics may come later); the warning says what is wrong."""
    prefix = f"absent{time.monotonic_ns()}"
    process = subprocess.Popen(
        [str(PINLAKE), "api", "--host", "127.0.0.1", "--port", str(free_tcp_port())],
        env={
            **os.environ,
            "PINLAKE_KAFKA_BOOTSTRAP": kafka_settings.kafka_bootstrap,
            "PINLAKE_KAFKA_TOPIC_PREFIX": prefix,
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first_line = process.stderr.readline()
        assert first_line.startswith(
            f"warning: Kafka at {kafka_settings.kafka_bootstrap} has no topic {prefix}.pin, "
        ), first_line
        assert "until then every produce call answers 503" in first_line
        assert "Application startup complete" in "".join(
            process.stderr.readline() for _ in range(4)
        ), "the API starts anyway"
    finally:
        process.kill()
        process.wait()
