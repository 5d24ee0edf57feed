"""``pinlake demo`` (``make demo``): the whole pipeline, start to finish, on this machine.

Starts the Kafka broker and the ingestion API, generates a source database, replays
posts through the API in both wire formats (Kafka REST Proxy and Kinesis), streams
them into bronze, runs the daily build, prints the nine marts, and stops everything
it started, on success, failure or Ctrl-C alike.

Each step is the ``pinlake`` command a user would type, in its own process, so the
demo shows exactly what running the pipeline by hand looks like.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from rich.console import Console
from rich.rule import Rule

from orchestration.settings import Settings

PINLAKE = str(Path(sys.executable).parent / "pinlake")


class DemoStepFailed(RuntimeError):
    """One step of the demo exited non-zero."""


def demo_source_url(settings: Settings) -> str:
    """The demo's own source database: the embedded SQLite file under ``PINLAKE_HOME``.

    The demo replaces the source tables (``generate --replace``), so it never uses a
    configured ``PINLAKE_SOURCE_URL``: that may be a real MySQL or PostgreSQL database.
    """
    return settings.model_copy(update={"source_url": None}).resolved_source_url


def _environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_SOURCE_URL": demo_source_url(settings),
    }


def _step(console: Console, settings: Settings, title: str, *args: str) -> None:
    console.print(Rule(f"[bold]{title}"))
    console.print(f"$ pinlake {' '.join(args)}", style="dim")
    if subprocess.run([PINLAKE, *args], env=_environment(settings)).returncode != 0:
        raise DemoStepFailed(f"`pinlake {' '.join(args)}` failed")


@contextmanager
def _api_server(console: Console, settings: Settings) -> Iterator[str]:
    url = f"http://{settings.api_host}:{settings.api_port}"
    log = (settings.home / "api.log").open("w")
    server = subprocess.Popen(
        [PINLAKE, "api"], env=_environment(settings), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise DemoStepFailed(f"the ingestion API did not start; see {log.name}")
            time.sleep(0.5)
        console.print(f"ingestion API ready at {url} (docs at {url}/docs)")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so the clean-up below runs for both."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def run_demo(settings: Settings, *, posts: int, emulate: int, console: Console) -> None:
    """Run every step; stop the API, and the broker if the demo started it, whatever happens.

    A broker that was already running (or a managed cluster) is used and left running.
    The source database is always the demo's own (:func:`demo_source_url`).
    """
    from ingestion import kafka_stack

    _interrupt_on_sigterm()
    started = time.perf_counter()
    settings.home.mkdir(parents=True, exist_ok=True)
    if settings.resolved_source_url != demo_source_url(settings):
        console.print(
            "PINLAKE_SOURCE_URL is set: the demo leaves that database alone and generates "
            f"its own source at {demo_source_url(settings)}."
        )
    running = kafka_stack.running_pid(settings) if settings.kafka_local_broker else None
    stop_broker = settings.kafka_local_broker and running is None
    if not stop_broker:
        where = f"pid {running}" if running else settings.kafka_bootstrap
        console.print(f"Kafka already runs ({where}): the demo uses it and leaves it running.")
    _step(console, settings, "1/7 start the Kafka broker", "stack", "up")
    try:
        _step(
            console,
            settings,
            "2/7 generate the source database",
            "generate",
            "--posts",
            str(posts),
            "--replace",
        )
        with _api_server(console, settings):
            half = str(max(1, emulate // 2))
            _step(
                console,
                settings,
                "3/7 emulate posts: Kafka REST Proxy format",
                "emulate",
                "--protocol",
                "kafka-rest",
                "--count",
                half,
                "--batch-size",
                "50",
                "--seed",
                "1",
            )
            _step(
                console,
                settings,
                "4/7 emulate posts: Kinesis format",
                "emulate",
                "--protocol",
                "kinesis",
                "--count",
                half,
                "--batch-size",
                "50",
                "--seed",
                "2",
            )
        _step(console, settings, "5/7 stream Kafka into bronze, then the daily dbt build", "daily")
        _step(console, settings, "6/7 the nine marts", "marts", "--limit", "10")
    finally:
        # the API stopped with its `with` block above
        console.print(Rule("[bold]7/7 stop what the demo started"))
        if stop_broker:
            subprocess.run([PINLAKE, "stack", "down"], env=_environment(settings), check=False)
    console.print(
        f"demo finished in {time.perf_counter() - started:.0f} s. Browse the models, "
        "columns and lineage with `pinlake docs` (http://127.0.0.1:8080); query any table "
        'with `pinlake sql "select * from marts.fct_posts limit 10"`.'
    )
