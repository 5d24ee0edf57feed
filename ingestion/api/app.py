"""The ingestion API: one FastAPI app that speaks both wire formats of the original clients.

``create_app`` builds an independent app (own producer unless one is given, own metrics
registry), so tests and benchmarks can run several side by side. Besides the produce
routes it serves ``/healthz`` (the process answers), ``/readyz`` (Kafka answers and our
topics exist), ``/metrics`` (Prometheus) and the OpenAPI docs at ``/docs``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingestion.api import kafka_rest, kinesis
from ingestion.api.errors import BROKER_UNAVAILABLE, ApiError, handle_api_error, handle_no_route
from ingestion.api.intake import Intake
from ingestion.api.metrics import ApiMetrics, RequestMetricsMiddleware
from ingestion.kafka_stack import wanted_topics
from ingestion.producer import BrokerUnavailable, IngestProducer
from orchestration.settings import Settings, get_settings

_READY_TIMEOUT_S = 2.0

DESCRIPTION = """\
Front door of the pinlake pipeline. Clients of the original Pinterest pipelines work
unchanged with only a new base URL:

* **Kafka REST Proxy v2**: `POST /topics/{topic}` with `{"records": [{"value": {...}}]}`.
* **Kinesis via API Gateway**: `PUT /streams/{stream}/record` and `/records`.

Any topic or stream name ending in `.pin`, `-geo`, `_user` (etc.) maps to that kind.
A success means Kafka acknowledged every record (idempotent producer, `acks=all`);
refused records get per-record errors and are kept in the dead-letter topic.
"""


async def _broker_unavailable(request: Request, error: Exception) -> JSONResponse:
    """Kafka could not take the records in time: 503, never a false 200."""
    return await handle_api_error(
        request,
        ApiError(
            BROKER_UNAVAILABLE,
            f"Kafka is unavailable, nothing was accepted; retry later ({error}). "
            "GET /readyz says whether the broker answers and has the topics",
            headers={"Retry-After": "1"},
        ),
    )


def create_app(settings: Settings | None = None, producer: IngestProducer | None = None) -> FastAPI:
    """A ready-to-serve app; a producer passed in is the caller's to close, ours is closed
    when the app shuts down (after delivering what is in flight, bounded)."""
    settings = settings or get_settings()
    owned = producer is None
    producer = producer or IngestProducer(settings)
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            await run_in_threadpool(producer.close)

    app = FastAPI(
        title="pinlake ingestion API",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.intake = Intake(settings, producer, metrics)
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(StarletteHTTPException, handle_no_route)
    app.add_exception_handler(BrokerUnavailable, _broker_unavailable)
    app.include_router(kafka_rest.router)
    app.include_router(kinesis.router)
    wanted = wanted_topics(settings)

    @app.get("/healthz", tags=["operations"], summary="The process is up")
    async def healthz() -> dict[str, str | int]:
        # the process id tells which worker answered when `pinlake api --workers` > 1
        return {"status": "ok", "pid": os.getpid()}

    @app.get("/readyz", tags=["operations"], summary="Kafka answers and the topics exist")
    def readyz() -> JSONResponse:
        try:
            topics = producer.ping(min(_READY_TIMEOUT_S, settings.api_produce_timeout_s))
        except BrokerUnavailable as error:
            return JSONResponse(
                {
                    "status": "unavailable",
                    "bootstrap": settings.kafka_bootstrap,
                    "error": str(error),
                },
                status_code=503,
            )
        missing = [topic for topic in wanted if topic not in topics]
        if missing:
            return JSONResponse(
                {"status": "topics missing", "missing": missing, "hint": "run `pinlake stack up`"},
                status_code=503,
            )
        return JSONResponse({"status": "ready", "bootstrap": settings.kafka_bootstrap})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(RequestMetricsMiddleware, metrics=metrics)
    return app
