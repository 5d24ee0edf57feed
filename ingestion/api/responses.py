"""The JSON response of the produce routes, rendered by orjson.

A batch of 500 records is answered with 500 ``offsets`` entries; Starlette's
``JSONResponse`` renders them with ``json.dumps``, which cost more than validating the
records. The answers hold only strings, integers and nulls, so orjson's output is the
same JSON.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
