"""Plain ``dbt build`` from a shell, as an analytics engineer runs it: the example profile,
a JVM of its own, and a console that shows dbt's output and nothing else.

Spark drew stage progress bars over dbt's output (without ``spark.ui.showConsoleProgress``
in the profile this test fails on them). In a lakehouse built before by ``pinlake build``,
the embedded Hive metastore also logged, with stack traces, requests that Spark expects
to fail and handles (a schema that exists; a Delta schema it cannot store the Hive way):
~2,300 lines for one passing build, now silenced in ``streaming/log4j2.properties``. This
test's lakehouse (built by dbt alone) does not provoke those; it would catch them if it did.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.slowest]

BIN_DIR = Path(sys.executable).parent
BUILD = ("build", "--select", "+dim_users", "--indirect-selection", "cautious")
"""Users' staging, intermediate model and mart with their own tests: table models that
the second build replaces, over schemas that exist."""


def run(home: Path, *command: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PINLAKE_HOME": str(home),
        "DBT_TARGET_PATH": str(home / "dbt-target"),
        "DBT_LOG_PATH": str(home / "dbt-logs"),
    }
    done = subprocess.run(
        [str(BIN_DIR / command[0]), *command[1:]],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_plain_dbt_build_twice_keeps_the_console_clean(tmp_path: Path) -> None:
    home = tmp_path / "lakehouse"
    run(home, "pinlake", "generate", "--posts", "40")
    run(home, "pinlake", "load")
    # Before any dbt run registered bronze in the metastore (pinlake load and
    # pinlake stream write it by path), `pinlake sql` reads it: it registers what landed.
    count = "select count(*) as n from bronze.user"
    counted = run(home, "pinlake", "sql", count, "--format", "csv")
    assert counted.stdout.split() == ["n", "40"], counted.stdout
    builds = [run(home, "dbt", *BUILD) for _ in range(2)]

    for build in builds:
        assert "Completed successfully" in build.stdout
        assert "Exception" not in build.stderr, build.stderr[:3000]
        assert "\tat " not in build.stderr, build.stderr[:3000]
        assert "[Stage " not in build.stderr
