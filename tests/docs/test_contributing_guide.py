"""CONTRIBUTING.md, followed literally: its example mart is written, linted and built.

The files come from the guide's code blocks (```sql title="models/marts/..."```) and the
build command is the guide's own line, so the test fails as soon as the guide drifts
from what the project accepts. It runs on a copy of the project (conftest), so the
example never lands in the checkout.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from project_copy import copy_project, dbt

from orchestration.settings import REPO_ROOT

pytestmark = [pytest.mark.spark, pytest.mark.slow]

GUIDE = REPO_ROOT / "CONTRIBUTING.md"
FILE_BLOCK = re.compile(r'```\w+ title="(?P<path>[^"]+)"\n(?P<body>.*?)```', re.S)
SHELL_BLOCK = re.compile(r"```bash\n(?P<body>.*?)```", re.S)


def guide_files() -> dict[str, str]:
    """Path -> content of every code block the guide tells the reader to save."""
    return {m["path"]: m["body"] for m in FILE_BLOCK.finditer(GUIDE.read_text())}


def guide_command(prefix: str) -> list[str]:
    """The guide's shell line starting with ``prefix``, split into arguments."""
    for block in SHELL_BLOCK.finditer(GUIDE.read_text()):
        for line in block["body"].splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith(prefix):
                return shlex.split(command)
    raise AssertionError(f"CONTRIBUTING.md has no `{prefix}...` command")


def test_guide_mart_is_lint_clean() -> None:
    """The example SQL passes the project's sqlfluff rules as it stands in the guide."""
    from sqlfluff.core import FluffConfig, Linter

    sql_files = {path: body for path, body in guide_files().items() if path.endswith(".sql")}
    assert len(sql_files) == 1
    (path, body), *_ = sql_files.items()
    config = FluffConfig.from_path(str(REPO_ROOT / Path(path).parent))
    result = Linter(config=config).lint_string(body, fname=str(REPO_ROOT / path))
    assert [f"{v.rule_code()}: {v.desc()}" for v in result.get_violations()] == []


def test_guide_mart_builds_with_its_upstream(docs_site: Path, spark: Any, tmp_path: Path) -> None:
    """On a lakehouse built once, as the guide's set-up does (`pinlake build`): the tests
    dbt selects with `+mart` include relationships to marts outside the selection."""
    files = guide_files()
    sql_path = next(path for path in files if path.endswith(".sql"))
    mart = Path(sql_path).stem
    assert sql_path.startswith("models/marts/")
    assert any(path.startswith("models/marts/") and path.endswith(".yml") for path in files)

    project = copy_project(tmp_path / "project")
    for path, body in files.items():
        (project / path).write_text(body)

    build = guide_command(f"dbt build -s +{mart}")
    results = dbt(project, build[1:])
    by_name = {r.node.name: str(r.status) for r in results.results}
    assert by_name[mart] == "success"
    assert by_name["fct_posts"] == "success", "+ builds the ancestors too"
    unit_tests = [r for r in results.results if str(r.node.resource_type) == "unit_test"]
    assert any(r.node.name.startswith(mart) and str(r.status) == "pass" for r in unit_tests)
    assert all(status in {"success", "pass"} for status in by_name.values()), by_name

    # the mart against the rule the guide states, recomputed from fct_posts
    expected = {
        row["category"]: (row["number_posts"], row["number_downloaded"])
        for row in spark.sql(
            "select category, count(*) as number_posts, sum(downloaded) as number_downloaded"
            " from marts.fct_posts"
            " where has_pin and category is not null and downloaded is not null"
            " group by category"
        ).collect()
    }
    rows = spark.table(f"marts.{mart}").collect()
    assert len(expected) >= 3
    assert {r["category"]: (r["number_posts"], r["number_downloaded"]) for r in rows} == expected
    for row in rows:
        share = row["number_downloaded"] / row["number_posts"]
        assert row["download_rate"] == pytest.approx(share, abs=0.0005)

    # the guide's look-at-the-data command
    show = dbt(project, guide_command(f"dbt show -s {mart}")[1:])
    assert len(show.results[0].agate_table.rows) == len(rows)

    # and the conventions `make lint` enforces hold for the example
    lint = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "dbt-score"),
            "lint",
            "--manifest", str(project / "target" / "manifest.json"),
            "--format", "json",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert json.loads(lint.stdout)["evaluables"][f"model.pinlake.{mart}"]["pass"]
