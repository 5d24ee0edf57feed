"""Fixtures of the streaming tests: one Spark session per pytest process, fresh topics per test.

The broker is the session's ``kafka_settings`` one; every test gets its own topic
prefix and ``PINLAKE_HOME``, so records, bronze tables and checkpoints of one test
never meet another's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from ingestion import kafka_stack
from orchestration.settings import Settings

Produce = Callable[..., None]


@pytest.fixture(scope="session")
def stream_spark(spark: Any) -> Any:
    """The suite's one Spark session; the stream reads and writes tables by path only."""
    return spark


@pytest.fixture
def home_settings(lakehouse_settings: Settings, tmp_path: Path) -> Settings:
    """The suite's settings with a lakehouse home of this test's own (no Kafka needed)."""
    return lakehouse_settings.model_copy(update={"home": tmp_path / "home"})


@pytest.fixture
def spark_setting(stream_spark: Any) -> Iterator[Callable[[str, str], None]]:
    """``spark_setting(key, value)``: set a session setting for this test; restored after."""
    before: dict[str, str | None] = {}

    def set_for_test(key: str, value: str) -> None:
        before.setdefault(key, stream_spark.conf.get(key, None))
        stream_spark.conf.set(key, value)

    yield set_for_test
    for key, value in before.items():
        if value is None:
            stream_spark.conf.unset(key)
        else:
            stream_spark.conf.set(key, value)


@pytest.fixture
def stream_settings(kafka_settings: Settings, tmp_path: Path) -> Settings:
    """The session broker with topics of this test's own and a fresh lakehouse home."""
    settings = kafka_settings.model_copy(
        update={
            "home": tmp_path / "home",
            "kafka_topic_prefix": f"t{uuid.uuid4().hex[:10]}",
            "stream_trigger_seconds": 0.5,
            "stream_realtime_trigger_seconds": 1.0,
        }
    )
    kafka_stack.ensure_topics(settings)
    return settings


@pytest.fixture
def produce(stream_settings: Settings) -> Iterator[Produce]:
    """``produce(kind, values, at=None)``: write raw values to a kind's topic, acknowledged.

    ``at`` sets the Kafka (create) timestamp, to make records late on purpose.
    """
    producer = Producer({**stream_settings.kafka_client_config(), "linger.ms": 5})
    failures: list[str] = []

    def on_delivery(error: object, _message: object) -> None:
        if error is not None:
            failures.append(str(error))

    def send(kind: str, values: Sequence[bytes], at: datetime | None = None) -> None:
        # 0 is confluent-kafka's default: librdkafka stamps the record when it is produced.
        stamp = int(at.timestamp() * 1000) if at else 0
        for position, value in enumerate(values):
            while True:
                try:
                    producer.produce(
                        stream_settings.topic(kind),
                        value=value,
                        # Round robin, so every partition has records to keep apart.
                        partition=position % stream_settings.kafka_partitions,
                        on_delivery=on_delivery,
                        timestamp=stamp,
                    )
                    break
                except BufferError:
                    producer.poll(0.1)
        assert producer.flush(30) == 0, "the broker did not acknowledge every record"
        assert not failures, failures

    yield send
    producer.flush(10)
