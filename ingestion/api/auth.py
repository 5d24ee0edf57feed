"""Optional bearer-token auth for the produce endpoints.

When ``PINLAKE_API_TOKEN`` is set, a produce call must carry
``Authorization: Bearer <token>``; without it the answer is 401 before the body is
read, and nothing reaches Kafka, not even a dead letter: an unauthenticated caller
must not be able to fill the dead-letter topic. Health, readiness, metrics and docs
stay open so probes and scrapers need no secret.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ingestion.api.errors import UNAUTHORIZED, ApiError

bearer = HTTPBearer(
    auto_error=False,
    description="Required when the server runs with PINLAKE_API_TOKEN set.",
)


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    token = request.app.state.settings.api_token
    if token is None:
        return
    expected = token.get_secret_value().encode()
    if credentials is None or not secrets.compare_digest(
        credentials.credentials.encode(), expected
    ):
        raise ApiError(
            UNAUTHORIZED,
            "a valid bearer token is required: send 'Authorization: Bearer <PINLAKE_API_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
