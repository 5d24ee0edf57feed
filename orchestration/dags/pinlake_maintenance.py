"""Airflow DAG ``pinlake_maintenance``: every Sunday at noon (UTC), ``pinlake vacuum``.

Every compaction, merge and rebuild of a Delta table leaves the files it replaced on
disk for time travel and for streams that are behind; ``pinlake vacuum`` deletes those
that no version younger than 7 days needs (:mod:`orchestration.maintenance`). Weekly is
enough with a 7-day retention: a file waits at most two weeks.

It holds the local metastore as the daily run does, and only one process can: noon
keeps it away from the daily run at midnight, and a vacuum that still finds the
metastore busy fails at once and is retried (2, then 4 minutes later).
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

from orchestration.airflow_common import DEFAULT_ARGS, pinlake_command
from orchestration.settings import REPO_ROOT

DAG_ID = "pinlake_maintenance"
WEEKLY_AT_NOON = "0 12 * * 0"

with DAG(
    dag_id=DAG_ID,
    description="VACUUM every Delta table of the lakehouse (7-day retention).",
    schedule=WEEKLY_AT_NOON,
    start_date=datetime(2025, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["pinlake", "delta"],
    doc_md=__doc__,
) as dag:
    BashOperator(task_id="vacuum", bash_command=pinlake_command("vacuum"), cwd=str(REPO_ROOT))
