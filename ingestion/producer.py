"""The Kafka producer behind the ingestion API: nothing counts as accepted until Kafka says so.

A thin layer over confluent-kafka's ``Producer`` with ``enable.idempotence=true`` and
``acks=all``: librdkafka retries transient failures itself without duplicating or
reordering, and a record is acknowledged only when every in-sync replica has it.

One producer is shared by all concurrent requests, so librdkafka can batch their
records together. Delivery callbacks are served on the event loop's own thread by one
poller task per loop (every millisecond while a batch waits, every 50 ms otherwise):
a separate poll thread would take and hand back the GIL for every record's callback,
and that ping-pong with the loop cost more CPU than the callbacks themselves. Each call
to :meth:`IngestProducer.produce_batch` (or its async twin) waits only for *its own*
records, never for other requests' (which ``flush()`` would do), and never longer
than ``settings.api_produce_timeout_s``: librdkafka's ``message.timeout.ms`` is set to
the same bound, so a broker that cannot be reached turns into
:class:`BrokerUnavailable` (the API's 503), never into a hang or a false success.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import NamedTuple, cast

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from ingestion.kafka_stack import REFUSALS, refused_message
from orchestration.settings import Settings

log = logging.getLogger(__name__)


class _OncePerMinute(logging.Filter):
    """librdkafka repeats "connection refused" every second while a broker is down; once a
    minute is enough to explain a 503, and the log stays readable."""

    def __init__(self, every_s: float = 60.0) -> None:
        super().__init__()
        self._every_s = every_s
        self._last: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = record.getMessage()[:60]
        now = time.monotonic()
        if now - self._last.get(key, -self._every_s) < self._every_s:
            return False
        self._last[key] = now
        return True


librdkafka_log = logging.getLogger(f"{__name__}.librdkafka")
librdkafka_log.addFilter(_OncePerMinute())

_UNAVAILABLE_CODES = frozenset(
    {
        KafkaError._MSG_TIMED_OUT,
        KafkaError._TIMED_OUT,
        KafkaError._TRANSPORT,
        KafkaError._ALL_BROKERS_DOWN,
        KafkaError._UNKNOWN_TOPIC,
        KafkaError.UNKNOWN_TOPIC_OR_PART,
        KafkaError.NOT_ENOUGH_REPLICAS,
        KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        KafkaError.LEADER_NOT_AVAILABLE,
        KafkaError.NOT_LEADER_FOR_PARTITION,
        KafkaError.REQUEST_TIMED_OUT,
        KafkaError._FATAL,
    }
)
"""Delivery errors that mean "Kafka cannot take records now": try again later (503).

A missing topic is among them: topics are created by ``pinlake stack up``, so a
missing one is an operational fault, not the client's.
"""

_GRACE_S = 2.0
"""How much longer than librdkafka's own message timeout we wait for its callbacks."""

_BUSY_POLL_S = 0.001
"""While batches wait, deliveries are looked for this often (adds at most this latency)."""

_IDLE_POLL_S = 0.05
"""Otherwise librdkafka's errors and logs are still served this often."""


class BrokerUnavailable(RuntimeError):
    """Kafka did not acknowledge the records in time; the client should retry later."""


