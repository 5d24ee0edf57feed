"""A second process on the same local metastore gets one clear line, not a stack trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import Settings
from streaming.spark import MetastoreBusy, metastore_lock

PINLAKE = Path(sys.executable).parent / "pinlake"


def test_second_holder_in_process_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with (
        metastore_lock(settings, "pinlake build"),
        pytest.raises(MetastoreBusy, match=rf"in use by process {os.getpid()} \(`pinlake build`"),
        metastore_lock(settings, "pinlake sql"),
    ):
        pass
    with metastore_lock(settings, "pinlake sql"):
        pass  # released: the next command gets it


@pytest.mark.parametrize(
    "command",
    [["sql", "select 1"], ["build"], ["load"]],
)
def test_cli_commands_say_who_holds_the_metastore(tmp_path: Path, command: list[str]) -> None:
    settings = Settings(home=tmp_path)
    env = {**os.environ, "PINLAKE_HOME": str(tmp_path)}
    with metastore_lock(settings, "pinlake build"):
        done = subprocess.run(
            [str(PINLAKE), *command], env=env, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"in use by process {os.getpid()} (`pinlake build`" in lines[0]
    assert "Traceback" not in done.stderr
