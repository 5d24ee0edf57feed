"""Airflow DAG ``pinlake_daily``: the daily run of ``pinlake daily``, step by step in Airflow.

Tasks, in order:

1. ``catch_up``: ``pinlake stream --available-now`` lands everything pending in Kafka
   into bronze (exactly once, so a retry lands nothing twice) and exits;
2. ``dbt``: the dbt project rendered by astronomer-cosmos, one Airflow task per model,
   seed and model's tests so the UI shows where a day failed. Cosmos' *watcher* mode
   runs all of it as **one** ``dbt build`` (the ``dbt.dbt_producer_watcher`` task) and
   the per-node tasks only watch its progress: the local Spark session holds an
   embedded Derby metastore that admits one process, so one dbt process per model
   would fail (and each would pay for its own Spark JVM);
3. ``docs_generate``: ``pinlake dbt docs generate``, the catalog ``pinlake docs`` serves.

Spark runs in subprocesses (the CLI and the dbt executable next to this interpreter),
never in the Airflow task process, and ``max_active_tasks=1`` keeps a second Spark
process off the metastore even when Cosmos falls back to per-model dbt runs on a retry.

The DAG is parsed with ``dbt ls`` (Cosmos caches the result in an Airflow Variable
keyed by the project's files), which needs neither Spark nor the network. Uncached, on
a busy 2-core machine, that parse can pass Airflow's 30 s import timeout: raise
``AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT`` there (the tests use 120).

To run it locally::

    export AIRFLOW_HOME=lakehouse/airflow AIRFLOW__CORE__DAGS_FOLDER=orchestration/dags
    export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT=120
    .venv/bin/airflow standalone
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG
from airflow.task.trigger_rule import TriggerRule
from cosmos import (
    DbtTaskGroup,
    ExecutionConfig,
    ExecutionMode,
    InvocationMode,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
)
from cosmos.operators.watcher import DbtProducerWatcherOperator

from orchestration import dbt_runner
from orchestration.airflow_common import BIN_DIR, DEFAULT_ARGS, pinlake_command
from orchestration.settings import REPO_ROOT, Settings, get_settings

DAG_ID = "pinlake_daily"


def dbt_env(settings: Settings) -> dict[str, str]:
    """The settings profiles.yml reads with env_var(), as dbt_runner.export_environment sets them.

    Passed explicitly because Cosmos runs dbt from a temporary copy of the project, where
    the profile's relative defaults (``lakehouse``, ``.cache/jvm``) would point nowhere.
    """
    return {
        "PINLAKE_HOME": str(settings.home),
        "PINLAKE_JVM_CACHE": str(settings.jvm_cache),
        "PINLAKE_SPARK_MASTER": settings.spark_master,
        "PINLAKE_SPARK_DRIVER_MEMORY": settings.spark_driver_memory,
        "PINLAKE_SPARK_SHUFFLE_PARTITIONS": str(settings.spark_shuffle_partitions),
        "PINLAKE_DELTA_SNAPSHOT_PARTITIONS": str(settings.delta_snapshot_partitions),
        "PINLAKE_DBT_TARGET": settings.dbt_target,
    }


def build_dag(settings: Settings) -> DAG:
    """The DAG for these settings (tests build it for their own lakehouse)."""
    env = dbt_env(settings)
    dbt_executable = str(BIN_DIR / "dbt")
    with DAG(
        dag_id=DAG_ID,
        description="Kafka catch-up into bronze, then one dbt build, then dbt docs.",
        schedule="@daily",
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        catchup=False,
        max_active_runs=1,
        max_active_tasks=1,
        default_args=DEFAULT_ARGS,
        tags=["pinlake", "dbt"],
        doc_md=__doc__,
    ) as dag:
        catch_up = BashOperator(
            task_id="catch_up",
            bash_command=pinlake_command("stream", "--available-now"),
            cwd=str(REPO_ROOT),
        )
        dbt = DbtTaskGroup(
            group_id="dbt",
            # env_vars serve both `dbt ls` (rendering) and the build (execution); the
            # build leaves unit tests out, as `pinlake daily` does
            project_config=ProjectConfig(
                dbt_project_path=REPO_ROOT,
                install_dbt_deps=False,
                env_vars={**env, **dbt_runner.production_env()},
            ),
            profile_config=ProfileConfig(
                profile_name="pinlake",
                target_name=settings.dbt_target,
                profiles_yml_filepath=dbt_runner.profiles_dir(settings) / "profiles.yml",
            ),
            execution_config=ExecutionConfig(
                execution_mode=ExecutionMode.WATCHER,
                # dbt (and its Spark session) in a subprocess, not in the task process
                invocation_mode=InvocationMode.SUBPROCESS,
                dbt_executable_path=dbt_executable,
            ),
            # `dbt ls` in the parsing process: it reads the project, never opens Spark
            render_config=RenderConfig(load_method=LoadMode.DBT_LS),
            # ...plus this environment (PATH, JAVA_HOME) for dbt and its Spark JVM
            operator_args={"append_env": True},
        )
        docs_generate = BashOperator(
            task_id="docs_generate",
            bash_command=pinlake_command("dbt", "docs", "generate"),
            cwd=str(REPO_ROOT),
        )
        catch_up >> dbt >> docs_generate
        watch_after_build(dbt)
    return dag


def watch_after_build(group: DbtTaskGroup) -> None:
    """Start the per-node watchers once the one ``dbt build`` has finished.

    In a task group Cosmos starts the watchers alongside the build; with one task at a
    time (``max_active_tasks=1``) and in ``dag.test()``, which picks ready tasks in any
    order, a watcher could start first and wait for a build that never gets its turn.
    Downstream of the build they read its per-node results at once; they still run when
    the build failed (to show which node failed), but not when the catch-up did. The
    build is not retried: Cosmos answers a producer retry by skipping it and rebuilding
    each node from its watcher, which is what the watchers' own retries already do.
    """
    roots = group.get_roots()
    producer = next(task for task in roots if isinstance(task, DbtProducerWatcherOperator))
    producer.retries = 0
    for task in roots:
        if task is not producer:
            producer >> task
            task.trigger_rule = TriggerRule.ALL_DONE_MIN_ONE_SUCCESS


dag = build_dag(get_settings())
