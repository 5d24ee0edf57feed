"""The emulator end to end: source DB -> API (both wire formats) -> Kafka, counted exactly."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ServedApi, TopicTail, topic_settings
from ports import free_tcp_port
from rich.console import Console
from sqlalchemy import select

from ingestion.api import create_app
from ingestion.emulator import (
    EmulatorError,
    EmulatorOptions,
    PostSource,
    Protocol,
    random_indexes,
    run,
)
from ingestion.source_db import TABLES, SourceNotReady, key_column, make_engine
from orchestration.settings import RECORD_KINDS, Settings

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def settings(kafka_settings: Settings) -> Settings:
    return topic_settings(kafka_settings, f"t-emulator-{uuid.uuid4().hex[:8]}")


def test_seeded_choice_repeats(generated_source_url: str) -> None:
    indexes = PostSource(make_engine(generated_source_url)).indexes
    first = list(random_indexes(indexes, seed=3, count=50))
    assert first == list(random_indexes(indexes, seed=3, count=50))
    assert first != list(random_indexes(indexes, seed=4, count=50))
    assert set(first) <= set(indexes)


@pytest.mark.parametrize(
    ("protocol", "batch_size", "user_id"),
    [("kafka-rest", 1, None), ("kafka-rest", 7, "0a1d8948160f"), ("kinesis", 1, "0a1d8948160f"),
     ("kinesis", 10, None)],
)  # fmt: skip
def test_emulated_posts_arrive_once_each_with_the_source_rows(
    settings: Settings,
    generated_source_url: str,
    serve_api: Callable[..., ServedApi],
    tail: Callable[..., TopicTail],
    protocol: Protocol,
    batch_size: int,
    user_id: str | None,
) -> None:
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = serve_api(source)
    reader = tail(source, [source.topic(kind) for kind in RECORD_KINDS])
    options = EmulatorOptions(
        api=api.url, protocol=protocol, count=25, batch_size=batch_size, seed=11, user_id=user_id
    )
    shown = io.StringIO()
    summary = run(source, options, console=Console(file=shown, width=120))

    assert (summary.posts, summary.sent, summary.accepted) == (25, 75, 75)
    # The progress bar's last line counts the last partial batches too.
    assert "25/25 accepted 75 rejected 0 errors 0" in shown.getvalue()
    assert (summary.rejected, summary.errors, summary.retries) == (0, 0, 0)
    assert summary.requests == sum(-(-n // batch_size) for n in _per_kind(75))

    messages = reader.read(expected=75)
    assert len(messages) == 75
    chosen = Counter(random_indexes(PostSource(make_engine(generated_source_url)).indexes, 11, 25))
    engine = make_engine(generated_source_url)
    for kind in RECORD_KINDS:
        of_kind = [m for m in messages if m.topic() == source.topic(kind)]
        keys = Counter(int(m.key().decode().split(":")[1]) for m in of_kind)
        assert keys == chosen
        with engine.connect() as conn:
            for message in of_kind:
                value = json.loads(message.value())
                ind = value["index"] if kind == "pin" else value["ind"]
                row = conn.execute(select(TABLES[kind]).where(key_column(kind) == ind)).one()
                expected = {
                    name: v.isoformat() if hasattr(v, "isoformat") else v
                    for name, v in row._mapping.items()
                }
                assert value == expected
    geo = next(m for m in messages if m.topic() == source.topic("geo"))
    assert "T" in json.loads(geo.value())["timestamp"]  # like the original emulator


def _per_kind(records: int) -> list[int]:
    return [records // 3] * 3


def test_transient_failures_are_retried_without_double_counting(
    settings: Settings, generated_source_url: str, tail: Callable[..., TopicTail]
) -> None:
    """The API comes up only after the emulator started: the first attempts are refused."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    reader = tail(source, [source.topic(kind) for kind in RECORD_KINDS])
    late = ServedApi(create_app(source))  # its port is chosen, nothing listens yet
    starter = threading.Timer(1.0, late.start)
    starter.start()
    try:
        summary = run(source, EmulatorOptions(api=late.url, count=5, batch_size=5, seed=1))
    finally:
        starter.join()
        late.stop()
    assert summary.retries >= 1
    assert (summary.sent, summary.accepted, summary.errors) == (15, 15, 0)
    assert len(reader.read(expected=15)) == 15


