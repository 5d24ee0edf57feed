"""Optional bearer-token auth for the produce endpoints.

When ``PINLAKE_API_TOKEN`` is set, a produce call must carry
``Authorization: Bearer <token>``; without it the answer is 401 before the body is
read, and nothing reaches Kafka, not even a dead letter: an unauthenticated caller
must not be able to fill the dead-letter topic. Health, readiness, metrics and docs
stay open so probes and scrapers need no secret.

The produce routers declare :data:`bearer` so the OpenAPI docs show the scheme (and
the docs page's "Authorize" button works); :class:`ingestion.api.routing.ProduceRoute`
enforces it with :func:`check_token` on every call.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.security import HTTPBearer

from ingestion.api.errors import UNAUTHORIZED, ApiError

bearer = HTTPBearer(
    auto_error=False,
    description="Required when the server runs with PINLAKE_API_TOKEN set.",
)


def check_token(request: Request) -> None:
    """Raise 401 unless the server has no token or the request carries it."""
    token = request.app.state.settings.api_token
    if token is None:
        return
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        credentials.strip().encode(), token.get_secret_value().encode()
    ):
        raise ApiError(
            UNAUTHORIZED,
            "a valid bearer token is required: send 'Authorization: Bearer <PINLAKE_API_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
