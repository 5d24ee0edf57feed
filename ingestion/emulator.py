"""``pinlake emulate``: replay posts from the source database through the ingestion API.

Like the original user-posting emulator, it picks random post indexes, reads the pin,
geo and user records of each post from the source database (SQLAlchemy) and sends them
over HTTP, with datetimes as ISO strings (``2020-08-28T03:52:47``). It speaks either
wire format (``kafka-rest`` or ``kinesis``), so it exercises exactly what the original
clients did. The choice of posts is seeded, so a run can be repeated.

Counting is exact: every record is counted once, as accepted, rejected (the API
refused it) or error (no answer after all retries), however many attempts its request
took. Transient failures (no connection, timeouts, 502/503/504, 429) are retried with
exponential backoff and jitter. A retried request may have reached Kafka before its
answer was lost, so delivery is at least once; downstream deduplication on the post
key absorbs that, as with the original clients.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, select
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from ingestion.source_db import TABLES, key_column, make_engine, require_tables, shown_url
from orchestration.settings import RECORD_KINDS, Settings

Protocol = Literal["kafka-rest", "kinesis"]
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_MAX_LINGER_S = 1.0
"""A partly filled batch is sent after this long, so slow rates do not hold records back."""


class EmulatorError(RuntimeError):
    """The run cannot go on (no posts to send, token refused); the message says why."""


class TransientFailure(Exception):
    """An answer worth retrying: the API or Kafka behind it is briefly unavailable."""

    def __init__(self, message: str, *, answered: bool) -> None:
        super().__init__(message)
        self.answered = answered
        """False: no HTTP answer at all (nothing listens, or no answer in time)."""


class GaveUp(Exception):
    """A request failed every attempt, or was refused as too large: the run stops, since
    the next would fail alike."""


@dataclass(frozen=True)
class EmulatorOptions:
    api: str = "http://127.0.0.1:8082"
    protocol: Protocol = "kafka-rest"
    count: int | None = 100
    """Posts to send; None sends until interrupted."""
    rate: float | None = None
    """Posts per second; None sends as fast as the API answers."""
    batch_size: int = 1
    """Records per request (per kind); 1 sends each record on its own like the original."""
    seed: int = 42
    user_id: str | None = None
    """Send to the original names (``<user-id>.pin``, ``streaming-<user-id>-pin``)."""
    max_attempts: int = 6
    request_timeout_s: float = 30.0


@dataclass
class EmulatorSummary:
    posts: int = 0
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    requests: int = 0
    retries: int = 0
    elapsed_s: float = 0.0
    rejections: list[str] = field(default_factory=list)
    stopped: str | None = None
    """Why the run stopped before its count: a request failed every attempt."""

    @property
    def records_per_s(self) -> float:
        return self.accepted / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def table(self) -> Table:
        table = Table(title="emulator summary", show_header=False)
        for name, value in (
            ("posts", f"{self.posts:,}"),
            ("records sent", f"{self.sent:,}"),
            ("accepted", f"{self.accepted:,}"),
            ("rejected", f"{self.rejected:,}"),
            ("errors (no answer)", f"{self.errors:,}"),
            ("requests", f"{self.requests:,} ({self.retries:,} retries)"),
            ("elapsed", f"{self.elapsed_s:.1f}s"),
            ("throughput", f"{self.records_per_s:,.0f} records/s"),
        ):
            table.add_row(name, value)
        return table


# --- reading the source ---------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class PostSource:
    """The posts of the source database, by index."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        require_tables(engine)
        with engine.connect() as conn:
            self.indexes: list[int] = list(conn.execute(select(key_column("pin"))).scalars())

    def read(self, ind: int) -> dict[str, dict[str, Any]]:
        """The pin, geo and user record of post ``ind`` (a kind missing in the DB is left out)."""
        post: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for kind in RECORD_KINDS:
                row = conn.execute(select(TABLES[kind]).where(key_column(kind) == ind)).first()
                if row is not None:
                    post[kind] = {name: _jsonable(value) for name, value in row._mapping.items()}
        return post


def random_indexes(indexes: list[int], seed: int, count: int | None) -> Iterator[int]:
    rng = random.Random(seed)
    sent = 0
    while count is None or sent < count:
        yield rng.choice(indexes)
        sent += 1


# --- sending ----------------------------------------------------------------------------


def _name(settings: Settings, options: EmulatorOptions, kind: str) -> str:
    if options.user_id is None:
        return settings.topic(kind)
    if options.protocol == "kinesis":
        return f"streaming-{options.user_id}-{kind}"
    return f"{options.user_id}.{kind}"


