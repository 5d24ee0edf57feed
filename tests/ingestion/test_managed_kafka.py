"""A managed Kafka that wants credentials (SASL/PLAIN), reached through the settings alone.

The cluster is a real broker of the pinned Kafka whose only client listener takes
SASL_PLAINTEXT (``tests/sasl_kafka.py``). ``pinlake stack up`` creates the topics on
it, the API writes to it, and wrong credentials are named as such at once, instead of
a wait that ends in "did not answer".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from conftest import ServedApi, TopicTail
from pydantic import SecretStr
from sasl_kafka import sasl_broker
from typer.testing import CliRunner

from ingestion import kafka_stack
from orchestration import stack_cli
from orchestration.settings import Settings

pytestmark = pytest.mark.kafka

REFUSED = "refused pinlake's credentials or TLS"


@pytest.fixture(scope="module")
def managed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with sasl_broker(tmp_path_factory.mktemp("sasl")) as settings:
        yield settings


@pytest.fixture
def wrong_password(managed: Settings) -> Settings:
    return managed.model_copy(
        update={"kafka_sasl_password": SecretStr(uuid.uuid4().hex), "api_produce_timeout_s": 3.0}
    )


def test_stack_up_creates_the_topics_and_the_api_writes_with_credentials(
    managed: Settings, serve_api: Callable[..., ServedApi], tail: Callable[..., TopicTail]
) -> None:
    status = kafka_stack.up(managed)
    assert status.reachable and status.running is None  # managed: nothing started here
    assert set(kafka_stack.wanted_topics(managed)) <= set(status.topics)

    records = tail(managed, [managed.topic("pin")])
    api = serve_api(managed)
    assert httpx.get(f"{api.url}/readyz").json()["status"] == "ready"
    answer = httpx.post(
        f"{api.url}/topics/u1.pin",
        json={"records": [{"value": {"index": 7, "category": "diy"}}]},
        headers={"Content-Type": "application/vnd.kafka.json.v2+json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["offsets"][0]["error"] is None
    [message] = records.read(1)
    assert b'"index":7' in message.value().replace(b" ", b"")


def test_wrong_password_is_named_at_once_not_waited_out(wrong_password: Settings) -> None:
    topics = kafka_stack.wanted_topics(wrong_password)
    started = time.monotonic()
    with pytest.raises(kafka_stack.KafkaStackError) as refused:
        kafka_stack.require_topics(wrong_password, topics, timeout_s=60)
    assert time.monotonic() - started < 20
    message = str(refused.value)
    assert message.startswith(f"Kafka at {wrong_password.kafka_bootstrap} {REFUSED} (")
    assert "Invalid username or password" in message
    assert "PINLAKE_KAFKA_SASL_PASSWORD" in message

    started = time.monotonic()
    with pytest.raises(kafka_stack.KafkaStackError, match=REFUSED):
        kafka_stack.up(wrong_password.model_copy(update={"kafka_start_timeout_s": 60}))
    assert time.monotonic() - started < 20

    status = CliRunner().invoke(stack_cli.stack_app, ["status"], obj=wrong_password)
    assert status.exit_code == 1
    assert "managed cluster, unreachable" in status.output
    assert REFUSED in " ".join(status.output.split())  # the console wraps long lines


def test_api_says_kafka_refuses_its_credentials(
    wrong_password: Settings, serve_api: Callable[..., ServedApi]
) -> None:
    api = serve_api(wrong_password)
    ready = httpx.get(f"{api.url}/readyz", timeout=10)
    assert ready.status_code == 503
    assert REFUSED in ready.json()["error"]

    answer = httpx.post(
        f"{api.url}/topics/pinterest.pin",
        json={"records": [{"value": {"index": 1}}]},
        headers={"Content-Type": "application/vnd.kafka.json.v2+json"},
        timeout=15,
    )
    assert answer.status_code == 503
    assert REFUSED in answer.json()["message"]
