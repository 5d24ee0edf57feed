"""``pinlake dbt``: dbt's own refusals and help reach the user, without a Spark session.

dbt run in-process (``dbtRunner``) returns a refused command line as an exception and
prints nothing: `pinlake dbt tset` ended with exit 1 and no word, after Spark's ~10 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from processes import SPARK_STARTED

PINLAKE = Path(sys.executable).parent / "pinlake"


def pinlake_dbt(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PINLAKE), "dbt", *args],
        env={
            **os.environ,
            "PINLAKE_HOME": str(home),
            # the checkout's target/ and logs/ are the DAG test's (tests/run_groups.py)
            "DBT_TARGET_PATH": str(home / "dbt-target"),
            "DBT_LOG_PATH": str(home / "dbt-logs"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tset"], "error: dbt: No such command 'tset'."),
        (["--debug", "tset", "-s", "marts"], "error: dbt: No such command 'tset'."),
        (["--no-such-flag"], "error: dbt: No such option '--no-such-flag'."),
        # parsed before Spark starts, though the line names a command
        (["test", "--slect", "marts"], "error: dbt: No such option '--slect'. (Did you mean"),
        (["--debgu", "build"], "error: dbt: No such option '--debgu'. (Did you mean"),
        (["source", "freshness", "--slect", "x"], "error: dbt: No such option '--slect'."),
        # pinlake's own options follow the command, so they cannot fill a missing value
        (["build", "-s"], "error: dbt: Option '-s' requires an argument."),
        (["run-operation"], "error: dbt: Missing argument 'MACRO'."),
    ],
)
def test_a_command_line_dbt_refuses_says_why(tmp_path: Path, args: list[str], message: str) -> None:
    done = pinlake_dbt(tmp_path, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(message)
    assert SPARK_STARTED not in done.stderr


def test_the_users_target_wins_and_only_local_starts_spark(tmp_path: Path) -> None:
    done = pinlake_dbt(tmp_path, "debug", "--target", "nosuch")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "does not have a target named 'nosuch'" in done.stdout
    assert SPARK_STARTED not in done.stderr


def test_no_dbt_command_is_a_usage_error(tmp_path: Path) -> None:
    done = pinlake_dbt(tmp_path)
    assert done.returncode == 2
    assert "give a dbt command, e.g. `pinlake dbt test -s marts`" in done.stderr


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
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pinlake.marts.dim_users" in done.stdout.splitlines()
    assert SPARK_STARTED not in done.stderr


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
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(usage)
    assert SPARK_STARTED not in done.stderr
