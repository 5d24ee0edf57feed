"""``pinlake --version`` names what a bug report needs: pinlake and the pinned components."""

from __future__ import annotations

import re
from importlib.metadata import version

from typer.testing import CliRunner

from orchestration.cli import app, version_text
from orchestration.settings import REPO_ROOT


def _pom_property(pom: str, name: str) -> str:
    text = (REPO_ROOT / "jvm" / pom / "pom.xml").read_text()
    match = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", text)
    assert match, f"{name} is not in jvm/{pom}/pom.xml"
    return match.group(1)


def test_version_prints_pinlake_and_the_pinned_components_then_exits() -> None:
    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"pinlake {version('pinlake')}"
    assert f"dbt-core {version('dbt-core')}" in lines[1]
    assert f"pyspark {version('pyspark')}" in lines[1]
    assert f"delta {_pom_property('spark', 'delta.version')}" in lines[2]
    assert f"kafka {_pom_property('kafka', 'kafka.version')}" in lines[2]
    assert "scala" not in lines[2]


def test_version_runs_no_command() -> None:
    result = CliRunner().invoke(app, ["--version", "load"])

    assert result.exit_code == 0, result.output
    assert result.output == version_text() + "\n"
