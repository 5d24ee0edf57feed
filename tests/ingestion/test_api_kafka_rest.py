"""The Kafka REST Proxy v2 front end against a real broker: records arrive exactly once,
intact, in order per post; every bad input gets its status, message and dead letter."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conftest import ServedApi, TopicTail, topic_settings
from ports import free_tcp_port
from pydantic import SecretStr

from ingestion import kafka_stack
from orchestration.settings import Settings

pytestmark = pytest.mark.kafka

KAFKA_JSON = {"Content-Type": "application/vnd.kafka.json.v2+json"}


def pin(ind: int, **extra: Any) -> dict[str, Any]:
    return {
        "index": ind,
        "unique_id": str(uuid.UUID(int=ind)),
        "title": "Nissan GT-R. Sick. ☃",
        "follower_count": "12k",
        "downloaded": 1,
        "category": "vehicles",
        **extra,
    }


def geo(ind: int) -> dict[str, Any]:
    return {
        "ind": ind,
        "timestamp": "2020-08-28 03:52:47",
        "latitude": -89.9787,
        "longitude": -173.293,
        "country": "Albania",
    }


def user(ind: int) -> dict[str, Any]:
    return {
        "ind": ind,
        "first_name": "Abigail",
        "last_name": "Ali",
        "age": 20,
        "date_joined": "2015-10-24T11:23:51",
    }


@pytest.fixture(scope="module")
def settings(kafka_settings: Settings) -> Settings:
    return topic_settings(kafka_settings, f"t-rest-{uuid.uuid4().hex[:8]}").model_copy(
        update={
            "api_max_body_bytes": 64 * 1024,
            "api_max_records": 50,
            "api_max_record_bytes": 8 * 1024,
            "api_produce_timeout_s": 5.0,
        }
    )


@pytest.fixture
def api(settings: Settings, serve_api: Callable[..., ServedApi]) -> ServedApi:
    return serve_api(settings)


def dead_letters(tail: TopicTail, expected: int) -> list[dict[str, Any]]:
    return [json.loads(message.value()) for message in tail.read(expected)]


def test_records_of_each_kind_arrive_exactly_once_with_their_payload(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    kinds: dict[str, Callable[[int], dict[str, Any]]] = {"pin": pin, "geo": geo, "user": user}
    reader = tail(settings, [settings.topic(kind) for kind in kinds])
    sent: dict[tuple[str, int], dict[str, Any]] = {}
    answers: dict[tuple[str, int], dict[str, Any]] = {}
    with httpx.Client(base_url=api.url) as client:
        for kind, make in kinds.items():
            records = [make(ind) for ind in range(20)]
            # The original clients' names: "<user-id>.pin" etc.
            response = client.post(
                f"/topics/0a1d8948160f.{kind}",
                headers=KAFKA_JSON,
                content=json.dumps({"records": [{"value": r} for r in records]}),
            )
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/vnd.kafka.v2+json"
            body = response.json()
            assert body["key_schema_id"] is None and body["value_schema_id"] is None
            assert len(body["offsets"]) == len(records)
            for ind, (record, offset) in enumerate(zip(records, body["offsets"], strict=True)):
                assert offset["error_code"] is None and offset["error"] is None
                sent[(kind, ind)] = record
                answers[(kind, ind)] = offset

    messages = reader.read(expected=len(sent))
    assert len(messages) == len(sent)  # nothing lost, nothing twice
    for message in messages:
        kind = message.topic().rsplit(".", 1)[1]
        ind = int(message.key().decode().split(":")[1])
        assert message.key().decode() == f"{kind}:{ind}"
        assert json.loads(message.value()) == sent[(kind, ind)]
        assert answers[(kind, ind)] == {
            "partition": message.partition(),
            "offset": message.offset(),
            "error_code": None,
            "error": None,
        }


def test_a_batch_repeating_a_post_answers_each_record_with_its_own_offset(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    """Records of one request that share a key (the same post, sent again) and records
    with extra fields (read the careful way) each get the offset Kafka gave them."""
    reader = tail(settings, [settings.topic("pin")])
    records = [
        pin(1, title="first"),
        pin(2, title="other"),
        pin(1, title="second"),
        pin(3, title="extra field", note="kept"),
        pin(1, title="third"),
    ]
    with httpx.Client(base_url=api.url) as client:
        response = client.post(
            "/topics/pinterest.pin",
            headers=KAFKA_JSON,
            json={"records": [{"value": r} for r in records]},
        )
    assert response.status_code == 200, response.text
    answered = [(entry["partition"], entry["offset"]) for entry in response.json()["offsets"]]
    stored = {
        (message.partition(), message.offset()): json.loads(message.value())
        for message in reader.read(expected=len(records))
    }
    assert [stored[place] for place in answered] == records
    firsts = [answered[i] for i in (0, 2, 4)]
    assert firsts == sorted(firsts) and len({p for p, _ in firsts}) == 1


def test_a_plain_record_is_forwarded_with_the_bytes_the_client_sent(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    reader = tail(settings, [settings.topic("pin")])
    value = b'{"index": 7,  "title": "caf\\u00e9",\n "follower_count": 12e3}'
    with httpx.Client(base_url=api.url) as client:
        response = client.post(
            "/topics/pinterest.pin",
            headers=KAFKA_JSON,
            content=b'{"records": [{"value": ' + value + b"}]}",
        )
    assert response.status_code == 200, response.text
    [message] = reader.read(expected=1)
    assert message.value() == value


def test_records_of_a_post_share_a_partition_in_order(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    reader = tail(settings, [settings.topic("pin")])
    versions = [pin(42, title=f"version {n}") for n in range(10)]
    with httpx.Client(base_url=api.url) as client:
        for record in versions:  # one request each, like the original emulator
            response = client.post(
                "/topics/pinterest.pin", headers=KAFKA_JSON, json={"records": [{"value": record}]}
            )
            assert response.status_code == 200
    messages = reader.read(expected=len(versions))
    assert {message.partition() for message in messages} == {messages[0].partition()}
    assert [json.loads(message.value())["title"] for message in messages] == [
        f"version {n}" for n in range(10)
    ]


def test_application_json_and_client_keys_are_accepted(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    reader = tail(settings, [settings.topic("geo")])
    response = httpx.post(
        f"{api.url}/topics/streaming-x-geo",
        json={"records": [{"key": "desktop", "value": geo(7)}]},
    )
    assert response.status_code == 200, response.text
    (message,) = reader.read(expected=1)
    assert message.key() == b"geo:7"
    assert dict(message.headers() or []) == {"client-key": b'"desktop"'}


def test_a_mixed_batch_writes_the_valid_records_and_dead_letters_the_rest(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    records_tail = tail(settings, [settings.topic("user")])
    letters_tail = tail(settings, [settings.topic("deadletter")])
    batch = [
        {"value": user(1)},
        {"value": {"first_name": "no key"}},
        {"value": user(2)},
        "not a record",
        {"value": {**user(3), "age": "old"}},
    ]
    response = httpx.post(f"{api.url}/topics/abc.user", headers=KAFKA_JSON, json={"records": batch})
    assert response.status_code == 200
    offsets = response.json()["offsets"]
    assert [entry["error_code"] for entry in offsets] == [None, 42201, None, 42201, 42201]
    assert "record 1: the record has no post key" in offsets[1]["error"]
    assert "record 3: a record must be an object" in offsets[3]["error"]
    assert "record 4: field 'age'" in offsets[4]["error"]

    accepted = records_tail.read(expected=2)
    assert sorted(json.loads(m.value())["ind"] for m in accepted) == [1, 2]
    letters = sorted(dead_letters(letters_tail, 3), key=lambda letter: letter["record_index"])
    assert [letter["record_index"] for letter in letters] == [1, 3, 4]
    assert [letter["record"] for letter in letters] == [batch[1], batch[3], batch[4]]
    for letter in letters:
        assert letter["reason"] == "invalid_record"
        assert letter["topic"] == "abc.user" and letter["kind"] == "user"
        assert letter["protocol"] == "kafka-rest"
        assert time.time() - 60 < _epoch(letter["received_at"]) <= time.time()


@pytest.mark.parametrize("posts", [1, 2], ids=["one record", "a run of records"])
def test_records_kafka_refuses_are_answered_and_dead_lettered_as_sent(
    kafka_settings: Settings,
    serve_api: Callable[..., ServedApi],
    tail: Callable[..., TopicTail],
    posts: int,
) -> None:
    """The broker refuses records larger than the topic's ``max.message.bytes``: each gets
    its error, and its dead letter keeps the record as the client sent it."""
    from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource

    settings = topic_settings(kafka_settings, f"t-refuse-{uuid.uuid4().hex[:8]}")
    pin_topic = ConfigResource(
        ConfigResource.Type.TOPIC,
        settings.topic("pin"),
        incremental_configs=[
            ConfigEntry("max.message.bytes", "1000", incremental_operation=AlterConfigOpType.SET)
        ],
    )
    admin = AdminClient(settings.kafka_client_config())
    admin.incremental_alter_configs([pin_topic])[pin_topic].result(timeout=10)
    api = serve_api(settings)
    letters_tail = tail(settings, [settings.topic("deadletter")])
    batch = [{"value": pin(ind, description="x" * 2000)} for ind in range(posts)]

    response = httpx.post(f"{api.url}/topics/abc.pin", headers=KAFKA_JSON, json={"records": batch})

    assert response.status_code == 500, response.text
    offsets = response.json()["offsets"]
    assert [entry["error_code"] for entry in offsets] == [50002] * posts
    assert all("Kafka refused the record" in entry["error"] for entry in offsets)
    letters = sorted(dead_letters(letters_tail, posts), key=lambda letter: letter["record_index"])
    assert [letter["record"] for letter in letters] == batch
    assert {letter["reason"] for letter in letters} == {"kafka_refused"}


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


BIG = "x" * (70 * 1024)
AVRO = {"Content-Type": "application/vnd.kafka.avro.v2+json"}
GZIP = {**KAFKA_JSON, "Content-Encoding": "gzip"}


@pytest.mark.parametrize(
    ("body", "headers", "topic", "status", "code", "message", "reason"),
    [
        ("{not json", KAFKA_JSON, "p.pin", 400, 40001, "not valid JSON", "malformed_json"),
        ('{"records": [{"value": NaN}]}', KAFKA_JSON, "p.pin", 400, 40001, "NaN", "malformed_json"),
        ("", KAFKA_JSON, "p.pin", 400, 40002, "the body is empty", "empty_body"),
        ('{"value": {"index": 1}}', KAFKA_JSON, "p.pin", 400, 40003, "'records'", "bad_envelope"),
        ('{"records": []}', KAFKA_JSON, "p.pin", 400, 40003, "non-empty", "bad_envelope"),
        ('{"records": [{"value": {"index": 1}}]}', KAFKA_JSON, "p.orders", 404, 40401,
         "not a known topic", "unknown_topic"),
        ('{"records": [{"value": {"index": 1}}]}', AVRO, "p.pin", 415, 41501, "not supported",
         "unsupported_media_type"),
        ('{"records": [{"value": {"index": 1}}]}', GZIP, "p.pin", 415, 41501,
         "Content-Encoding 'gzip' is not supported", "unsupported_media_type"),
        (json.dumps({"records": [{"value": {"index": 1, "t": BIG}}]}), KAFKA_JSON, "p.pin",
         413, 41301, "larger than 65536 bytes", "body_too_large"),
        (json.dumps({"records": [{"value": {"index": 1, "t": "y" * 9000}}]}), KAFKA_JSON, "p.pin",
         422, 42202, "more than 8192", "record_too_large"),
        ('{"records": [{"value": {"index": "one"}}]}', KAFKA_JSON, "p.pin", 422, 42201,
         "record 0: field 'index'", "invalid_record"),
        ('{"records": [[1, 2]]}', KAFKA_JSON, "p.pin", 422, 42201, "record 0:", "invalid_record"),
        ('{"records": [{"key": 1}]}', KAFKA_JSON, "p.pin", 422, 42201, "no 'value'",
         "invalid_record"),
    ],
)  # fmt: skip
def test_bad_input_gets_its_status_message_and_a_dead_letter(
    settings: Settings,
    api: ServedApi,
    tail: Callable[..., TopicTail],
    body: str,
    headers: dict[str, str],
    topic: str,
    status: int,
    code: int,
    message: str,
    reason: str,
) -> None:
    letters_tail = tail(settings, [settings.topic("deadletter")])
    response = httpx.post(f"{api.url}/topics/{topic}", headers=headers, content=body)
    assert response.status_code == status
    answer = response.json()
    assert answer["error_code"] == code
    assert message in answer["message"]

    (letter,) = dead_letters(letters_tail, 1)
    assert letter["reason"] == reason
    assert letter["topic"] == topic
    assert letter["status"] == status
    assert message in letter["message"]
    if "record_index" in letter:
        assert letter["record_index"] == 0
        assert ("record" in letter) != ("record_preview" in letter)
    else:
        assert letter["body"] == body[: len(letter["body"])]
        assert letter["body_bytes"] == len(body.encode())


def test_too_many_records_dead_letters_each_record(
    settings: Settings, api: ServedApi, tail: Callable[..., TopicTail]
) -> None:
    letters_tail = tail(settings, [settings.topic("deadletter")])
    records = [{"value": pin(i)} for i in range(settings.api_max_records + 1)]
    response = httpx.post(f"{api.url}/topics/p.pin", headers=KAFKA_JSON, json={"records": records})
    assert response.status_code == 413
    assert response.json()["error_code"] == 41302
    assert "51 records, more than 50" in response.json()["message"]
    letters = dead_letters(letters_tail, len(records))
    assert len(letters) == len(records)
    assert sorted(letter["record"]["value"]["index"] for letter in letters) == list(range(51))


def test_token_auth_guards_produce_calls_only(
    settings: Settings, serve_api: Callable[..., ServedApi], tail: Callable[..., TopicTail]
) -> None:
    secured = serve_api(settings.model_copy(update={"api_token": SecretStr("s3cret")}))
    letters_tail = tail(settings, [settings.topic("deadletter"), settings.topic("pin")])
    body = {"records": [{"value": pin(1)}]}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        response = httpx.post(
            f"{secured.url}/topics/p.pin", headers={**KAFKA_JSON, **headers}, json=body
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error_code"] == 40101
    kinesis = httpx.put(f"{secured.url}/streams/s-pin/record", json={"Data": pin(1)})
    assert kinesis.status_code == 401
    assert kinesis.json()["__type"] == "UnrecognizedClientException"
    assert httpx.get(f"{secured.url}/healthz").status_code == 200

    ok = httpx.post(
        f"{secured.url}/topics/p.pin",
        headers={**KAFKA_JSON, "Authorization": "Bearer s3cret"},
        json=body,
    )
    assert ok.status_code == 200
    # Only the authorized record reached Kafka; refused calls left no dead letters.
    (message,) = letters_tail.read(expected=1, settle_s=2.0)
    assert message.topic() == settings.topic("pin")


def test_unreachable_broker_means_503_within_the_timeout(
    settings: Settings, serve_api: Callable[..., ServedApi]
) -> None:
    nowhere = settings.model_copy(
        update={"kafka_bootstrap": f"127.0.0.1:{free_tcp_port()}", "api_produce_timeout_s": 1.5}
    )
    api = serve_api(nowhere)
    started = time.monotonic()
    response = httpx.post(
        f"{api.url}/topics/p.pin",
        headers=KAFKA_JSON,
        json={"records": [{"value": pin(1)}]},
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["error_code"] == 50301
    assert "Kafka is unavailable" in response.json()["message"]
    assert response.json()["message"].endswith(
        "GET /readyz says whether the broker answers and has the topics"
    )
    assert response.headers["retry-after"] == "1"
    assert elapsed < 1.5 + 3
    # A bad request cannot be answered 4xx either: its dead letter could not be stored.
    assert (
        httpx.post(
            f"{api.url}/topics/p.pin", headers=KAFKA_JSON, content="{", timeout=30
        ).status_code
        == 503
    )
    ready = httpx.get(f"{api.url}/readyz", timeout=30)
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    assert httpx.get(f"{api.url}/healthz").status_code == 200


@pytest.mark.slow
def test_stopped_broker_means_503_and_a_restarted_one_is_used_again(
    fresh_kafka_settings: Settings, serve_api: Callable[..., ServedApi]
) -> None:
    own = fresh_kafka_settings.model_copy(update={"api_produce_timeout_s": 2.0})
    kafka_stack.up(own)
    try:
        api = serve_api(own)
        body = {"records": [{"value": pin(1)}]}
        assert (
            httpx.post(f"{api.url}/topics/p.pin", headers=KAFKA_JSON, json=body).status_code == 200
        )
        kafka_stack.down(own)
        started = time.monotonic()
        response = httpx.post(f"{api.url}/topics/p.pin", headers=KAFKA_JSON, json=body, timeout=30)
        assert response.status_code == 503
        assert time.monotonic() - started < 2.0 + 3
        kafka_stack.up(own)
        deadline = time.monotonic() + 30
        while True:  # the producer reconnects by itself; no API restart needed
            response = httpx.post(
                f"{api.url}/topics/p.pin", headers=KAFKA_JSON, json=body, timeout=30
            )
            if response.status_code == 200 or time.monotonic() > deadline:
                break
        assert response.status_code == 200
    finally:
        kafka_stack.down(own)


def test_acknowledged_records_survive_a_killed_broker(
    fresh_kafka_settings: Settings,
    serve_api: Callable[..., ServedApi],
    tail: Callable[..., TopicTail],
) -> None:
    """Acknowledged means durable: every record the API answered 200 for is read back,
    at the offset it was answered with, after the broker is killed with SIGKILL (no
    clean shutdown, its logs recovered on the next start) and started again."""
    own = fresh_kafka_settings
    broker = kafka_stack.up(own)
    try:
        assert broker.pid is not None
        reader = tail(own, [own.topic("pin")])
        api = serve_api(own)
        sent: dict[tuple[int, int], dict[str, Any]] = {}
        with httpx.Client(base_url=api.url, timeout=30) as client:
            for batch in range(4):
                records = [pin(100 * batch + i, probe=str(uuid.uuid4())) for i in range(50)]
                body = {"records": [{"value": record} for record in records]}
                response = client.post("/topics/p.pin", headers=KAFKA_JSON, json=body)
                assert response.status_code == 200, response.text
                for record, offset in zip(records, response.json()["offsets"], strict=True):
                    sent[(offset["partition"], offset["offset"])] = record

        os.kill(broker.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while kafka_stack.status(own).running and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not kafka_stack.status(own).running
        kafka_stack.up(own)

        messages = reader.read(expected=len(sent), timeout_s=60)
        assert {(m.partition(), m.offset()): json.loads(m.value()) for m in messages} == sent
        assert len(messages) == len(sent)
    finally:
        kafka_stack.down(own)


def test_health_readiness_metrics_and_docs(settings: Settings, api: ServedApi) -> None:
    with httpx.Client(base_url=api.url) as client:
        assert client.get("/healthz").json() == {"status": "ok", "pid": os.getpid()}
        assert client.get("/readyz").json()["status"] == "ready"
        client.post("/topics/p.pin", headers=KAFKA_JSON, json={"records": [{"value": pin(1)}]})
        client.post("/topics/p.pin", headers=KAFKA_JSON, json={"records": [{"value": {}}]})
        metrics = client.get("/metrics").text
        assert 'pinlake_api_records_accepted_total{kind="pin",protocol="kafka-rest"} 1.0' in metrics
        assert (
            'pinlake_api_records_rejected_total{kind="pin",reason="invalid_record"} 1.0' in metrics
        )
        assert (
            'pinlake_api_requests_total{method="POST",route="/topics/{topic}",status="422"} 1.0'
            in metrics
        )
        assert "pinlake_api_produce_seconds_bucket" in metrics
        schema = client.get("/openapi.json").json()
        produce_paths = {
            "/topics/{topic}": "post",
            "/streams/{stream}/record": "put",
            "/streams/{stream}/records": "put",
        }
        assert set(produce_paths) <= set(schema["paths"])
        for path, method in produce_paths.items():
            # The produce routes enforce the token themselves; the docs must still say so.
            assert schema["paths"][path][method]["security"] == [{"HTTPBearer": []}]
        assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "field", "value"),
    [
        ("POST", "/v2/topics/p.pin", 404, "error_code", 40400),
        ("GET", "/", 404, "error_code", 40400),
        ("GET", "/topics/p.pin", 405, "error_code", 40500),
        ("PUT", "/streams/s-pin", 404, "__type", "UnknownOperationException"),
        ("POST", "/streams/s-pin/records", 405, "__type", "UnknownOperationException"),
    ],
)
def test_a_path_or_method_no_route_serves_is_answered_with_the_routes(
    api: ServedApi, method: str, path: str, status: int, field: str, value: object
) -> None:
    """In the protocol's error format, where FastAPI's own answer was {"detail": "Not Found"}."""
    answer = httpx.request(method, f"{api.url}{path}", json={"records": []}, timeout=10)
    assert answer.status_code == status
    assert answer.json() == {
        field: value,
        "message": f"no route {method} {path}: the API serves POST /topics/{{topic}}, "
        "PUT /streams/{stream}/record, PUT /streams/{stream}/records, "
        "GET /healthz, /readyz, /metrics and /docs",
    }
    if status == 405:
        assert answer.headers["allow"] in {"POST", "PUT"}


def test_readiness_reports_missing_topics(
    kafka_settings: Settings, serve_api: Callable[..., ServedApi]
) -> None:
    api = serve_api(kafka_settings.model_copy(update={"kafka_topic_prefix": "never-created"}))
    ready = httpx.get(f"{api.url}/readyz", timeout=30)
    assert ready.status_code == 503
    assert "never-created.pin" in ready.json()["missing"]
