"""The benchmarks' Kafka broker: the configured one if it answers, else a temporary one.

``make bench`` runs on a fresh machine where no broker is up; a benchmark then starts
a local broker of its own on free ports, with its data under the run's home, and
stops it at the end. A broker that already answers (``pinlake stack up``, or a managed
cluster in the settings) is used as it is.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from ingestion import kafka_stack
from orchestration.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker(settings: Settings) -> Iterator[Settings]:
    """The configured broker if it answers, else a temporary local one on free ports.

    The temporary broker keeps its data under ``settings.home``: pass a run's own home.
    """
    if kafka_stack.status(settings).reachable:
        yield settings
        return
    local = settings.model_copy(
        update={
            "kafka_bootstrap": f"127.0.0.1:{free_port()}",
            "kafka_controller_port": free_port(),
            "kafka_local_broker": True,
        }
    )
    kafka_stack.up(local)
    try:
        yield local
    finally:
        kafka_stack.down(local)
