"""The benchmarks' own topics: created for a run and deleted after it.

The benchmarks write millions of records under a ``bench-...`` topic prefix. On the
lakehouse's own broker those topics used to stay behind: 116 of them and 15 GB after a
few days of runs, which slowed the broker for everything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from confluent_kafka.admin import AdminClient

from ingestion import kafka_stack
from orchestration.settings import Settings


@contextmanager
def throwaway_topics(settings: Settings) -> Iterator[None]:
    """Create the run's pipeline topics (``settings.kafka_topic_prefix``), delete them after."""
    if not settings.kafka_topic_prefix.startswith("bench-"):
        raise ValueError(f"not a benchmark's prefix: {settings.kafka_topic_prefix!r}")
    kafka_stack.ensure_topics(settings)
    try:
        yield
    finally:
        admin = AdminClient(settings.kafka_client_config())
        futures = admin.delete_topics(kafka_stack.wanted_topics(settings), operation_timeout=30)
        for future in futures.values():
            future.result()
