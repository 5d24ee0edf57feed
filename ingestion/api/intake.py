"""The path every request takes, whichever protocol it speaks: read, check, produce, account.

Both front ends (:mod:`ingestion.api.kafka_rest`, :mod:`ingestion.api.kinesis`) only
unwrap their envelope; everything else is here so the two cannot drift apart:

* the body is read with a hard byte limit, checked for its media type and parsed as
  JSON (``NaN`` and ``Infinity`` are not JSON and are refused);
* each record is validated for its kind (:mod:`ingestion.records`) and sized;
* valid records go to the kind's topic, keyed ``<kind>:<post key>``, with the bytes the
  client sent; refused ones go to the dead-letter topic; both in one producer batch,
  and the answer waits until Kafka acknowledged every one of them.

**Mixed batches.** When some records of a request are valid and some are not, the
valid ones are written and the request succeeds (200) with a per-record error for each
refused one, exactly as the REST Proxy (``error_code``/``error`` in ``offsets``) and
Kinesis (``FailedRecordCount`` and ``ErrorCode``/``ErrorMessage`` in ``Records``) report
partial failure. Answering 4xx instead would invite the client to resend the whole
batch and duplicate the valid records. Only when *every* record is refused does the
request fail with a 4xx naming each record index and its problem.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, NoReturn

import msgspec
import orjson
from fastapi import Request

from ingestion.api import deadletters
from ingestion.api.deadletters import RequestContext
from ingestion.api.errors import (
    BAD_ENVELOPE,
    BODY_TOO_LARGE,
    EMPTY_BODY,
    INVALID_RECORD,
    KAFKA_REFUSED,
    MALFORMED_JSON,
    RECORD_TOO_LARGE,
    TOO_MANY_RECORDS,
    UNKNOWN_TOPIC,
    UNSUPPORTED_MEDIA,
    ApiError,
    Problem,
    Protocol,
)
from ingestion.api.metrics import ApiMetrics
from ingestion.producer import BrokerUnavailable, IngestProducer, OutgoingRecord, record_key
from ingestion.records import InvalidRecord, fast_post_key_json, validate_record
from ingestion.topics import kind_for_name, unknown_name_message
from orchestration.settings import Settings

DEADLETTER_KIND = "deadletter"
_MAX_LISTED_ERRORS = 10


class SentAsBytes(msgspec.Struct, gc=False):
    """An element of a request's records with its JSON values still in the client's bytes:
    decoding the envelope this way builds no object per field. The front ends' fast paths
    decode into subclasses of it.

    It holds only bytes and strings, so it can never be part of a reference cycle:
    ``gc=False`` keeps the garbage collector from tracking (and counting) one per record."""

    def as_sent(self) -> dict[str, Any]:
        """The element as a decoded value, for its dead letter."""
        raise NotImplementedError


class SentRecord(SentAsBytes, gc=False):
    """A Kafka REST record (an element of ``records``)."""

    value: msgspec.Raw
    key: msgspec.Raw | None = None

    def as_sent(self) -> dict[str, Any]:
        sent = {"value": parse_json(bytes(self.value))}
        if self.key is not None:
            sent["key"] = parse_json(bytes(self.key))
        return sent


class Candidate(NamedTuple):
    """One record of a request after checking: bytes to write, or why it is refused.

    ``original`` is the record's element of the request as sent, for its dead letter.
    Candidates and outcomes are named tuples: one of each is built per record, and a
    frozen dataclass costs several times as much to build.
    """

    position: int
    original: Any
    value: bytes | None = None
    post_key: int | None = None
    headers: tuple[tuple[str, bytes], ...] = ()
    problem: Problem | None = None
    message: str | None = None


class Outcome(NamedTuple):
    """What the client is told about one record."""

    position: int
    partition: int | None = None
    offset: int | None = None
    problem: Problem | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def encode_json(value: Any) -> bytes:
    """Compact JSON of a decoded value: same keys in the same order, same values as sent.

    orjson writes what ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
    writes, ten times faster, except for what it cannot hold (integers beyond 64 bits,
    lone surrogates), which the standard library then encodes.
    """
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} is too large for a JSON number (it overflows a double)")
    return number


_DIGITS_AS_NINES = bytes(57 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_INTEGER = b"9" * 19
"""orjson reads integers beyond 64 bits as floats, losing digits, so a body with a run of
19 digits (the first length that can overflow) takes the standard library's exact path.
``bytes.translate`` finds such runs at memory speed where a regular expression crawls."""


def parse_json(data: bytes) -> Any:
    """Strict JSON: ``NaN``, ``Infinity`` and numbers that overflow a double are refused.

    orjson reads valid documents; anything it refuses (or a body with very long integers)
    is read again by the standard library, which decides and explains the error.
    """
    if _LONG_INTEGER not in data.translate(_DIGITS_AS_NINES):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data, parse_constant=_no_constants, parse_float=_finite)


def summarize(outcomes: Iterable[Outcome]) -> str:
    """``record 0: ...; record 2: ...`` for the first few refused records."""
    failed = [outcome.message or "" for outcome in outcomes if not outcome.ok]
    listed = "; ".join(failed[:_MAX_LISTED_ERRORS])
    more = (
        f"; and {len(failed) - _MAX_LISTED_ERRORS} more" if len(failed) > _MAX_LISTED_ERRORS else ""
    )
    return f"{len(failed)} record(s) refused: {listed}{more}"


class Intake:
    """Holds what requests share: settings, the producer and the metrics."""

    def __init__(self, settings: Settings, producer: IngestProducer, metrics: ApiMetrics) -> None:
        self.settings = settings
        self.producer = producer
        self.metrics = metrics
        self.deadletter_topic = settings.topic(DEADLETTER_KIND)

    def context(self, request: Request, protocol: Protocol, name: str) -> RequestContext:
        return RequestContext(
            protocol=protocol,
            endpoint=request.url.path,
            name=name,
            kind=kind_for_name(name),
            received_at=datetime.now(UTC),
        )

    # --- refusing -------------------------------------------------------------------

    async def _write_deadletters(self, letters: Sequence[OutgoingRecord]) -> None:
        """Dead letters are acknowledged like records: no 4xx before Kafka has them."""
        if not letters:
            return
        deliveries = await self.producer.produce_batch_async(letters)
        refused = [delivery.error for delivery in deliveries if delivery.error is not None]
        if refused:
            raise BrokerUnavailable(f"Kafka did not store the dead letters: {refused[0]}")
        self.metrics.deadletters.inc(len(letters))

    async def reject_body(
        self, ctx: RequestContext, problem: Problem, message: str, body: bytes, body_bytes: int
    ) -> NoReturn:
        """Refuse the whole request, keeping its body as one dead letter."""
        letter = deadletters.for_body(
            ctx, problem, message, body, topic=self.deadletter_topic, body_bytes=body_bytes
        )
        await self._write_deadletters([letter])
        self.metrics.records_rejected.labels(ctx.kind or "unknown", problem.reason).inc()
        raise ApiError(problem, message)

    async def reject_records(
        self, ctx: RequestContext, problem: Problem, message: str, records: Sequence[Any]
    ) -> NoReturn:
        """Refuse a readable request as a whole, keeping each of its records as a dead letter."""
        letters = [
            deadletters.for_record(ctx, problem, message, i, r, topic=self.deadletter_topic)
            for i, r in enumerate(records)
        ]
        await self._write_deadletters(letters)
        self.metrics.records_rejected.labels(ctx.kind or "unknown", problem.reason).inc(
            len(records)
        )
        raise ApiError(problem, message)

    # --- reading ----------------------------------------------------------------------

    async def read_body(
        self, request: Request, ctx: RequestContext, media_types: frozenset[str | None]
    ) -> bytes:
        """The body, after the checks that need no JSON.

        Size, emptiness, media type, encoding and topic name come first; each failure is
        answered (and dead-lettered) here.
        """
        limit = self.settings.api_max_body_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                declared = request.headers.get("content-length", "")
                total = int(declared) if declared.isdigit() else size
                await self.reject_body(
                    ctx,
                    BODY_TOO_LARGE,
                    f"the body is larger than {limit} bytes (PINLAKE_API_MAX_BODY_BYTES); "
                    "send fewer records per request",
                    b"".join(chunks),
                    body_bytes=max(total, size),
                )
        body = b"".join(chunks)
        if not body.strip():
            await self.reject_body(ctx, EMPTY_BODY, "the body is empty", body, body_bytes=size)
        content_type = request.headers.get("content-type")
        media = content_type.split(";")[0].strip().lower() if content_type else None
        if media not in media_types:
            accepted = ", ".join(sorted(m for m in media_types if m))
            await self.reject_body(
                ctx,
                UNSUPPORTED_MEDIA,
                f"Content-Type '{content_type}' is not supported; use one of: {accepted}",
                body,
                body_bytes=size,
            )
        encoding = request.headers.get("content-encoding", "").strip().lower()
        if encoding not in {"", "identity"}:
            await self.reject_body(
                ctx,
                UNSUPPORTED_MEDIA,
                f"Content-Encoding '{encoding}' is not supported; send the body uncompressed",
                body,
                body_bytes=size,
            )
        if ctx.kind is None:
            await self.reject_body(
                ctx, UNKNOWN_TOPIC, unknown_name_message(ctx.name), body, body_bytes=size
            )
        return body

    async def parse(self, ctx: RequestContext, body: bytes) -> Any:
        """The body's JSON; a body that is not JSON is answered (and dead-lettered) here."""
        try:
            return parse_json(body)
        except (ValueError, UnicodeDecodeError) as error:
            await self.reject_body(
                ctx,
                MALFORMED_JSON,
                f"the body is not valid JSON: {error}",
                body,
                body_bytes=len(body),
            )

    async def records_of(
        self, ctx: RequestContext, records: Any, body: bytes, expected: str
    ) -> list[Any]:
        """``records``, the array a parsed body carries, if it is a non-empty array within
        the limit; otherwise the request is refused here. ``expected`` says what the body
        should have been: the whole body is dead-lettered when the array is missing or
        empty, each record when there are too many."""
        if not isinstance(records, list) or not records:
            await self.reject_body(ctx, BAD_ENVELOPE, expected, body, body_bytes=len(body))
        limit = self.settings.api_max_records
        if len(records) > limit:
            await self.reject_records(
                ctx,
                TOO_MANY_RECORDS,
                f"the request has {len(records)} records, more than {limit} "
                "(PINLAKE_API_MAX_RECORDS); split it into smaller requests",
                records,
            )
        return records

    def check(
        self,
        ctx: RequestContext,
        position: int,
        original: Any,
        value: Any,
        *,
        raw: bytes | None = None,
        headers: tuple[tuple[str, bytes], ...] = (),
    ) -> Candidate:
        """Validate one decoded record; ``raw`` are its exact bytes when the client sent bytes."""
        assert ctx.kind is not None
        try:
            post_key = validate_record(ctx.kind, value)
        except InvalidRecord as error:
            return self.refuse(position, original, INVALID_RECORD, error.reason)
        encoded = raw if raw is not None else encode_json(value)
        limit = self.settings.api_max_record_bytes
        if len(encoded) > limit:
            return self.refuse(
                position,
                original,
                RECORD_TOO_LARGE,
                f"the record has {len(encoded)} bytes, more than {limit} "
                "(PINLAKE_API_MAX_RECORD_BYTES)",
            )
        return Candidate(position, original, encoded, post_key, headers)

    def check_plain(
        self,
        ctx: RequestContext,
        position: int,
        original: SentAsBytes,
        value: bytes,
        headers: tuple[tuple[str, bytes], ...] = (),
    ) -> Candidate | None:
        """The candidate of a record, still in its JSON bytes, that plainly passes; else ``None``.

        ``None`` sends the whole request the careful way (:meth:`parse`, :meth:`check`),
        which decides and explains; see :func:`ingestion.records.fast_post_key_json`.
        """
        assert ctx.kind is not None
        if len(value) > self.settings.api_max_record_bytes:
            return None
        post_key = fast_post_key_json(ctx.kind, value)
        if post_key is None:
            return None
        return Candidate(position, original, value, post_key, headers)

    @staticmethod
    def refuse(position: int, original: Any, problem: Problem, reason: str) -> Candidate:
        return Candidate(
            position, original, problem=problem, message=f"record {position}: {reason}"
        )

    # --- producing ----------------------------------------------------------------------

    async def accept(self, ctx: RequestContext, candidates: Sequence[Candidate]) -> list[Outcome]:
        """Write the valid records and the dead letters of the others; one outcome per record.

        Returns only after Kafka acknowledged everything written; raises
        :class:`BrokerUnavailable` if it could not.
        """
        kind = ctx.kind
        assert kind is not None
        topic = self.settings.topic(kind)
        valid = [c for c in candidates if c.problem is None]
        refused = [c for c in candidates if c.problem is not None]
        records = [
            OutgoingRecord(topic, record_key(kind, c.post_key or 0), c.value or b"", c.headers)
            for c in valid
        ]
        letters = [self._letter(ctx, c) for c in refused]
        started = time.perf_counter()
        deliveries = await self.producer.produce_batch_async([*records, *letters])
        self.metrics.produce_seconds.observe(time.perf_counter() - started)
        if any(not delivery.ok for delivery in deliveries[len(records) :]):
            raise BrokerUnavailable("Kafka did not store the dead letters of refused records")
        self.metrics.deadletters.inc(len(letters))

        outcomes: dict[int, Outcome] = {
            c.position: Outcome(c.position, problem=c.problem, message=c.message) for c in refused
        }
        kafka_refused: list[Candidate] = []
        for candidate, delivery in zip(valid, deliveries, strict=False):
            if delivery.error is None:
                outcomes[candidate.position] = Outcome(
                    candidate.position, delivery.partition, delivery.offset
                )
            else:
                failed = self.refuse(
                    candidate.position,
                    candidate.original,
                    KAFKA_REFUSED,
                    f"Kafka refused the record: {delivery.error.str()}",
                )
                kafka_refused.append(failed)
                outcomes[candidate.position] = Outcome(
                    candidate.position, problem=failed.problem, message=failed.message
                )
        await self._write_deadletters([self._letter(ctx, c) for c in kafka_refused])

        ordered = [outcomes[c.position] for c in candidates]
        self._count(ctx, ordered)
        return ordered

    def _letter(self, ctx: RequestContext, candidate: Candidate) -> OutgoingRecord:
        assert candidate.problem is not None
        original = candidate.original
        return deadletters.for_record(
            ctx,
            candidate.problem,
            candidate.message or "",
            candidate.position,
            original.as_sent() if isinstance(original, SentAsBytes) else original,
            topic=self.deadletter_topic,
        )

    def _count(self, ctx: RequestContext, outcomes: Sequence[Outcome]) -> None:
        kind = ctx.kind or "unknown"
        accepted = sum(1 for outcome in outcomes if outcome.problem is None)
        if accepted:
            self.metrics.records_accepted.labels(kind, ctx.protocol.value).inc(accepted)
        if accepted == len(outcomes):
            return
        for outcome in outcomes:
            if outcome.problem is not None:
                self.metrics.records_rejected.labels(kind, outcome.problem.reason).inc()
