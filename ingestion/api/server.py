"""``pinlake api``: serve the ingestion API with uvicorn."""

from __future__ import annotations

import uvicorn

from ingestion.api.app import create_app
from orchestration.settings import Settings


def serve(
    settings: Settings, host: str | None = None, port: int | None = None, access_log: bool = False
) -> None:
    """Run until interrupted. The access log is off by default: at thousands of requests
    per second it costs more than the work, and ``/metrics`` counts every request."""
    uvicorn.run(
        create_app(settings),
        host=host or settings.api_host,
        port=port or settings.api_port,
        access_log=access_log,
        log_level="info",
    )
