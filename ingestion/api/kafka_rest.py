"""``POST /topics/{topic}``: the Confluent Kafka REST Proxy v2 produce call, JSON embedded format.

Clients written for the REST Proxy (``requests.post(f"{invoke_url}/topics/{user}.pin",
headers={"Content-Type": "application/vnd.kafka.json.v2+json"}, data=json.dumps(
{"records": [{"value": record}]}))``) work unchanged. The answer has one ``offsets``
entry per record, in order. See :mod:`ingestion.api.intake` for what happens when only
some records are valid (200 with per-record ``error_code``/``error``) or none is (422).
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ingestion.api.auth import bearer
from ingestion.api.deadletters import RequestContext
from ingestion.api.errors import (
    INVALID_RECORD,
    KAFKA_REST_MEDIA_TYPE,
    ApiError,
    Protocol,
)
from ingestion.api.intake import (
    Candidate,
    Intake,
    Outcome,
    SentRecord,
    encode_json,
    parse_json,
    summarize,
)
from ingestion.api.responses import FastJSONResponse
from ingestion.api.routing import ProduceRoute
from ingestion.api.schemas import (
    KafkaError,
    KafkaProduceRequest,
    KafkaProduceResponse,
    request_body,
)

MEDIA_TYPES: frozenset[str | None] = frozenset(
    {"application/vnd.kafka.json.v2+json", "application/vnd.kafka.v2+json", "application/json"}
)

router = APIRouter(
    tags=["Kafka REST Proxy v2"], dependencies=[Depends(bearer)], route_class=ProduceRoute
)


def _candidate(intake: Intake, ctx: RequestContext, position: int, item: Any) -> Candidate:
    if not isinstance(item, dict):
        return intake.refuse(
            position, item, INVALID_RECORD, 'a record must be an object like {"value": {...}}'
        )
    if "value" not in item:
        return intake.refuse(position, item, INVALID_RECORD, "the record has no 'value'")
    headers = _key_headers(item.get("key"))
    return intake.check(ctx, position, item, item["value"], headers=headers)


def _key_headers(key: Any) -> tuple[tuple[str, bytes], ...]:
    """The client's record key travels as a header: our Kafka key is the kind and post."""
    return (("client-key", encode_json(key)),) if key is not None else ()


class _Envelope(msgspec.Struct):
    records: list[SentRecord]


_ENVELOPE = msgspec.json.Decoder(_Envelope)


def _plain_candidates(intake: Intake, ctx: RequestContext, body: bytes) -> list[Candidate] | None:
    """The candidates of a body whose every record plainly passes, or ``None``.

    The common case: a well-formed request of valid records. The envelope is decoded
    with each ``value`` left as the bytes the client sent, those bytes are checked where
    they lie and forwarded to Kafka unchanged. Anything else (no envelope, too many
    records, one doubtful record, a body that is not UTF-8) returns ``None`` and the
    request takes the careful way, which answers each problem.
    """
    try:
        body.decode()
        records = _ENVELOPE.decode(body).records
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    if not records or len(records) > intake.settings.api_max_records:
        return None
    candidates = []
    for position, record in enumerate(records):
        key = None if record.key is None else parse_json(bytes(record.key))
        candidate = intake.check_plain(
            ctx, position, record, bytes(record.value), _key_headers(key)
        )
        if candidate is None:
            return None
        candidates.append(candidate)
    return candidates


async def _careful_candidates(intake: Intake, ctx: RequestContext, body: bytes) -> list[Candidate]:
    """The candidates of any body: parsed whole, each problem answered or dead-lettered."""
    payload = await intake.parse(ctx, body)
    records = await intake.records_of(
        ctx,
        payload.get("records") if isinstance(payload, dict) else None,
        body,
        "the body must be an object with a non-empty 'records' array: "
        '{"records": [{"value": {...}}]}',
    )
    return [_candidate(intake, ctx, i, r) for i, r in enumerate(records)]


def _offset(outcome: Outcome) -> dict[str, Any]:
    return {
        "partition": outcome.partition,
        "offset": outcome.offset,
        "error_code": outcome.problem.error_code if outcome.problem else None,
        "error": outcome.message,
    }


@router.post(
    "/topics/{topic}",
    summary="Produce records to a topic (REST Proxy v2, JSON embedded format)",
    response_class=FastJSONResponse,
    responses={
        200: {"model": KafkaProduceResponse, "description": "Kafka acknowledged each record"},
        401: {"model": KafkaError},
        404: {"model": KafkaError, "description": "The topic name maps to no record kind"},
        413: {"model": KafkaError},
        415: {"model": KafkaError},
        422: {"model": KafkaError, "description": "Every record was refused"},
        503: {"model": KafkaError, "description": "Kafka did not acknowledge in time"},
    },
    openapi_extra=request_body(KafkaProduceRequest, tuple(sorted(m for m in MEDIA_TYPES if m))),
)
async def produce(topic: str, request: Request) -> JSONResponse:
    intake: Intake = request.app.state.intake
    ctx = intake.context(request, Protocol.KAFKA_REST, topic)
    body = await intake.read_body(request, ctx, MEDIA_TYPES)
    candidates = _plain_candidates(intake, ctx, body)
    if candidates is None:
        candidates = await _careful_candidates(intake, ctx, body)
    outcomes = await intake.accept(ctx, candidates)
    answer = {
        "offsets": [_offset(outcome) for outcome in outcomes],
        "key_schema_id": None,
        "value_schema_id": None,
    }
    if not any(outcome.ok for outcome in outcomes):
        failed = next(outcome for outcome in outcomes if outcome.problem is not None)
        assert failed.problem is not None
        raise ApiError(failed.problem, summarize(outcomes), extra=answer)
    return FastJSONResponse(answer, media_type=KAFKA_REST_MEDIA_TYPE)
