"""``pinlake dbt``: dbt's own refusals and help reach the user, without a Spark session.

dbt run in-process (``dbtRunner``) returns a refused command line as an exception and
prints nothing: `pinlake dbt tset` ended with exit 1 and no word, after Spark's ~10 s.

The cases run the command in this process (a ``pinlake`` process spends ~10 s importing),
with the Spark session's start replaced by a failure, so a case that would start Spark
fails. One case runs the real ``pinlake`` process and reads its stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import SPARK_STARTED
from typer.testing import CliRunner, Result

from orchestration import dbt_runner
from orchestration.cli import app

PINLAKE = Path(sys.executable).parent / "pinlake"


def dbt_environment(home: Path) -> dict[str, str]:
    return {
        "PINLAKE_HOME": str(home),
        # the checkout's target/ and logs/ are the DAG test's (tests/run_groups.py)
        "DBT_TARGET_PATH": str(home / "dbt-target"),
        "DBT_LOG_PATH": str(home / "dbt-logs"),
    }


class SparkStarted(Exception):
    """Raised in place of starting a Spark session."""


@pytest.fixture
def no_spark(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A Spark session's start fails; the environment `pinlake dbt` exports is undone."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise SparkStarted("pinlake dbt started a Spark session")

    monkeypatch.setattr(dbt_runner, "build_session", refuse)
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def pinlake_dbt(home: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, ["dbt", *args], env=dbt_environment(home))
    assert not isinstance(result.exception, SparkStarted), args
    return result


@pytest.mark.usefixtures("no_spark")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tset"], "error: dbt: No such command 'tset'."),
        (["--debug", "tset", "-s", "marts"], "error: dbt: No such command 'tset'."),
        (["--no-such-flag"], "error: dbt: No such option '--no-such-flag'."),
        # parsed before Spark starts, though the line names a command
        (["--debgu", "build"], "error: dbt: No such option '--debgu'. (Did you mean"),
        (["source", "freshness", "--slect", "x"], "error: dbt: No such option '--slect'."),
        # pinlake's own options follow the command, so they cannot fill a missing value
        (["build", "-s"], "error: dbt: Option '-s' requires an argument."),
        (["run-operation"], "error: dbt: Missing argument 'MACRO'."),
    ],
)
def test_a_command_line_dbt_refuses_says_why(tmp_path: Path, args: list[str], message: str) -> None:
    done = pinlake_dbt(tmp_path, *args)
    assert done.exit_code == 2, done.output
    assert done.stderr.strip().splitlines()[-1].startswith(message)


def test_the_pinlake_process_prints_dbts_refusal_before_spark_starts(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PINLAKE), "dbt", "test", "--slect", "marts"],
        env={**os.environ, **dbt_environment(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: dbt: No such option '--slect'. (Did you mean")
    assert SPARK_STARTED not in done.stderr


@pytest.mark.usefixtures("no_spark")
@pytest.mark.parametrize(
    "args",
    [
        ["debug", "--target", "nosuch"],
        ["-t", "nosuch", "debug"],  # dbt also takes the target before the command
    ],
)
def test_the_users_target_wins_and_only_local_starts_spark(tmp_path: Path, args: list[str]) -> None:
    done = pinlake_dbt(tmp_path, *args)
    assert done.exit_code == 1, done.output
    assert "does not have a target named 'nosuch'" in done.stdout


@pytest.mark.usefixtures("no_spark")
def test_no_dbt_command_is_a_usage_error(tmp_path: Path) -> None:
    done = pinlake_dbt(tmp_path)
    assert done.exit_code == 2
    assert "give a dbt command, e.g. `pinlake dbt test -s marts`" in done.stderr


@pytest.mark.usefixtures("no_spark")
@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--log-level", "debug"],  # `debug` is the value here, though also a dbt command
    ],
)
def test_commands_that_never_read_the_warehouse_start_no_spark(
    tmp_path: Path, options: list[str]
) -> None:
    done = pinlake_dbt(tmp_path, *options, "ls", "-s", "marts", "--resource-type", "model")
    assert done.exit_code == 0, done.output
    assert "pinlake.marts.dim_users" in done.stdout.splitlines()


@pytest.mark.usefixtures("no_spark")
@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["-h"], "Usage: cli "),
        (["--help"], "Usage: cli "),
        (["build", "-h"], "Usage: cli build "),
        (["test", "--help"], "Usage: cli test "),  # dbt's, not pinlake's help
    ],
)
def test_dbts_help_is_printed_without_a_spark_session(
    tmp_path: Path, args: list[str], usage: str
) -> None:
    done = pinlake_dbt(tmp_path, *args)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(usage)