def _post_key(record: dict[str, Any]) -> Any:
    return record.get("ind", record.get("index"))


def api_base(api: str) -> str:
    """The API's base URL from ``--api``; a bare ``host:port`` means plain HTTP, as in curl."""
    base = api if "://" in api else f"http://{api}"
    if not base.startswith(("http://", "https://")):
        raise EmulatorError(f"--api must be an http:// or https:// URL, not {api!r}")
    return base.rstrip("/")


class Sender:
    """Sends batches of one kind and turns each answer into per-record counts."""

    def __init__(
        self, settings: Settings, options: EmulatorOptions, summary: EmulatorSummary
    ) -> None:
        self.settings = settings
        self.options = options
        self.summary = summary
        headers = {}
        if settings.api_token is not None:
            headers["Authorization"] = f"Bearer {settings.api_token.get_secret_value()}"
        self.client = httpx.Client(
            base_url=api_base(options.api),
            headers=headers,
            timeout=options.request_timeout_s,
        )

    def close(self) -> None:
        self.client.close()

    def _request(self, kind: str, records: list[dict[str, Any]]) -> httpx.Request:
        name = _name(self.settings, self.options, kind)
        if self.options.protocol == "kafka-rest":
            return self.client.build_request(
                "POST",
                f"/topics/{name}",
                json={"records": [{"value": record} for record in records]},
                headers={"Content-Type": "application/vnd.kafka.json.v2+json"},
            )
        if len(records) == 1:
            body: dict[str, Any] = {
                "StreamName": name,
                "Data": records[0],
                "PartitionKey": f"{kind}-{_post_key(records[0])}",
            }
            return self.client.build_request("PUT", f"/streams/{name}/record", json=body)
        body = {
            "StreamName": name,
            "records": [
                {"data": record, "partition-key": f"{kind}-{_post_key(record)}"}
                for record in records
            ],
        }
        return self.client.build_request("PUT", f"/streams/{name}/records", json=body)

    def _count_retry(self, _: RetryCallState) -> None:
        self.summary.retries += 1

    def _send_once(self, request: httpx.Request) -> httpx.Response:
        self.summary.requests += 1
        try:
            response = self.client.send(request)
        except httpx.TransportError as error:
            raise TransientFailure(f"{type(error).__name__}: {error}", answered=False) from error
        if response.status_code in _TRANSIENT_STATUS:
            raise TransientFailure(
                f"HTTP {response.status_code}: {response.text[:200]}", answered=True
            )
        return response

    def send(self, kind: str, records: list[dict[str, Any]]) -> None:
        """Send one batch; afterwards each of its records is counted exactly once."""
        self.summary.sent += len(records)
        request = self._request(kind, records)
        retrying = Retrying(
            retry=retry_if_exception_type(TransientFailure),
            wait=wait_exponential_jitter(multiplier=0.2, max=5.0, jitter=0.2),
            stop=stop_after_attempt(self.options.max_attempts),
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            response = retrying(self._send_once, request)
        except KeyboardInterrupt:
            # A second Ctrl-C: whether the request reached Kafka is unknown, so its
            # records are counted once, as no answer.
            self.summary.errors += len(records)
            raise
        except TransientFailure as error:
            self.summary.errors += len(records)
            attempts = self.options.max_attempts
            if error.answered:
                raise GaveUp(f"{kind}: {attempts} attempts failed, the last with {error}") from None
            raise GaveUp(
                f"{kind}: no answer from the ingestion API at {self.options.api} in "
                f"{attempts} attempts ({error}): start it with `pinlake api`, or give its "
                "address with --api"
            ) from None
        if response.status_code == 401:
            self.summary.errors += len(records)
            raise EmulatorError(
                "the API refused the token (401): set PINLAKE_API_TOKEN to the server's token"
            )
        if response.status_code == 404:
            # The emulator's names always map to a topic: the base URL is wrong.
            self.summary.errors += len(records)
            raise EmulatorError(
                f"{self.options.api} answered 404 to {request.method} {request.url.path} "
                f"({response.text[:300]}): --api is the ingestion API's base URL, "
                "e.g. http://127.0.0.1:8082"
            )
        if response.status_code == 413:
            # The API dead-lettered the records; every request this size would go the same way.
            self.summary.rejected += len(records)
            raise GaveUp(f"{kind}: HTTP 413: {response.text[:300]}; lower --batch-size")
        self._count(kind, response, len(records))

    def _count(self, kind: str, response: httpx.Response, size: int) -> None:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        errors = self._per_record_errors(answer, size) if isinstance(answer, dict) else None
        if errors is None:
            # No per-record detail: the whole request succeeded or failed.
            if response.is_success:
                self.summary.accepted += size
            else:
                self.summary.rejected += size
                self._note(f"{kind}: HTTP {response.status_code}: {response.text[:200]}")
            return
        failed = [error for error in errors if error]
        self.summary.accepted += size - len(failed)
        self.summary.rejected += len(failed)
        for error in failed:
            self._note(f"{kind}: {error}")

    def _per_record_errors(self, answer: dict[str, Any], size: int) -> list[str | None] | None:
        """One entry per record (None = accepted) from either protocol's answer."""
        entries = answer.get("offsets", answer.get("Records"))
        if not isinstance(entries, list) or len(entries) != size:
            return None
        return [entry.get("error", entry.get("ErrorMessage")) for entry in entries]

    def _note(self, message: str) -> None:
        if len(self.summary.rejections) < 20:
            self.summary.rejections.append(message)


_SECOND_CTRL_C = "interrupted by a second Ctrl-C; the records still buffered were not sent"


@contextmanager
def _first_ctrl_c_sets(stop: threading.Event) -> Iterator[None]:
    """Within the block, the first Ctrl-C (SIGINT) sets ``stop`` instead of interrupting,
    so no request is cut off unanswered; a second one raises KeyboardInterrupt as usual.
    Only the main thread receives signals: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(
    settings: Settings,
    options: EmulatorOptions,
    *,
    console: Console | None = None,
    engine: Engine | None = None,
    on_post: Callable[[EmulatorSummary], None] | None = None,
) -> EmulatorSummary:
    """Send ``options.count`` posts (or until Ctrl-C) and return the counts.

    A progress bar is drawn on ``console`` when one is given. Records are grouped per
    kind into requests of ``options.batch_size``; the last partial batches are sent
    before returning. Ctrl-C ends the run after the request in flight, then sends what
    is buffered; a second Ctrl-C stops at once. Failed requests are retried with
    backoff; one that fails every attempt stops the run, and ``summary.stopped`` says why.
    """
    if options.batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    source = PostSource(engine or make_engine(settings.resolved_source_url))
    if not source.indexes:
        raise EmulatorError(
            f"the source database {shown_url(source.engine)} has no posts; "
            "run `pinlake generate` first"
        )
    summary = EmulatorSummary()
    sender = Sender(settings, options, summary)
    buffers: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECORD_KINDS}
    buffered_since: dict[str, float] = {}

    def flush(kind: str) -> None:
        if buffers[kind]:
            batch, buffers[kind] = buffers[kind], []
            buffered_since.pop(kind, None)
            sender.send(kind, batch)

    started = time.monotonic()
    finished = False
    progress = Progress(
        TextColumn("[bold]emulating[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("accepted {task.fields[accepted]:,}"),
        TextColumn("rejected {task.fields[rejected]:,}"),
        TextColumn("errors {task.fields[errors]:,}"),
        TimeElapsedColumn(),
        console=console,
        disable=console is None,
    )
    stop = threading.Event()
    with progress, _first_ctrl_c_sets(stop):
        task = progress.add_task("posts", total=options.count, accepted=0, rejected=0, errors=0)

        def show() -> None:
            progress.update(
                task,
                completed=summary.posts,
                accepted=summary.accepted,
                rejected=summary.rejected,
                errors=summary.errors,
            )

        try:
            for n, ind in enumerate(random_indexes(source.indexes, options.seed, options.count)):
                if options.rate:
                    delay = started + n / options.rate - time.monotonic()
                    if delay > 0:
                        stop.wait(delay)
                if stop.is_set():
                    break
                for kind, record in source.read(ind).items():
                    buffers[kind].append(record)
                    buffered_since.setdefault(kind, time.monotonic())
                    if len(buffers[kind]) >= options.batch_size:
                        flush(kind)
                now = time.monotonic()
                for kind, since in list(buffered_since.items()):
                    if now - since >= _MAX_LINGER_S:
                        flush(kind)
                summary.posts += 1
                show()
                if on_post is not None:
                    on_post(summary)
            finished = True
        except KeyboardInterrupt:
            summary.stopped = _SECOND_CTRL_C
        except GaveUp as error:
            # The records still buffered are neither sent nor counted: the next request
            # would only wait out its attempts the same way.
            summary.stopped = str(error)
        finally:
            try:
                if finished:
                    for kind in RECORD_KINDS:
                        flush(kind)
            except GaveUp as error:
                summary.stopped = str(error)
            except KeyboardInterrupt:
                summary.stopped = _SECOND_CTRL_C
            finally:
                sender.close()
                summary.elapsed_s = time.monotonic() - started
                show()  # the last batches' answers too, as the summary counts them
    return summary
