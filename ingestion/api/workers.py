"""Several API worker processes on one port, each with its own listening socket.

uvicorn's own ``--workers`` shares one listening socket among its processes, and the
worker that wakes first accepts every connection waiting. Clients that open their
keep-alive connections together (the emulator's pool, a load balancer's pool, the
benchmark) then all land on one worker while the others idle: with two workers and
eight connections, one worker served every request at 100% of a core and the other
none. Here each worker binds its own socket with ``SO_REUSEPORT`` and the kernel spreads
new connections across the sockets by a hash of their addresses.

The parent only supervises: it starts the workers, forwards SIGINT/SIGTERM (each
worker then shuts down gracefully, finishing the requests in flight) and, when a worker
dies on its own, stops the others and exits non-zero, so the service manager that runs
``pinlake api`` restarts it whole.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("pinlake.api")

_STOP_GRACE_S = 30.0
"""How long a worker may take to finish its requests in flight once told to stop."""


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` that other ``SO_REUSEPORT`` sockets may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def check_port_free(host: str, port: int) -> None:
    """Fail fast if anything (a stale ``pinlake api`` included) already holds the port.

    A plain bind, without ``SO_REUSEPORT``, is refused while any socket holds the port;
    the workers' shared binds would not be.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SystemExit(f"pinlake api: cannot listen on {host}:{port}: {error}") from None


def _serve_one(host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own socket, its own app (settings from the environment)."""
    sock = reuse_port_socket(host, port)
    config = uvicorn.Config("ingestion.api.server:worker_app", factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Serve with ``workers`` processes until SIGINT/SIGTERM or until one of them dies.

    The caller has checked the port is free (:func:`check_port_free`).
    """
    context = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = [
        context.Process(target=_serve_one, args=(host, port, options), name=f"pinlake-api-{i}")
        for i in range(workers)
    ]
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # SIGTERM to each worker is a graceful stop, also after a terminal's SIGINT
        # reached the whole process group (uvicorn forces only on a second SIGINT).
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.pid is not None and process.is_alive():
                process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for process in processes:
            process.start()
        log.info("pinlake api: %d workers on %s:%d (SO_REUSEPORT)", workers, host, port)
        while not stopping and all(process.is_alive() for process in processes):
            time.sleep(0.2)
        if not stopping:
            dead = next(process for process in processes if not process.is_alive())
            log.error("pinlake api: %s exited (%s); stopping the others", dead.name, dead.exitcode)
            for process in processes:
                if process.is_alive():
                    process.terminate()
        for process in processes:
            process.join(_STOP_GRACE_S)
            if process.is_alive():
                process.kill()
                process.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not stopping:
        sys.exit(1)
