"""A stand-in for dbt's ``adapter`` object when sqlfluff renders models with plain jinja.

The jinja templater has no live adapter, so ``adapter.dispatch("parse_follower_count",
"pinlake")(column)`` would fail to render. Here a dispatched macro renders as a SQL call
of the same name with its SQL arguments (``parse_follower_count(record.follower_count)``),
which keeps the model's own SQL lintable; the macro bodies are checked by dbt's unit tests.
"""

from __future__ import annotations

from collections.abc import Callable


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    def render(*args: object, **kwargs: object) -> str:
        sql_args = [str(arg) for arg in args if isinstance(arg, str)]
        return f"{macro_name}({', '.join(sql_args)})"

    return render
