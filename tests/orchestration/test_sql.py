"""``pinlake sql`` prints what a statement returns and says so when it cut the rows short."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

PINLAKE = Path(sys.executable).parent / "pinlake"


def test_rows_beyond_the_limit_are_announced_not_silently_dropped(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PINLAKE), "sql", "select id from range(5)", "--format", "csv", "--limit", "3"],
        env={**os.environ, "PINLAKE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    # stdout stays a clean CSV export of the first rows; the notice goes to stderr
    assert list(csv.reader(io.StringIO(done.stdout))) == [["id"], ["0"], ["1"], ["2"]]
    assert "only the first 3 rows are shown" in done.stderr
    assert "--limit 0 for all" in done.stderr
