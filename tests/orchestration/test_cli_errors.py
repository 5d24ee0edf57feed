"""Operational failures a user meets first (nothing started, nothing built, a typo) end in
one clear message and exit 1: no stack trace, and no minutes of retries before it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import SPARK_STARTED

from orchestration.settings import Settings

PINLAKE = Path(sys.executable).parent / "pinlake"

pytestmark = pytest.mark.spark


def pinlake(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process (its own Spark JVM) on lakehouse ``home``."""
    return subprocess.run(
        [str(PINLAKE), *args],
        env={**os.environ, "PINLAKE_HOME": str(home), "PINLAKE_SPARK_DRIVER_MEMORY": "1g", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def error_of(done: subprocess.CompletedProcess[str]) -> str:
    """The command's `error:` message (it may span lines), after checking the exit."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    assert '"level": "ERROR"' not in done.stderr, "PySpark's JSON log of the error is shown"
    assert "error: " in done.stderr, done.stderr
    return done.stderr[done.stderr.index("error: ") :].strip()


@pytest.mark.parametrize("command", [["stream"], ["stream", "--available-now"], ["daily"]])
def test_reading_kafka_while_no_broker_listens(
    fresh_kafka_settings: Settings, command: list[str]
) -> None:
    """Spark's Kafka source alone retried for over three minutes, then printed a trace."""
    bootstrap = fresh_kafka_settings.kafka_bootstrap  # a free port: nothing listens there
    started = time.monotonic()
    done = pinlake(fresh_kafka_settings.home, *command, PINLAKE_KAFKA_BOOTSTRAP=bootstrap)
    seconds = time.monotonic() - started

    hint = "; a lakehouse fed only by `pinlake load` runs `pinlake daily --no-catch-up`"
    assert error_of(done) == (
        f"error: no Kafka broker listens on {bootstrap}: "
        "start the local broker with `pinlake stack up`" + (hint if command == ["daily"] else "")
    )
    assert seconds < 90, f"took {seconds:.0f} s: the broker was not asked before Spark's retries"
    assert SPARK_STARTED not in done.stderr, "a Spark session started before the broker was asked"


def test_load_from_a_source_database_without_tables(tmp_path: Path) -> None:
    done = pinlake(tmp_path, "load")

    source = tmp_path / "source.db"
    assert error_of(done).startswith(
        f"error: the source database sqlite:///{source} has no table pinterest_data, "
        "geolocation_data, user_data: fill it with `pinlake generate --posts N`"
    )
    assert not (tmp_path / "bronze").exists(), "nothing is created for a load that cannot run"


def test_sql_with_a_mistake_shows_sparks_message_without_the_plan(tmp_path: Path) -> None:
    done = pinlake(tmp_path, "sql", "select * from marts.no_such_mart")

    message = error_of(done)
    assert message.startswith(
        "error: [TABLE_OR_VIEW_NOT_FOUND] The table or view `marts`.`no_such_mart` cannot be found."
    )
    assert "UnresolvedRelation" not in message, "the logical plan is left out"
    assert message.endswith(
        "pinlake's schemas: bronze, staging, intermediate, marts, realtime "
        "(e.g. `show tables in marts`)"
    )


def test_marts_before_any_build_says_how_to_build_them(tmp_path: Path) -> None:
    done = pinlake(tmp_path, "marts")

    assert error_of(done) == (
        "error: the marts are not built yet: build them with `pinlake build`, once bronze "
        "holds data (`pinlake load` or `pinlake stream`); `pinlake demo` does it all"
    )


def test_a_second_streaming_job_is_refused_and_a_catch_up_steps_aside(tmp_path: Path) -> None:
    """Held here as a running `pinlake stream` holds it: a real flock on its lock file."""
    from streaming import job, locks

    lock = locks.acquire(Settings(home=tmp_path).checkpoint_dir / "stream.lock", job.CONTINUOUS)
    try:
        second = pinlake(tmp_path, "stream")
        catch_up = pinlake(tmp_path, "stream", "--available-now")
    finally:
        locks.release(lock)

    holder = f"process {os.getpid()} (`pinlake stream`, started "
    assert error_of(second).startswith(
        f"error: another streaming job writes to {tmp_path / 'checkpoints'}: {holder}"
    )
    assert SPARK_STARTED not in second.stderr, "refused only after its Spark session started"
    assert catch_up.returncode == 0, catch_up.stderr
    assert f"nothing to catch up: {holder}" in catch_up.stdout + catch_up.stderr
    assert "keeps bronze current" in catch_up.stdout + catch_up.stderr
