"""``pinlake sql`` prints what a statement returns and says so when it cut the rows short."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from processes import SPARK_STARTED
from rich.console import Console, RenderableType

from orchestration.query import MARTS, mart_table
from orchestration.settings import REPO_ROOT

PINLAKE = Path(sys.executable).parent / "pinlake"
COLUMNS = ["country", "category", "category_count"]


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


def _rendered(mart: RenderableType) -> str:
    console = Console(record=True, width=200)
    console.print(mart)
    return console.export_text()


def test_an_empty_statement_is_refused_before_spark_starts(tmp_path: Path) -> None:
    """Spark took ~10 s to start and then said PARSE_EMPTY_STATEMENT with its SQL banner."""
    done = subprocess.run(
        [str(PINLAKE), "sql", " \n "],
        env={**os.environ, "PINLAKE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Invalid value for 'QUERY': the statement is empty" in done.stderr
    assert SPARK_STARTED not in done.stderr


def test_a_mart_cut_short_says_how_to_see_the_rest() -> None:
    rows = [("Albania", "art", 3), ("Algeria", "travel", 2)]

    text = _rendered(mart_table("popular_category_by_country", COLUMNS, rows, total=417))

    assert "marts.popular_category_by_country (417 rows)" in text
    assert "Albania" in text and "travel" in text
    assert "first 2 of 417 rows" in text
    assert 'pinlake sql "select * from marts.popular_category_by_country" --limit 0' in text


def test_a_mart_shown_whole_has_no_caption() -> None:
    rows = [("Albania", "art", 3), ("Algeria", None, 2)]

    text = _rendered(mart_table("popular_category_by_country", COLUMNS, rows, total=2))

    assert "marts.popular_category_by_country (2 rows)" in text
    assert "first" not in text and "None" not in text


def test_the_exposure_of_pinlake_marts_names_the_marts_it_prints() -> None:
    """The docs lineage shows what `pinlake marts` reads: the exposure must not drift."""
    exposures = (REPO_ROOT / "models" / "marts" / "_marts__exposures.yml").read_text()
    assert re.findall(r"ref\('([a-z_]+)'\)", exposures) == list(MARTS)
