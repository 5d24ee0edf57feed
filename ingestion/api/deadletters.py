"""Dead letters: what the API refused, why, and when, kept in Kafka next to what it accepted.

Nothing a client sends is dropped silently. A refused *record* becomes one dead letter
holding that record exactly as it appeared in the request (its element of the
``records`` array, or the Kinesis entry with its ``Data`` as sent), so it can be
replayed once the client or the rules are fixed. A request refused *as a whole*
(unreadable JSON, empty or oversized body, unknown topic) becomes one dead letter
holding the body as text. Both carry the reason, the topic or stream the client asked
for, the kind it maps to, and the arrival time.

Bodies and records larger than :data:`MAX_PREVIEW_BYTES` are truncated (and say so)
so that a dead letter always fits in a Kafka message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ingestion.api.errors import Problem, Protocol
from ingestion.producer import OutgoingRecord

MAX_PREVIEW_BYTES = 512 * 1024


@dataclass(frozen=True)
class RequestContext:
    """What every dead letter of one request shares."""

    protocol: Protocol
    endpoint: str
    name: str
    kind: str | None
    received_at: datetime


def _preview(data: bytes) -> tuple[str, bool]:
    truncated = len(data) > MAX_PREVIEW_BYTES
    return data[:MAX_PREVIEW_BYTES].decode("utf-8", errors="replace"), truncated


def _letter(
    ctx: RequestContext, problem: Problem, message: str, fields: dict[str, Any], topic: str
) -> OutgoingRecord:
    letter = {
        "reason": problem.reason,
        "message": message,
        "status": problem.status,
        "error_code": problem.error_code,
        "protocol": ctx.protocol.value,
        "endpoint": ctx.endpoint,
        "topic": ctx.name,
        "kind": ctx.kind,
        "received_at": ctx.received_at.isoformat(),
        **fields,
    }
    value = json.dumps(letter, ensure_ascii=False, separators=(",", ":")).encode()
    return OutgoingRecord(
        topic=topic, key=f"deadletter:{ctx.kind or 'unknown'}".encode(), value=value
    )


def for_body(
    ctx: RequestContext, problem: Problem, message: str, body: bytes, *, topic: str, body_bytes: int
) -> OutgoingRecord:
    """The dead letter of a request refused as a whole; ``body_bytes`` is its full size."""
    text, truncated = _preview(body)
    fields = {
        "body": text,
        "body_bytes": body_bytes,
        "body_truncated": truncated or body_bytes > len(body),
    }
    return _letter(ctx, problem, message, fields, topic)


def for_record(
    ctx: RequestContext, problem: Problem, message: str, position: int, record: Any, *, topic: str
) -> OutgoingRecord:
    """The dead letter of one refused record, ``record`` being its element of the request."""
    encoded = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    fields: dict[str, Any] = {"record_index": position}
    if len(encoded) <= MAX_PREVIEW_BYTES:
        fields["record"] = record
    else:
        fields["record_preview"], fields["record_truncated"] = _preview(encoded)
        fields["record_bytes"] = len(encoded)
    return _letter(ctx, problem, message, fields, topic)
