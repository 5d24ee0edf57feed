"""Prometheus metrics of one API instance: requests, records accepted/rejected, produce latency.

Each app owns its :class:`~prometheus_client.CollectorRegistry` instead of the global
one, so several apps (tests, benchmarks) can live in one process without clashing.
Request counting is a plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` would
cost a task per request on the hot path.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "pinlake_api_requests",
            "HTTP requests by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "pinlake_api_request_seconds",
            "Time to answer a request, by route template.",
            ["route"],
            registry=self.registry,
        )
        self.records_accepted = Counter(
            "pinlake_api_records_accepted",
            "Records acknowledged by Kafka, by record kind and protocol.",
            ["kind", "protocol"],
            registry=self.registry,
        )
        self.records_rejected = Counter(
            "pinlake_api_records_rejected",
            "Records (or unreadable requests) refused, by kind ('unknown' if none) and reason.",
            ["kind", "reason"],
            registry=self.registry,
        )
        self.deadletters = Counter(
            "pinlake_api_deadletters",
            "Dead-letter records acknowledged by Kafka.",
            registry=self.registry,
        )
        self.produce_seconds = Histogram(
            "pinlake_api_produce_seconds",
            "Time from handing a request's records to the producer until Kafka acknowledged all.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )


class RequestMetricsMiddleware:
    """Counts every HTTP request by its route *template* (``/topics/{topic}``), not its URL,
    so client-chosen topic names cannot blow up the metric's cardinality."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.request_seconds.labels(route).observe(time.perf_counter() - started)
