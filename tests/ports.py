"""Free loopback ports for the services tests start (brokers, APIs, Spark clusters).

A module of its own, not the root ``conftest.py``: a folder with a ``conftest.py`` of its
own (tests/streaming) cannot import the root one by name.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _ephemeral_ports() -> range:
    """The ports the kernel hands out to sockets that bind port 0 (and to outgoing ones)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_tcp_port() -> int:
    """A port nothing listens on now, outside the kernel's ephemeral range.

    A service a test stops and starts again on the same port (a broker killed and
    restarted) must find it free: in the ephemeral range any process binding port 0
    (a Spark JVM in the other test lane) can take it meanwhile, and a connection to it
    can answer itself. Ports below the range are only ever taken on purpose; picking one
    at random keeps parallel sessions apart.
    """
    ephemeral = _ephemeral_ports()
    candidates = [port for port in range(20000, 32768) if port not in ephemeral]
    for port in random.sample(candidates, k=min(200, len(candidates))):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port below the ephemeral range")