def test_ctrl_c_ends_the_run_after_the_request_in_flight_with_every_record_counted(
    settings: Settings, generated_source_url: str, tail: Callable[..., TopicTail]
) -> None:
    """Ctrl-C (SIGINT to this process) lands while a request is in flight: every request
    takes 0.3 s here, the rest of the run microseconds. The run finishes that request,
    sends what is buffered and counts each record once; before, the interrupt cut the
    request off and its records were sent but counted nowhere."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    reader = tail(source, [source.topic(kind) for kind in RECORD_KINDS])
    app = create_app(source)

    async def slow_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(0.3)
        await app(scope, receive, send)

    api = ServedApi(slow_app).start()  # type: ignore[arg-type]
    interrupt = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT))
    interrupt.start()
    try:
        summary = run(source, EmulatorOptions(api=api.url, count=None, batch_size=4, seed=5))
    finally:
        interrupt.cancel()
        api.stop()

    assert summary.stopped is None
    assert summary.posts > 0
    assert summary.sent == 3 * summary.posts == summary.accepted
    assert (summary.rejected, summary.errors) == (0, 0)
    assert len(reader.read(expected=summary.accepted)) == summary.accepted


def test_an_unreachable_api_stops_the_run_and_counts_errors_once(
    settings: Settings, generated_source_url: str
) -> None:
    """The first request that fails every attempt ends the run: the requests after it
    would wait out their attempts alike (300 records took half an hour that way)."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = f"http://127.0.0.1:{free_tcp_port()}"
    options = EmulatorOptions(api=api, count=4, batch_size=2, max_attempts=2)
    started = time.monotonic()
    summary = run(source, options)
    # the pins of posts 1 and 2 were the first batch; nothing else was sent
    assert (summary.sent, summary.accepted, summary.errors) == (2, 0, 2)
    assert (summary.requests, summary.retries) == (2, 1)
    assert summary.stopped is not None
    assert summary.stopped.startswith(
        f"pin: no answer from the ingestion API at {api} in 2 attempts (ConnectError:"
    )
    assert "`pinlake api`" in summary.stopped
    assert time.monotonic() - started < 30


def test_an_api_that_keeps_answering_503_stops_the_run(
    settings: Settings, generated_source_url: str, serve_api: Callable[..., ServedApi]
) -> None:
    """Kafka behind the API is unreachable: every attempt is a 503, and the run stops."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    nowhere = source.model_copy(
        update={"kafka_bootstrap": f"127.0.0.1:{free_tcp_port()}", "api_produce_timeout_s": 1.0}
    )
    api = serve_api(nowhere)
    summary = run(source, EmulatorOptions(api=api.url, count=3, batch_size=3, max_attempts=2))
    assert (summary.sent, summary.accepted, summary.errors) == (3, 0, 3)
    assert summary.requests == 2
    assert summary.stopped is not None
    assert summary.stopped.startswith("pin: 2 attempts failed, the last with HTTP 503: ")
    assert "Kafka is unavailable" in summary.stopped


def test_a_base_url_with_a_path_stops_the_run_at_the_first_404(
    settings: Settings, generated_source_url: str, serve_api: Callable[..., ServedApi]
) -> None:
    """A path after the address (a stage such as /v2 copied from a cloud URL) made every
    request a 404, which the summary counted as records the API rejected."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = serve_api(source)
    with pytest.raises(EmulatorError) as failure:
        run(source, EmulatorOptions(api=f"{api.url}/v2", count=3, batch_size=3))
    assert str(failure.value).startswith(
        f"{api.url}/v2 answered 404 to POST /v2/topics/{source.topic('pin')} "
        '({"error_code":40400,"message":"no route POST /v2/topics/'
    )
    assert str(failure.value).endswith(
        "--api is the ingestion API's base URL, e.g. http://127.0.0.1:8082"
    )


def test_a_batch_larger_than_the_api_takes_stops_the_run_at_the_first_413(
    settings: Settings, generated_source_url: str, serve_api: Callable[..., ServedApi]
) -> None:
    """Every request of that size is refused and dead-lettered alike: with `--count 0`
    the run went on filling the dead-letter topic until Ctrl-C."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = serve_api(source.model_copy(update={"api_max_records": 5}))
    summary = run(source, EmulatorOptions(api=api.url, count=12, batch_size=6))
    assert (summary.sent, summary.accepted, summary.rejected, summary.requests) == (6, 0, 6, 1)
    assert summary.stopped is not None
    assert summary.stopped.startswith('pin: HTTP 413: {"error_code":41302,')
    assert summary.stopped.endswith("; lower --batch-size")


def test_an_api_address_without_a_scheme_is_plain_http(
    settings: Settings, generated_source_url: str, serve_api: Callable[..., ServedApi]
) -> None:
    """As curl reads it; before, `--api 127.0.0.1:8082` was retried six times and
    reported as an API that does not answer."""
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = serve_api(source)
    summary = run(
        source, EmulatorOptions(api=api.url.removeprefix("http://"), count=2, batch_size=2)
    )
    assert (summary.sent, summary.accepted, summary.errors, summary.retries) == (6, 6, 0, 0)
    with pytest.raises(
        EmulatorError, match="--api must be an http:// or https:// URL, not 'ftp://"
    ):
        run(source, EmulatorOptions(api=api.url.replace("http://", "ftp://"), count=1))


def test_a_source_without_tables_is_refused_before_sending(
    settings: Settings, tmp_path: Path
) -> None:
    empty = settings.model_copy(update={"source_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    api = f"http://127.0.0.1:{free_tcp_port()}"  # never asked
    with pytest.raises(SourceNotReady, match="has no table pinterest_data, geolocation_data"):
        run(empty, EmulatorOptions(api=api, count=1))


def test_rate_limits_posts_per_second(
    settings: Settings, generated_source_url: str, serve_api: Callable[..., ServedApi]
) -> None:
    source = settings.model_copy(update={"source_url": generated_source_url})
    api = serve_api(source)
    assert httpx.get(f"{api.url}/readyz").status_code == 200
    summary = run(source, EmulatorOptions(api=api.url, count=10, rate=10.0, batch_size=3))
    assert summary.accepted == 30
    assert 0.85 <= summary.elapsed_s < 5
