"""Fixtures shared by the suite; those that start real services clean up after themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from ports import free_tcp_port

from orchestration.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

# --- Kafka: one real broker per test session -------------------------------------------


def local_kafka_settings(home: Path) -> Settings:
    """Settings for a fresh local broker on free ports under ``home`` (a temp folder)."""
    return Settings(
        home=home,
        kafka_bootstrap=f"127.0.0.1:{free_tcp_port()}",
        kafka_controller_port=free_tcp_port(),
        kafka_local_broker=True,
        kafka_security_protocol="PLAINTEXT",
        kafka_sasl_mechanism=None,
        kafka_sasl_username=None,
        kafka_sasl_password=None,
    )


@pytest.fixture
def fresh_kafka_settings(tmp_path: Path) -> Settings:
    """Settings for a broker of the test's own (not started), for tests that stop brokers."""
    return local_kafka_settings(tmp_path / "home")


@pytest.fixture(scope="session")
def kafka_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings pointing at a real Kafka broker started once for the session, topics created.

    The broker is the same one ``pinlake stack up`` runs, on free ports with its data in
    a temp folder; it is stopped when the session ends.
    """
    from ingestion import kafka_stack

    settings = local_kafka_settings(tmp_path_factory.mktemp("kafka-session"))
    kafka_stack.up(settings)
    try:
        yield settings
    finally:
        kafka_stack.down(settings)


# --- Source DB: a small generated source -------------------------------------------------


@pytest.fixture
def generated_source_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a fresh SQLite source DB holding 500 generated posts (ind 0..499).

    Seeded, so every test sees the same rows; append more with
    ``ingestion.generator.generate(engine, posts, seed, start_ind=500)``.
    """
    from ingestion.generator import generate
    from ingestion.source_db import make_engine

    url = f"sqlite:///{tmp_path / 'source' / 'source.db'}"
    engine = make_engine(url)
    generate(engine, posts=500, seed=7, progress=False)
    engine.dispose()
    return url


# --- Ingestion API: served for real on a free port, and topics read back -----------------


class ServedApi:
    """An ingestion API served by uvicorn in a thread of the test process, on a free port."""

    def __init__(self, app: FastAPI) -> None:
        import threading

        import uvicorn

        self.port = free_tcp_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout_s: float = 15.0) -> ServedApi:
        import time

        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the API did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serving_apis() -> Iterator[Callable[..., ServedApi]]:
    """Start ``create_app(settings, ...)`` on a free port; every API started is stopped after."""
    from ingestion.api import create_app

    served: list[ServedApi] = []

    def start(settings: Settings, **kwargs: object) -> ServedApi:
        api = ServedApi(create_app(settings, **kwargs)).start()  # type: ignore[arg-type]
        served.append(api)
        return api

    yield start
    for api in served:
        api.stop()


@pytest.fixture
def serve_api() -> Iterator[Callable[..., ServedApi]]:
    """APIs started by the test (``serve_api(settings)``), stopped when it ends."""
    yield from serving_apis()


@pytest.fixture(scope="module")
def serve_api_for_module() -> Iterator[Callable[..., ServedApi]]:
    """APIs started by a module's fixtures, stopped when the module ends."""
    yield from serving_apis()


def topic_settings(settings: Settings, prefix: str) -> Settings:
    """``settings`` with its own topic prefix, its topics created: tests stay independent."""
    from ingestion import kafka_stack

    scoped = settings.model_copy(update={"kafka_topic_prefix": prefix})
    kafka_stack.ensure_topics(scoped)
    return scoped


class TopicTail:
    """Reads what is written to topics *after* it was created (from their end offsets)."""

    def __init__(self, settings: Settings, topics: list[str]) -> None:
        from confluent_kafka import Consumer, TopicPartition

        self.consumer = Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"test-tail-{id(self)}",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
            }
        )
        metadata = self.consumer.list_topics(timeout=10)
        assignment = []
        for topic in topics:
            for partition in metadata.topics[topic].partitions:
                _, high = self.consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                assignment.append(TopicPartition(topic, partition, high))
        self.consumer.assign(assignment)

    def read(self, expected: int, timeout_s: float = 20.0, settle_s: float = 1.0) -> list[Any]:
        """At least ``expected`` messages, then whatever else arrives within ``settle_s``
        (so duplicates would show up as extra messages)."""
        import time

        messages: list[Any] = []
        deadline = time.monotonic() + timeout_s
        settle_until: float | None = None
        while True:
            now = time.monotonic()
            if settle_until is None and len(messages) >= expected:
                settle_until = now + settle_s
            if (settle_until is not None and now > settle_until) or now > deadline:
                return messages
            message = self.consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                raise RuntimeError(message.error())
            messages.append(message)

    def close(self) -> None:
        self.consumer.close()


@pytest.fixture
def tail() -> Iterator[Callable[[Settings, list[str]], TopicTail]]:
    """``tail(settings, topics)`` starts reading ``topics`` from now on; closed after the test."""
    tails: list[TopicTail] = []

    def start(settings: Settings, topics: list[str]) -> TopicTail:
        reader = TopicTail(settings, topics)
        tails.append(reader)
        return reader

    yield start
    for reader in tails:
        reader.close()


# --- Spark + lakehouse: one Spark JVM per pytest process ---------------------------------


@pytest.fixture(scope="session")
def lakehouse_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for a fresh lakehouse in a temp folder, for the whole session.

    ``PINLAKE_HOME`` is exported too (before any Spark session starts), so the dbt
    profile, which reads it with ``env_var``, points at the same warehouse and metastore
    as the session the tests start. The folder's name holds a space, as a user's home may,
    so every Spark test also checks that paths reach the JVM intact.
    """
    home = tmp_path_factory.mktemp("lake house")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PINLAKE_HOME", str(home))
        patch.setenv("PINLAKE_DBT_TARGET", "local")
        yield Settings(home=home)


@pytest.fixture(scope="session")
def spark(lakehouse_settings: Settings) -> Iterator[Any]:
    """The process's Spark session (Delta, Hive metastore in the temp lakehouse).

    dbt-spark's ``session`` method reuses it, so a build run in-process sees the bronze
    tables the test wrote. Spark allows one such session per JVM and the JVM lives as
    long as the pytest process: every Spark test of a run shares this fixture.
    """
    from streaming.spark import build_session, metastore_lock

    with metastore_lock(lakehouse_settings, "pytest"):
        session = build_session(lakehouse_settings, catalog=True)
        try:
            yield session
        finally:
            session.stop()
