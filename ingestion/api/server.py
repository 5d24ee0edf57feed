"""``pinlake api``: serve the ingestion API with uvicorn.

One Python process tops out at about one core, and per-request work (HTTP parsing,
routing, validation, the producer's callbacks) is Python. ``api_workers`` (``--workers``)
runs several uvicorn worker processes on the same port, each with its own listening
socket (see :mod:`ingestion.api.workers`); each builds its own app and its own
idempotent producer from the settings, so nothing is shared between processes. Their
Prometheus counters are per process: a scrape of ``/metrics`` sees the worker that
answered it (``/healthz`` names its process id).
"""

from __future__ import annotations

import gc
from typing import Any

import uvicorn
from fastapi import FastAPI

from ingestion.api.app import create_app
from ingestion.api.workers import check_port_free, run_workers
from orchestration.settings import Settings, get_settings


def _built(app: FastAPI) -> FastAPI:
    """``app``, with everything built so far frozen out of the garbage collector's sight.

    The modules, the app and its schemas live as long as the process. Frozen, the
    collector stops scanning them again on each collection that a request's short-lived
    objects trigger: that scanning was ~15% of a worker's CPU under batched load.
    """
    gc.freeze()
    return app


def worker_app() -> FastAPI:
    """The app of one worker process; uvicorn calls it in each worker (``factory=True``)."""
    return _built(create_app(get_settings()))


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    access_log: bool = False,
    workers: int | None = None,
) -> None:
    """Run until interrupted. The access log is off by default: at thousands of requests
    per second it costs more than the work, and ``/metrics`` counts every request.

    With more than one worker, each worker reads its settings from the environment
    (uvicorn starts them as fresh processes), so ``settings`` must be the environment's.
    """
    workers = workers or settings.api_workers
    host = host or settings.api_host
    port = port or settings.api_port
    options: dict[str, Any] = {
        "access_log": access_log,
        "log_level": "info",
        "loop": "uvloop",
        "http": "httptools",
    }
    check_port_free(host, port)  # one line, before the app or any worker is built
    if workers > 1:
        run_workers(host, port, workers, options)
    else:
        uvicorn.run(_built(create_app(settings)), host=host, port=port, **options)
