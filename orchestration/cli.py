"""The ``pinlake`` command line: one entry point for every part of the pipeline.

Each command reads the settings once, hands them to the module that does the work,
and turns known failures (metastore busy, set-up missing) into one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from orchestration.jvm import JvmArtifactsMissing
from orchestration.settings import get_settings

app = typer.Typer(
    name="pinlake",
    help="Lakehouse pipeline for social-media post events.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print known operational failures as one line and exit 1 instead of a stack trace."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from streaming.spark import MetastoreBusy

        try:
            return func(*args, **kwargs)
        except (MetastoreBusy, JvmArtifactsMissing) as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(1) from None

    return wrapper


@app.command("setup-jvm")
def setup_jvm(force: bool = typer.Option(False, help="Resolve again even if unchanged.")) -> None:
    """Resolve the pinned JVM artifacts (Delta, Spark-Kafka connector, Kafka) into the cache."""
    from orchestration import jvm

    jvm.resolve_all(force=force)
    console.print(f"JVM artifacts ready in {get_settings().jvm_cache}")
