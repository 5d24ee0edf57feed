"""Errors the API answers with, spoken in the dialect of the protocol the client uses.

A Kafka REST Proxy client expects ``{"error_code": 40401, "message": ...}`` (the REST
Proxy's five-digit codes: HTTP status followed by a detail number); a Kinesis client
expects ``{"__type": "ResourceNotFoundException", "message": ...}``. One
:class:`ApiError` carries both spellings and the handler picks by the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

KAFKA_REST_MEDIA_TYPE = "application/vnd.kafka.v2+json"


class Protocol(StrEnum):
    KAFKA_REST = "kafka-rest"
    KINESIS = "kinesis"

    @classmethod
    def of(cls, request: Request) -> Protocol:
        return cls.KINESIS if request.url.path.startswith("/streams") else cls.KAFKA_REST


@dataclass(frozen=True)
class Problem:
    """One kind of failure: HTTP status, REST Proxy code, Kinesis type, metric label."""

    status: int
    error_code: int
    kinesis_type: str
    reason: str


MALFORMED_JSON = Problem(400, 40001, "SerializationException", "malformed_json")
EMPTY_BODY = Problem(400, 40002, "ValidationException", "empty_body")
BAD_ENVELOPE = Problem(400, 40003, "ValidationException", "bad_envelope")
UNAUTHORIZED = Problem(401, 40101, "UnrecognizedClientException", "unauthorized")
UNKNOWN_TOPIC = Problem(404, 40401, "ResourceNotFoundException", "unknown_topic")
BODY_TOO_LARGE = Problem(413, 41301, "ValidationException", "body_too_large")
TOO_MANY_RECORDS = Problem(413, 41302, "ValidationException", "too_many_records")
UNSUPPORTED_MEDIA = Problem(415, 41501, "ValidationException", "unsupported_media_type")
INVALID_RECORD = Problem(422, 42201, "InvalidArgumentException", "invalid_record")
RECORD_TOO_LARGE = Problem(422, 42202, "InvalidArgumentException", "record_too_large")
KAFKA_REFUSED = Problem(500, 50002, "InternalFailure", "kafka_refused")
BROKER_UNAVAILABLE = Problem(503, 50301, "ServiceUnavailableException", "broker_unavailable")
NO_ROUTE = Problem(404, 40400, "UnknownOperationException", "no_route")
WRONG_METHOD = Problem(405, 40500, "UnknownOperationException", "no_route")

ROUTES = (
    "POST /topics/{topic}, PUT /streams/{stream}/record, PUT /streams/{stream}/records, "
    "GET /healthz, /readyz, /metrics and /docs"
)
"""What a client that took a wrong path is told the API serves."""


@dataclass
class ApiError(Exception):
    """A request the API answers with an error; ``extra`` adds fields such as ``offsets``."""

    problem: Problem
    message: str
    extra: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    headers: dict[str, str] | None = None

    def __str__(self) -> str:
        return self.message


def status_for(problem: Problem, protocol: Protocol) -> int:
    """Kinesis (like every AWS API) answers 400 to all client mistakes except 401/403/404."""
    if protocol is Protocol.KINESIS and problem.status in (413, 415, 422):
        return 400
    return problem.status


def error_body(problem: Problem, message: str, protocol: Protocol) -> dict[str, Any]:
    if protocol is Protocol.KINESIS:
        return {"__type": problem.kinesis_type, "message": message}
    return {"error_code": problem.error_code, "message": message}


def media_type(protocol: Protocol) -> str:
    return KAFKA_REST_MEDIA_TYPE if protocol is Protocol.KAFKA_REST else "application/json"


async def handle_api_error(request: Request, error: Exception) -> JSONResponse:
    """Render an :class:`ApiError` in the requesting protocol's error format."""
    assert isinstance(error, ApiError)
    protocol = Protocol.of(request)
    return JSONResponse(
        {**error_body(error.problem, error.message, protocol), **error.extra},
        status_code=error.status or status_for(error.problem, protocol),
        media_type=media_type(protocol),
        headers=error.headers,
    )


async def handle_no_route(request: Request, error: Exception) -> Response:
    """A path or method no route serves, in the protocol's error format and naming the
    routes (FastAPI's own answer is ``{"detail": "Not Found"}``)."""
    assert isinstance(error, StarletteHTTPException)
    problem = {404: NO_ROUTE, 405: WRONG_METHOD}.get(error.status_code)
    if problem is None:
        return await http_exception_handler(request, error)
    message = f"no route {request.method} {request.url.path}: the API serves {ROUTES}"
    headers = dict(error.headers) if error.headers else None  # a 405 names the allowed method
    return await handle_api_error(request, ApiError(problem, message, headers=headers))
