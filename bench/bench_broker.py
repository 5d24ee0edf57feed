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
from pathlib import Path

from ingestion import kafka_stack
from orchestration.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker(configured: Settings, home: Path) -> Iterator[Settings]:
    """The run's settings under ``home``, with the configured broker if it answers, else
    with a temporary local one on free ports whose data lives under ``home``.

    The probe uses the configured settings: a local broker started by ``pinlake stack
    up`` is known by its pid file under the configured home, not the run's.
    """
    run = configured.model_copy(update={"home": home})
    if kafka_stack.status(configured).reachable:
        yield run
        return
    local = run.model_copy(
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
