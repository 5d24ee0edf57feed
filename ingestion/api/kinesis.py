"""``PUT /streams/{stream}/record`` and ``/records``: Kinesis PutRecord(s) behind API Gateway.

The original clients sent ``{"StreamName": ..., "Data": {...}, "PartitionKey": ...}``
to an API Gateway whose mapping template forwarded it to Kinesis; batch clients sent
``{"StreamName": ..., "records": [{"data": ..., "partition-key": ...}]}``. Both that
spelling and the AWS one (``Records``/``Data``/``PartitionKey``) are accepted, and
``Data`` may be the record as a JSON object or base64 of its JSON (then those exact
bytes go to Kafka). Answers follow Kinesis: ``SequenceNumber``/``ShardId`` (the Kafka
offset and partition) or ``FailedRecordCount`` with per-record ``ErrorCode`` and
``ErrorMessage``; see :mod:`ingestion.api.intake` for mixed batches. Like every AWS
API, client mistakes are 400 with ``{"__type": ..., "message": ...}``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from msgspec import UNSET, UnsetType

from ingestion.api.auth import bearer
from ingestion.api.deadletters import RequestContext
from ingestion.api.errors import BAD_ENVELOPE, INVALID_RECORD, ApiError, Protocol
from ingestion.api.intake import (
    Candidate,
    Intake,
    Outcome,
    SentAsBytes,
    parse_json,
    summarize,
)
from ingestion.api.responses import FastJSONResponse
from ingestion.api.routing import ProduceRoute
from ingestion.api.schemas import (
    KinesisError,
    KinesisPutRecord,
    KinesisPutRecordResult,
    KinesisPutRecords,
    KinesisPutRecordsResult,
    request_body,
)
from ingestion.records import InvalidRecord

T = TypeVar("T")

MEDIA_TYPES: frozenset[str | None] = frozenset(
    {None, "application/json", "application/x-amz-json-1.1", "application/x-amz-json-1.0"}
)
_DOC_MEDIA = ("application/json", "application/x-amz-json-1.1")
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": KinesisError, "description": "Malformed request or every record refused"},
    401: {"model": KinesisError},
    404: {"model": KinesisError, "description": "The stream name maps to no record kind"},
    503: {"model": KinesisError, "description": "Kafka did not acknowledge in time"},
}

router = APIRouter(
    tags=["Kinesis via API Gateway"], dependencies=[Depends(bearer)], route_class=ProduceRoute
)


def shard_id(partition: int | None) -> str | None:
    return None if partition is None else f"shardId-{partition:012d}"


def _either(item: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in item:
            return item[name]
    return None


def decode_data(data: Any) -> tuple[Any, bytes | None]:
    """The record in ``Data`` and, when it came base64-encoded, its exact bytes."""
    if isinstance(data, dict):
        return data, None
    if data is None:
        raise InvalidRecord("the record has no 'Data'")
    if not isinstance(data, str):
        raise InvalidRecord("'Data' must be a JSON object or base64 of a JSON object")
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise InvalidRecord(
            "'Data' is a string but not base64; send a JSON object or base64 of a JSON object"
        ) from None
    try:
        return parse_json(raw), raw
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidRecord(f"'Data' is base64 but not of JSON: {error}") from None


class SentKinesisRecord(SentAsBytes, gc=False, forbid_unknown_fields=True):
    """A PutRecords element with ``Data`` still in the client's bytes, in either spelling.

    A field absent stays ``UNSET``; a null one, like an unknown field, makes the element
    fail to decode, so the request takes the careful way, which decides and explains."""

    data: msgspec.Raw | UnsetType = UNSET
    data_aws: msgspec.Raw | UnsetType = msgspec.field(default=UNSET, name="Data")
    partition_key: str | UnsetType = msgspec.field(default=UNSET, name="partition-key")
    partition_key_aws: str | UnsetType = msgspec.field(default=UNSET, name="PartitionKey")

    def as_sent(self) -> dict[str, Any]:
        sent: dict[str, Any] = {}
        for name, value in (
            ("data", self.data),
            ("Data", self.data_aws),
            ("partition-key", self.partition_key),
            ("PartitionKey", self.partition_key_aws),
        ):
            if isinstance(value, msgspec.Raw):
                sent[name] = parse_json(bytes(value))
            elif isinstance(value, str):
                sent[name] = value
        return sent


class _PutRecordsEnvelope(msgspec.Struct):
    stream_name: str | None = msgspec.field(default=None, name="StreamName")
    records: list[SentKinesisRecord] | UnsetType = UNSET
    records_aws: list[SentKinesisRecord] | UnsetType = msgspec.field(default=UNSET, name="Records")


_PUT_RECORDS = msgspec.json.Decoder(_PutRecordsEnvelope)


def _either_set(first: T | UnsetType, second: T | UnsetType) -> T | None:
    """The one of two spellings of a field that the client sent; ``None`` for none or both."""
    if first is UNSET:
        return None if second is UNSET else second
    return first if second is UNSET else None


def _plain_data(record: SentKinesisRecord) -> bytes | None:
    """The exact bytes of a record whose ``Data`` is plainly a JSON object or base64 of one."""
    data = _either_set(record.data, record.data_aws)
    raw = b"" if data is None else bytes(data)
    if raw[:1] == b"{":
        return raw
    if raw[:1] != b'"':
        return None
    try:
        return base64.b64decode(msgspec.json.decode(raw, type=str), validate=True)
    except (binascii.Error, msgspec.DecodeError):
        return None


def _plain_candidates(
    intake: Intake, ctx: RequestContext, body: bytes, stream: str
) -> list[Candidate] | None:
    """The candidates of a PutRecords body whose every record plainly passes, or ``None``.

    The common case, decoded with each ``Data`` left as the bytes the client sent, which
    are checked where they lie and forwarded to Kafka unchanged (base64 ``Data`` as the
    bytes it encodes, as the careful way does). Anything else (another stream name, both
    spellings of a field, too many records, one doubtful record) returns ``None`` and the
    request takes the careful way, which answers each problem.
    """
    try:
        body.decode()
        envelope = _PUT_RECORDS.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    records = _either_set(envelope.records, envelope.records_aws)
    if (
        (envelope.stream_name is not None and envelope.stream_name != stream)
        or not records
        or len(records) > intake.settings.api_max_records
    ):
        return None
    candidates = []
    for position, record in enumerate(records):
        data = _plain_data(record)
        if data is None or (
            record.partition_key is not UNSET and record.partition_key_aws is not UNSET
        ):
            return None
        partition_key = _either_set(record.partition_key, record.partition_key_aws)
        headers = (("partition-key", partition_key.encode()),) if partition_key else ()
        candidate = intake.check_plain(ctx, position, record, data, headers)
        if candidate is None:
            return None
        candidates.append(candidate)
    return candidates


def _candidate(intake: Intake, ctx: RequestContext, position: int, item: Any) -> Candidate:
    if not isinstance(item, dict):
        return intake.refuse(position, item, INVALID_RECORD, "a record must be a JSON object")
    partition_key = _either(item, "PartitionKey", "partition-key")
    if partition_key is not None and not isinstance(partition_key, str):
        return intake.refuse(position, item, INVALID_RECORD, "'PartitionKey' must be a string")
    try:
        value, raw = decode_data(_either(item, "Data", "data"))
    except InvalidRecord as error:
        return intake.refuse(position, item, INVALID_RECORD, error.reason)
    headers = (("partition-key", partition_key.encode()),) if partition_key else ()
    return intake.check(ctx, position, item, value, raw=raw, headers=headers)


async def _envelope(
    intake: Intake, request: Request, stream: str
) -> tuple[RequestContext, dict[str, Any]]:
    ctx = intake.context(request, Protocol.KINESIS, stream)
    body = await intake.read_body(request, ctx, MEDIA_TYPES)
    return ctx, await _checked_envelope(intake, ctx, body, stream)


async def _checked_envelope(
    intake: Intake, ctx: RequestContext, body: bytes, stream: str
) -> dict[str, Any]:
    """The body parsed whole, an object naming no other stream; else answered here."""
    payload = await intake.parse(ctx, body)
    if not isinstance(payload, dict):
        await intake.reject_body(
            ctx, BAD_ENVELOPE, "the body must be a JSON object", body, body_bytes=len(body)
        )
    named = payload.get("StreamName")
    if named is not None and named != stream:
        await intake.reject_body(
            ctx,
            BAD_ENVELOPE,
            f"'StreamName' ({named!r}) differs from the stream in the URL ({stream!r})",
            body,
            body_bytes=len(body),
        )
    return payload


async def _careful_candidates(
    intake: Intake, ctx: RequestContext, body: bytes, stream: str
) -> list[Candidate]:
    """The candidates of any PutRecords body: each problem answered or dead-lettered."""
    payload = await _checked_envelope(intake, ctx, body, stream)
    records = await intake.records_of(
        ctx,
        _either(payload, "records", "Records"),
        body,
        "the body must carry a non-empty 'records' (or 'Records') array: "
        '{"records": [{"data": {...}, "partition-key": "..."}]}',
    )
    return [_candidate(intake, ctx, i, item) for i, item in enumerate(records)]


def _result(outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {"SequenceNumber": str(outcome.offset), "ShardId": shard_id(outcome.partition)}
    assert outcome.problem is not None
    return {"ErrorCode": outcome.problem.kinesis_type, "ErrorMessage": outcome.message}


@router.put(
    "/streams/{stream}/record",
    summary="Put one record (Kinesis PutRecord)",
    response_class=FastJSONResponse,
    responses={200: {"model": KinesisPutRecordResult}, **_ERRORS},
    openapi_extra=request_body(KinesisPutRecord, _DOC_MEDIA),
)
async def put_record(stream: str, request: Request) -> JSONResponse:
    intake: Intake = request.app.state.intake
    ctx, payload = await _envelope(intake, request, stream)
    (outcome,) = await intake.accept(ctx, [_candidate(intake, ctx, 0, payload)])
    if outcome.problem is not None:
        raise ApiError(outcome.problem, outcome.message or "the record was refused")
    return FastJSONResponse(_result(outcome))


@router.put(
    "/streams/{stream}/records",
    summary="Put a batch of records (Kinesis PutRecords)",
    response_class=FastJSONResponse,
    responses={200: {"model": KinesisPutRecordsResult}, **_ERRORS},
    openapi_extra=request_body(KinesisPutRecords, _DOC_MEDIA),
)
async def put_records(stream: str, request: Request) -> JSONResponse:
    intake: Intake = request.app.state.intake
    ctx = intake.context(request, Protocol.KINESIS, stream)
    body = await intake.read_body(request, ctx, MEDIA_TYPES)
    candidates = _plain_candidates(intake, ctx, body, stream)
    if candidates is None:
        candidates = await _careful_candidates(intake, ctx, body, stream)
    outcomes = await intake.accept(ctx, candidates)
    answer = {
        "FailedRecordCount": sum(1 for outcome in outcomes if not outcome.ok),
        "Records": [_result(outcome) for outcome in outcomes],
    }
    if answer["FailedRecordCount"] == len(outcomes):
        failed = next(outcome for outcome in outcomes if outcome.problem is not None)
        assert failed.problem is not None
        raise ApiError(failed.problem, summarize(outcomes), extra=answer)
    return FastJSONResponse(answer)