class OutgoingRecord(NamedTuple):
    """One record to write: where, under which key, the exact bytes, and optional headers."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


class Delivery(NamedTuple):
    """What Kafka answered for one record: its place, or why it was refused.

    A named tuple, not a dataclass: one is built per record in the delivery callback,
    where every microsecond is spent while holding the GIL.
    """

    partition: int | None
    offset: int | None
    error: KafkaError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def record_key(kind: str, post_key: int) -> bytes:
    """``pin:123``: the three records of a post stay ordered within their partitions."""
    return f"{kind}:{post_key}".encode()


class _PendingBatch:
    """Collects the delivery reports of one batch and calls ``on_done`` once all are in.

    ``on_done`` runs on the poll thread; the waiters pass one that hands the result to
    their own thread or event loop.
    """

    __slots__ = ("_lock", "_on_done", "_remaining", "deliveries")

    def __init__(self, size: int, on_done: Callable[[list[Delivery]], object]) -> None:
        self.deliveries: list[Delivery] = [_UNDELIVERED] * size
        self._on_done = on_done
        self._remaining = size
        self._lock = threading.Lock()
        if size == 0:
            on_done([])

    def deliver(self, position: int, error: KafkaError | None, message: Message | None) -> None:
        """The delivery report of the record at ``position`` (``message`` is set on success)."""
        if error is None:
            assert message is not None
            self.deliveries[position] = Delivery(message.partition(), message.offset())
        else:
            self.deliveries[position] = Delivery(None, None, error)
        with self._lock:
            self._remaining -= 1
            done = self._remaining == 0
        if done:
            self._on_done(self.deliveries)


_UNDELIVERED = Delivery(None, None)


def _run_end(records: Sequence[OutgoingRecord], positions: Sequence[int], at: int) -> int:
    """Where the run of records starting at ``positions[at]`` ends: same topic, no headers,
    a key not seen before in the run."""
    first = records[positions[at]]
    if first.headers:
        return at + 1
    keys = {first.key}
    end = at + 1
    while end < len(positions):
        record = records[positions[end]]
        if record.topic != first.topic or record.headers or record.key in keys:
            break
        keys.add(record.key)
        end += 1
    return end


class _LoopPoller:
    """The poller task of one event loop and how many of its batches wait for Kafka."""

    __slots__ = ("task", "waiting", "wake")

    def __init__(self) -> None:
        self.waiting = 0
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None


def _resolve(future: asyncio.Future[list[Delivery]], deliveries: list[Delivery]) -> None:
    # A waiter that gave up has cancelled the future; its answer is already 503.
    if not future.done():
        future.set_result(deliveries)


class IngestProducer:
    """Idempotent, ``acks=all`` producer shared by the API's requests.

    ``extra_config`` overrides librdkafka settings (e.g. ``linger.ms`` in benchmarks);
    idempotence and ``acks=all`` cannot be switched off through it.
    """

    def __init__(self, settings: Settings, extra_config: dict[str, object] | None = None) -> None:
        self.timeout_s = settings.api_produce_timeout_s
        self._settings = settings
        self._refusal: str | None = None
        """The last refusal of our credentials or TLS, until Kafka answers again."""
        self._config: dict[str, object] = {
            **settings.kafka_client_config(),
            "client.id": "pinlake-api",
            "linger.ms": 5,
            "message.timeout.ms": max(1, int(self.timeout_s * 1000)),
            "logger": librdkafka_log,
            **(extra_config or {}),
            "enable.idempotence": True,
            "acks": "all",
        }
        self._lock = threading.Lock()
        self._fatal: KafkaError | None = None
        self._producer = self._new_producer()
        self._closed = threading.Event()
        self._pollers: dict[asyncio.AbstractEventLoop, _LoopPoller] = {}

    # --- lifecycle ----------------------------------------------------------------

    def _new_producer(self) -> Producer:
        return Producer({**self._config, "error_cb": self._on_error})

    def _on_error(self, error: KafkaError) -> None:
        if error.code() in REFUSALS:
            self._refusal = error.str()
        if error.fatal():
            log.error("Kafka producer hit a fatal error, it will be rebuilt: %s", error)
            self._fatal = error

    def _current(self) -> Producer:
        """The live producer; a fatally failed idempotent producer is replaced by a new one."""
        with self._lock:
            if self._fatal is not None:
                old, self._producer = self._producer, self._new_producer()
                self._fatal = None
                with contextlib.suppress(Exception):
                    old.flush(0)
            return self._producer

    def _poller(self, loop: asyncio.AbstractEventLoop) -> _LoopPoller:
        poller = self._pollers.get(loop)
        if poller is None:
            poller = self._pollers[loop] = _LoopPoller()
            poller.task = loop.create_task(self._poll_on_loop(poller), name="kafka-poll")
            # A loop that ends (or a closed producer) takes its poller with it.
            poller.task.add_done_callback(lambda _: self._pollers.pop(loop, None))
        return poller

    async def _poll_on_loop(self, poller: _LoopPoller) -> None:
        while not self._closed.is_set():
            self._producer.poll(0)
            if poller.waiting:
                await asyncio.sleep(_BUSY_POLL_S)
            else:
                poller.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poller.wake.wait(), _IDLE_POLL_S)

    def close(self, timeout_s: float | None = None) -> int:
        """Stop the pollers, deliver what is in flight (bounded); returns records left."""
        self._closed.set()
        return self._producer.flush(self.timeout_s if timeout_s is None else timeout_s)

    # --- producing ----------------------------------------------------------------

    def _produce(
        self,
        producer: Producer,
        records: Sequence[OutgoingRecord],
        pending: _PendingBatch,
        positions: Sequence[int],
    ) -> list[int]:
        """Hand ``records`` at ``positions`` to librdkafka; returns the positions its full
        queue refused, to be handed again once it drains.

        Runs of records for one topic, with distinct keys and no headers, go in one
        ``produce_batch`` call with one delivery callback that finds each record's
        position by its key: a third of the cost of one ``produce`` call per record.
        The others (dead letters, which share a key; records with headers) go one by one.
        """
        at = 0
        while at < len(positions):
            end = _run_end(records, positions, at)
            refused: list[int] = []
            try:
                if end - at > 1:
                    refused = self._produce_run(producer, records, pending, positions[at:end])
                else:
                    self._produce_one(producer, records, pending, positions[at])
            except BufferError:
                # The local queue is full: the broker is slow or gone. The caller waits, bounded.
                return list(positions[at:])
            except KafkaException as error:
                raise BrokerUnavailable(f"Kafka refused the record: {error}") from error
            if refused:
                return [*refused, *positions[end:]]
            at = end
        return []

    @staticmethod
    def _produce_one(
        producer: Producer, records: Sequence[OutgoingRecord], pending: _PendingBatch, position: int
    ) -> None:
        record = records[position]
        try:
            producer.produce(
                record.topic,
                record.value,
                record.key,
                on_delivery=partial(pending.deliver, position),
                headers=list(record.headers) if record.headers else None,
            )
        except KafkaException as error:
            # Refused before it was queued (too large, say): this record's answer, as a
            # refusal within produce_batch is.
            pending.deliver(position, error.args[0], None)

    @staticmethod
    def _produce_run(
        producer: Producer,
        records: Sequence[OutgoingRecord],
        pending: _PendingBatch,
        positions: Sequence[int],
    ) -> list[int]:
        """One ``produce_batch`` call; returns the positions refused because the queue was full.

        Other refusals (a record too large, say) are delivered at once as errors.
        """
        by_key = {records[position].key: position for position in positions}
        deliver = pending.deliver

        def delivered(error: KafkaError | None, message: Message) -> None:
            deliver(by_key[message.key()], error, message)

        messages = [{"key": records[p].key, "value": records[p].value} for p in positions]
        topic = records[positions[0]].topic
        queued = producer.produce_batch(topic, messages, on_delivery=delivered)
        if queued == len(messages):
            return []
        refused = []
        for position, message in zip(positions, messages, strict=True):
            # produce_batch sets "_error" to a KafkaError (the stubs say bytes)
            error = cast("KafkaError | None", message.get("_error"))
            if error is None:
                continue
            if error.code() == KafkaError._QUEUE_FULL:
                refused.append(position)
            else:
                deliver(position, error, None)
        return refused

    def _queue_full(self, deadline: float) -> None:
        if time.monotonic() > deadline:
            raise BrokerUnavailable(
                "the Kafka producer queue stayed full; the broker is not keeping up"
            )

    def _check(self, deliveries: list[Delivery]) -> list[Delivery]:
        for delivery in deliveries:
            if delivery.error is not None and delivery.error.code() in _UNAVAILABLE_CODES:
                unacknowledged = f"Kafka did not acknowledge the records: {delivery.error.str()}"
                raise BrokerUnavailable(self._reason(unacknowledged))
        self._refusal = None  # the broker answered
        return deliveries

    def produce_batch(self, records: Sequence[OutgoingRecord]) -> list[Delivery]:
        """Write ``records`` and return one :class:`Delivery` each, in order, once acknowledged.

        Raises :class:`BrokerUnavailable` if Kafka cannot be reached within the timeout.
        Other per-record refusals (e.g. a record larger than the broker allows) come back
        as a :class:`Delivery` with ``error`` set, so the caller can report them per record.
        """
        future: Future[list[Delivery]] = Future()

        def done(deliveries: list[Delivery]) -> None:
            with contextlib.suppress(InvalidStateError):
                future.set_result(deliveries)

        pending = _PendingBatch(len(records), done)
        producer = self._current()
        deadline = time.monotonic() + self.timeout_s
        left = self._produce(producer, records, pending, range(len(records)))
        while left:
            self._queue_full(deadline)
            producer.poll(0.01)
            left = self._produce(producer, records, pending, left)
        # Outside an event loop nobody else polls: serve the callbacks here.
        wait_until = time.monotonic() + self.timeout_s + _GRACE_S
        while not future.done() and time.monotonic() < wait_until:
            producer.poll(0.01)
        try:
            return self._check(future.result(timeout=0))
        except FutureTimeout:
            future.cancel()
            raise BrokerUnavailable(
                f"Kafka did not acknowledge the records within {self.timeout_s:.1f}s"
            ) from None

    async def produce_batch_async(self, records: Sequence[OutgoingRecord]) -> list[Delivery]:
        """:meth:`produce_batch` for the event loop: awaits acknowledgements without a thread.

        The loop's poller serves the callbacks, so the batch's future is resolved on
        the loop's own thread; a callback served elsewhere (a flush during shutdown)
        hands the result over with ``call_soon_threadsafe``.
        """
        loop = asyncio.get_running_loop()
        loop_thread = threading.get_ident()
        future: asyncio.Future[list[Delivery]] = loop.create_future()

        def done(deliveries: list[Delivery]) -> None:
            if threading.get_ident() == loop_thread:
                _resolve(future, deliveries)
                return
            # A loop that has closed meanwhile has nobody left to tell; the thread that
            # served the callback must not die of it.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, future, deliveries)

        poller = self._poller(loop)
        pending = _PendingBatch(len(records), done)
        producer = self._current()
        deadline = time.monotonic() + self.timeout_s
        poller.waiting += 1
        poller.wake.set()
        try:
            left = self._produce(producer, records, pending, range(len(records)))
            while left:
                self._queue_full(deadline)
                await asyncio.sleep(0.01)
                left = self._produce(producer, records, pending, left)
            deliveries = await asyncio.wait_for(future, timeout=self.timeout_s + _GRACE_S)
        except TimeoutError:
            raise BrokerUnavailable(
                f"Kafka did not acknowledge the records within {self.timeout_s:.1f}s"
            ) from None
        finally:
            poller.waiting -= 1
        return self._check(deliveries)

    def ping(self, timeout_s: float) -> list[str]:
        """The cluster's topic names; :class:`BrokerUnavailable` if it does not answer in time."""
        producer = self._current()
        try:
            metadata = producer.list_topics(timeout=timeout_s)
        except KafkaException as error:
            producer.poll(0)  # serves the error callbacks: a refusal says why
            no_answer = f"Kafka did not answer within {timeout_s:.1f}s"
            raise BrokerUnavailable(self._reason(no_answer)) from error
        if not metadata.brokers:
            raise BrokerUnavailable("Kafka answered without any broker")
        self._refusal = None
        return sorted(metadata.topics)

    def _reason(self, failure: str) -> str:
        """What failed, or why: Kafka refuses the producer's credentials or TLS."""
        if self._refusal is None:
            return failure
        return refused_message(self._settings, self._refusal)
