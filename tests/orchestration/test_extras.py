"""Every optional extra of pyproject.toml resolves against the package index, as pinned.

``make setup`` installs the dev, airflow and thrift extras, so their pins are proven by
every run; the ``databricks`` extra is installed by nobody here. dbt-databricks caps
dbt-spark below the range the project uses locally, which is why it has an extra of its
own: this resolves it (``uv pip compile``, no install) so a pin change that breaks it
fails here rather than on a user's Databricks set-up. Needs the package index, like
``make setup``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT

UV = Path(sys.executable).parent / "uv"


def resolved(extra: str, output: Path) -> dict[str, str]:
    compile_extra = [str(UV), "pip", "compile", str(REPO_ROOT / "pyproject.toml")]
    options = ["--extra", extra, "--python-version", "3.11", "--quiet", "--output-file"]
    done = subprocess.run(
        [*compile_extra, *options, str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pins = [line.split("==") for line in output.read_text().splitlines() if "==" in line]
    return {name.strip().lower(): version.strip() for name, version in pins}


@pytest.mark.parametrize("extra", ["databricks", "thrift"])
def test_extra_resolves_with_the_pinned_dbt_core(extra: str, tmp_path: Path) -> None:
    versions = resolved(extra, tmp_path / "requirements.txt")

    assert versions["dbt-core"].startswith("1.11.")
    assert versions["pyspark"] == "4.2.0" and versions["delta-spark"] == "4.4.0"
    if extra == "databricks":
        assert versions["dbt-databricks"].split(".")[:2] in (["1", "11"], ["1", "12"])
    else:
        assert "pyhive" in versions
