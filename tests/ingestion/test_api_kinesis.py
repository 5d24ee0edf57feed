"""The Kinesis (API Gateway) front end against a real broker: both spellings, object and
base64 ``Data``, Kinesis-shaped answers, partial failure and dead letters."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conftest import ServedApi, TopicTail, topic_settings

from orchestration.settings import Settings

pytestmark = pytest.mark.kafka


def geo(ind: int) -> dict[str, Any]:
    return {"ind": ind, "timestamp": "2020-08-28T03:52:47", "latitude": 1.5, "country": "Chad"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="module")
def settings(kafka_settings: Settings) -> Settings:
    return topic_settings(kafka_settings, f"t-kinesis-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def api(settings: Settings, serve_api: Callable[..., ServedApi]) -> ServedApi:
    return serve_api(settings)


def test_put_record_with_object_and_base64_data(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    reader = tail(settings, [settings.topic("geo")])
    # Base64 data is forwarded byte for byte, spacing and key order included.
    exact = '{"ind": 8,  "country": "Côte d\'Ivoire", "timestamp": "2020-08-28 03:52:47"}'
    with httpx.Client(base_url=api.url) as client:
        first = client.put(
            "/streams/streaming-0a1d8948160f-geo/record",
            json={
                "StreamName": "streaming-0a1d8948160f-geo",
                "Data": geo(7),
                "PartitionKey": "p-1",
            },
        )
        second = client.put(
            "/streams/streaming_0a1d8948160f_geo/record",
            json={
                "StreamName": "streaming_0a1d8948160f_geo",
                "Data": b64(exact),
                "PartitionKey": "x",
            },
        )
    answers = [first.json(), second.json()]
    assert [first.status_code, second.status_code] == [200, 200]
    messages = sorted(reader.read(expected=2), key=lambda m: m.key())
    assert len(messages) == 2
    assert json.loads(messages[0].value()) == geo(7)
    assert messages[1].value() == exact.encode()
    assert [m.key() for m in messages] == [b"geo:7", b"geo:8"]
    assert dict(messages[0].headers() or []) == {"partition-key": b"p-1"}
    for answer, message in zip(answers, messages, strict=True):
        assert answer == {
            "SequenceNumber": str(message.offset()),
            "ShardId": f"shardId-{message.partition():012d}",
        }


@pytest.mark.parametrize(
    ("records_key", "data_key", "partition_key"),
    [("records", "data", "partition-key"), ("Records", "Data", "PartitionKey")],
)
def test_put_records_in_both_spellings(
    settings: Settings,
    api: ServedApi,
    tail: Callable[..., TopicTail],
    records_key: str,
    data_key: str,
    partition_key: str,
) -> None:
    reader = tail(settings, [settings.topic("user")])
    users = [
        {"ind": i, "first_name": "Ann", "age": "31", "date_joined": "2016-01-01"} for i in range(30)
    ]
    entries = [
        {data_key: user if i % 2 else b64(json.dumps(user)), partition_key: f"u-{i}"}
        for i, user in enumerate(users)
    ]
    response = httpx.put(
        f"{api.url}/streams/streaming-abc-user/records",
        json={"StreamName": "streaming-abc-user", records_key: entries},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["FailedRecordCount"] == 0
    assert len(answer["Records"]) == len(users)
    messages = reader.read(expected=len(users))
    assert sorted(json.loads(m.value())["ind"] for m in messages) == list(range(30))
    by_place = {(f"shardId-{m.partition():012d}", str(m.offset())): m for m in messages}
    for user, result in zip(users, answer["Records"], strict=True):
        message = by_place[(result["ShardId"], result["SequenceNumber"])]
        assert json.loads(message.value()) == user


def test_a_plain_batch_is_forwarded_with_the_bytes_the_client_sent(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    reader = tail(settings, [settings.topic("geo")])
    as_object = b'{"ind": 11,  "country": "caf\\u00e9",\n "latitude": 12e-1}'
    as_base64 = b'{"country": "Chad", "ind": "12"}'
    body = (
        b'{"StreamName": "streaming-abc-geo", "Records": [{"Data": '
        + as_object
        + b', "PartitionKey": "k-11"}, {"PartitionKey": "", "Data": "'
        + base64.b64encode(as_base64)
        + b'"}]}'
    )
    response = httpx.put(
        f"{api.url}/streams/streaming-abc-geo/records",
        content=body,
        headers={"Content-Type": "application/x-amz-json-1.1"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["FailedRecordCount"] == 0
    messages = sorted(reader.read(expected=2), key=lambda m: m.key())
    assert [m.value() for m in messages] == [as_object, as_base64]
    assert [m.key() for m in messages] == [b"geo:11", b"geo:12"]
    assert [dict(m.headers() or []) for m in messages] == [{"partition-key": b"k-11"}, {}]


@pytest.mark.parametrize(
    ("body", "status", "header"),
    [
        # "records" wins over "Records", and "PartitionKey" over "partition-key", even
        # when null: what the careful way reads, the plain way must not read otherwise.
        ({"records": None, "Records": [{"Data": geo(1)}]}, 400, None),
        ({"records": [{"Data": geo(1), "PartitionKey": None, "partition-key": "x"}]}, 200, {}),
        ({"records": [{"Data": geo(1), "data": geo(2), "partition-key": "y"}]}, 200,
         {"partition-key": b"y"}),
        ({"records": [{"data": geo(1), "ExplicitHashKey": "1"}]}, 200, {}),
    ],
)  # fmt: skip
def test_doubled_null_or_unknown_fields_are_read_one_way(
    settings: Settings,
    api: ServedApi,
    tail: Callable[..., TopicTail],
    body: dict[str, Any],
    status: int,
    header: dict[str, bytes] | None,
) -> None:
    reader = tail(settings, [settings.topic("geo")])
    response = httpx.put(f"{api.url}/streams/s-geo/records", json=body)
    assert response.status_code == status, response.text
    if header is None:
        return
    (message,) = reader.read(expected=1)
    assert json.loads(message.value()) == geo(1)
    assert dict(message.headers() or []) == header


def test_partial_failure_is_reported_per_record_and_dead_lettered(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    records_tail = tail(settings, [settings.topic("geo")])
    letters_tail = tail(settings, [settings.topic("deadletter")])
    entries = [
        {"data": geo(1), "partition-key": "a"},
        {"data": "not base64!", "partition-key": "b"},
        {"data": b64("[1, 2]"), "partition-key": "c"},
        {"data": {**geo(2), "latitude": "north"}, "partition-key": "d"},
        {"data": geo(3), "partition-key": 5},
        {"partition-key": "f"},
    ]
    response = httpx.put(f"{api.url}/streams/s-geo/records", json={"records": entries})
    assert response.status_code == 200
    answer = response.json()
    assert answer["FailedRecordCount"] == 5
    results = answer["Records"]
    assert "SequenceNumber" in results[0]
    assert all(r["ErrorCode"] == "InvalidArgumentException" for r in results[1:])
    assert "record 1: 'Data' is a string but not base64" in results[1]["ErrorMessage"]
    assert "record 2: a record must be a JSON object, got an array" in results[2]["ErrorMessage"]
    assert "record 3: field 'latitude'" in results[3]["ErrorMessage"]
    assert "record 4: 'PartitionKey' must be a string" in results[4]["ErrorMessage"]
    assert "record 5: the record has no 'Data'" in results[5]["ErrorMessage"]

    (accepted,) = records_tail.read(expected=1)
    assert json.loads(accepted.value()) == geo(1)
    letters = sorted(
        (json.loads(m.value()) for m in letters_tail.read(expected=5)),
        key=lambda letter: letter["record_index"],
    )
    assert [letter["record"] for letter in letters] == entries[1:]
    assert {letter["protocol"] for letter in letters} == {"kinesis"}
    assert {letter["topic"] for letter in letters} == {"s-geo"}


@pytest.mark.parametrize(
    ("path", "body", "status", "kinesis_type", "message"),
    [
        ("/streams/s-geo/record", {"Data": {"country": "Chad"}}, 400, "InvalidArgumentException",
         "record 0: the record has no post key"),
        ("/streams/s-geo/record", {"StreamName": "other-geo", "Data": geo(1)}, 400,
         "ValidationException", "differs from the stream in the URL"),
        ("/streams/s-geo/record", [geo(1)], 400, "ValidationException", "must be a JSON object"),
        ("/streams/s-geo/records", {"records": []}, 400, "ValidationException", "non-empty"),
        ("/streams/s-geo/records", {"records": [{"data": "%%%"}]}, 400,
         "InvalidArgumentException", "record 0: 'Data' is a string but not base64"),
        ("/streams/orders/record", {"Data": geo(1)}, 404, "ResourceNotFoundException",
         "not a known topic or stream"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_kinesis_error_and_a_dead_letter(
    settings: Settings,
    api: ServedApi,
    tail: Callable[..., TopicTail],
    path: str,
    body: Any,
    status: int,
    kinesis_type: str,
    message: str,
) -> None:
    letters_tail = tail(settings, [settings.topic("deadletter")])
    response = httpx.put(f"{api.url}{path}", json=body)
    assert response.status_code == status
    assert response.json()["__type"] == kinesis_type
    assert message in response.json()["message"]
    (letter,) = letters_tail.read(expected=1)
    assert message in json.loads(letter.value())["message"]


def test_malformed_json_is_a_serialization_error(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    letters_tail = tail(settings, [settings.topic("deadletter")])
    response = httpx.put(
        f"{api.url}/streams/s-pin/record",
        content=b'{"Data": {"index": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"
    (letter,) = letters_tail.read(expected=1)
    assert json.loads(letter.value())["body"] == '{"Data": {"index": 1}'
