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
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ingestion.api.auth import bearer
from ingestion.api.deadletters import RequestContext
from ingestion.api.errors import BAD_ENVELOPE, INVALID_RECORD, ApiError, Protocol
from ingestion.api.intake import Candidate, Intake, Outcome, parse_json, summarize
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
) -> tuple[RequestContext, bytes, dict[str, Any]]:
    ctx = intake.context(request, Protocol.KINESIS, stream)
    body, payload = await intake.read_json(request, ctx, MEDIA_TYPES)
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
    return ctx, body, payload


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
    ctx, _, payload = await _envelope(intake, request, stream)
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
    ctx, body, payload = await _envelope(intake, request, stream)
    records = _either(payload, "records", "Records")
    if not isinstance(records, list) or not records:
        await intake.reject_body(
            ctx,
            BAD_ENVELOPE,
            "the body must carry a non-empty 'records' (or 'Records') array: "
            '{"records": [{"data": {...}, "partition-key": "..."}]}',
            body,
            body_bytes=len(body),
        )
    await intake.limit_records(ctx, records)
    outcomes = await intake.accept(
        ctx, [_candidate(intake, ctx, i, item) for i, item in enumerate(records)]
    )
    answer = {
        "FailedRecordCount": sum(1 for outcome in outcomes if not outcome.ok),
        "Records": [_result(outcome) for outcome in outcomes],
    }
    if answer["FailedRecordCount"] == len(outcomes):
        failed = next(outcome for outcome in outcomes if outcome.problem is not None)
        assert failed.problem is not None
        raise ApiError(failed.problem, summarize(outcomes), extra=answer)
    return FastJSONResponse(answer)
