"""Request and response shapes of both wire formats, for the OpenAPI docs at ``/docs``.

The handlers read the raw body themselves (to enforce byte limits, keep each record's
bytes and answer every mistake in the client's own error format), so these models
document the contract rather than parse it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$defs`` inlined, usable as an OpenAPI request body."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def request_body(model: type[BaseModel], media_types: tuple[str, ...]) -> dict[str, Any]:
    schema = inline_schema(model)
    return {
        "requestBody": {
            "required": True,
            "content": {media: {"schema": schema} for media in media_types},
        }
    }


_PIN_EXAMPLE: dict[str, Any] = {
    "index": 7528,
    "unique_id": "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
    "title": "No Title Data Available",
    "follower_count": "User Info Error",
    "downloaded": 0,
    "category": "mens-fashion",
}


# --- Kafka REST Proxy v2 --------------------------------------------------------------


class KafkaRecord(BaseModel):
    key: Any = Field(None, description="Kept as the 'client-key' header; Kafka key is kind:ind.")
    value: dict[str, Any] = Field(description="The record: a JSON object with 'ind' or 'index'.")
    partition: int | None = Field(None, description="Ignored: records are keyed by post.")


class KafkaProduceRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"records": [{"value": _PIN_EXAMPLE}]}})

    records: list[KafkaRecord]


class PartitionOffset(BaseModel):
    partition: int | None
    offset: int | None
    error_code: int | None = Field(description="Set for a refused record, e.g. 42201.")
    error: str | None = Field(description="Why the record was refused, naming its index.")


class KafkaProduceResponse(BaseModel):
    offsets: list[PartitionOffset]
    key_schema_id: None = None
    value_schema_id: None = None


class KafkaError(BaseModel):
    error_code: int
    message: str


# --- Kinesis through API Gateway ------------------------------------------------------


class KinesisPutRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "StreamName": "streaming-0a1d8948160f-pin",
                "Data": _PIN_EXAMPLE,
                "PartitionKey": "partition-1",
            }
        }
    )

    StreamName: str | None = Field(None, description="If sent, must equal the stream in the URL.")
    Data: dict[str, Any] | str = Field(
        description="The record as a JSON object, or base64 of its JSON (also spelled 'data')."
    )
    PartitionKey: str | None = Field(
        None, description="Kept as the 'partition-key' header (also 'partition-key')."
    )


class KinesisEntry(BaseModel):
    data: dict[str, Any] | str = Field(description="JSON object or base64 JSON; also 'Data'.")
    partition_key: str | None = Field(
        None, alias="partition-key", description="Also 'PartitionKey'."
    )


class KinesisPutRecords(BaseModel):
    StreamName: str | None = None
    records: list[KinesisEntry] = Field(description="Also spelled 'Records'.")


class KinesisPutRecordResult(BaseModel):
    SequenceNumber: str
    ShardId: str


class KinesisRecordResult(BaseModel):
    SequenceNumber: str | None = None
    ShardId: str | None = None
    ErrorCode: str | None = None
    ErrorMessage: str | None = None


class KinesisPutRecordsResult(BaseModel):
    FailedRecordCount: int
    Records: list[KinesisRecordResult]


class KinesisError(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str = Field(alias="__type")
    message: str
