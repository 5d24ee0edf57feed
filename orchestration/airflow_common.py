"""What pinlake's Airflow DAGs share: the virtualenv's commands and the retry policy.

Kept out of ``orchestration/dags`` so that Airflow does not parse it as a DAG file.
"""

from __future__ import annotations

import shlex
import sys
from datetime import timedelta
from pathlib import Path

BIN_DIR = Path(sys.executable).parent
"""The virtualenv Airflow runs in, which also holds ``pinlake`` and ``dbt`` (the airflow extra)."""

DEFAULT_ARGS = {
    "owner": "pinlake",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    # 2 min, then 4 min: a broker or a metastore busy for a moment gets time to recover.
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}


def pinlake_command(*args: str) -> str:
    """A shell command running the ``pinlake`` CLI of this virtualenv."""
    return shlex.join([str(BIN_DIR / "pinlake"), *args])
