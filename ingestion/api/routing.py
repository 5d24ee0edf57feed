"""The route class of the produce endpoints: FastAPI documents them, the request goes straight in.

A produce endpoint takes only its path's name (topic or stream) and the request, and
reads its own body (with a byte limit, see :mod:`ingestion.api.intake`). FastAPI's
per-request machinery around an endpoint (solving dependencies, which parses the query
string and cookies whether or not anything uses them, and two exit stacks) cost about
a tenth of the API's CPU at a thousand requests per second, for nothing these endpoints
use. :class:`ProduceRoute` keeps everything FastAPI builds from the declaration (path,
OpenAPI schema, the bearer security scheme) and serves a request with a plain handler:
check the token, call the endpoint. Exceptions still reach the app's handlers
(``ApiError`` and ``BrokerUnavailable`` become their JSON answers).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import request_response

from ingestion.api.auth import check_token

Endpoint = Callable[[str, Request], Awaitable[Response]]


class ProduceRoute(APIRoute):
    """An ``APIRoute`` whose endpoint is ``async def (name: str, request: Request)``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        names = list(self.param_convertors)
        if len(names) != 1:
            raise ValueError(f"a produce route has one path parameter, {path} has {names}")
        self.app = request_response(self._handler(endpoint, names[0]))

    @staticmethod
    def _handler(endpoint: Endpoint, name: str) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            check_token(request)
            return await endpoint(request.path_params[name], request)

        return handle
