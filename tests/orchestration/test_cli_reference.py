"""The README's command table lists every ``pinlake`` command, and nothing that is gone."""

from __future__ import annotations

import re

import typer

from orchestration.cli import app
from orchestration.settings import REPO_ROOT


def documented_commands() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    return set(re.findall(r"^\| `pinlake ([a-z-]+)", readme, flags=re.MULTILINE))


def test_every_command_is_in_the_readme_table() -> None:
    assert documented_commands() == set(typer.main.get_group(app).commands)
