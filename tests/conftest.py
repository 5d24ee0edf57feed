"""Fixtures shared by the whole suite; the ones that start real services clean up after themselves."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.settings import Settings

# --- Kafka: one real broker per test session -------------------------------------------


def free_tcp_port() -> int:
    """A port nothing listens on now; the OS picks it, so parallel sessions do not collide."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
