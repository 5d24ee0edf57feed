"""A copy of the dbt project in a temp folder, and dbt run in-process on it.

The docs and guide tests build and document a copy (the guide test adds files to its
copy), so nothing in the checkout or its ``target/`` is touched by a test run.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from orchestration.settings import REPO_ROOT

PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "tests/dbt/data_tests")
"""What dbt reads of the checkout (dbt_project.yml's paths)."""


def copy_project(destination: Path) -> Path:
    """The dbt project, copied to ``destination`` with the example profile beside it."""
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        target = destination / part
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    shutil.copy(REPO_ROOT / "profiles.yml.example", destination / "profiles.yml")
    return destination


def dbt(project: Path, args: list[str]) -> Any:
    """One dbt command in-process on ``project`` (the session's Spark); its results."""
    from dbt.cli.main import dbtRunner

    outcome = dbtRunner().invoke(
        [
            *args,
            "--project-dir", str(project),
            "--profiles-dir", str(project),
            "--target", "local",
            "--threads", "1",
        ]
    )  # fmt: skip
    assert outcome.exception is None, outcome.exception
    assert outcome.success, [
        f"{r.node.unique_id}: {r.message}"
        for r in getattr(outcome.result, "results", None) or []
        if str(r.status) in {"error", "fail"}
    ]
    return outcome.result
