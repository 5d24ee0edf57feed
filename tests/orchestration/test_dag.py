"""The Airflow DAG: it imports cleanly, has the expected shape, and runs a day end to end.

Airflow reads ``AIRFLOW_HOME`` when it is first imported, so every test here goes
through the ``airflow_home`` fixture (a temp folder with a migrated SQLite metadata
DB) and imports Airflow inside the test. Spark only ever runs in subprocesses (the
``pinlake`` CLI and dbt started by the DAG's tasks), never in this pytest process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestration.query import MARTS
from orchestration.settings import RECORD_KINDS, REPO_ROOT, Settings

DAGS_FOLDER = REPO_ROOT / "orchestration" / "dags"
BIN_DIR = Path(sys.executable).parent


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throwaway AIRFLOW_HOME with its metadata DB migrated (SQLite)."""
    home = tmp_path_factory.mktemp("airflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW_HOME", str(home))
        patch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        patch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
        patch.setenv("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
        # the DAG's uncached `dbt ls` took over Airflow's default 30 s while the other
        # test lane ran Spark and dbt on the same 2 cores
        patch.setenv("AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT", "120")
        # offline: no usage pings from Airflow or Cosmos
        patch.setenv("AIRFLOW__USAGE_DATA_COLLECTION__ENABLED", "False")
        patch.setenv("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
        migrated = subprocess.run(
            [str(BIN_DIR / "airflow"), "db", "migrate"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        yield home


def load_dagbag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def test_dag_folder_imports_without_errors(airflow_home: Path) -> None:
    bag = load_dagbag()

    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"pinlake_daily", "pinlake_maintenance"}


def test_maintenance_vacuums_weekly_away_from_the_daily_run(airflow_home: Path) -> None:
    dag = load_dagbag().dags["pinlake_maintenance"]

    assert [task.task_id for task in dag.tasks] == ["vacuum"]
    vacuum = dag.task_dict["vacuum"]
    assert vacuum.bash_command == f"{BIN_DIR / 'pinlake'} vacuum"
    assert vacuum.retries == 2
    # Sundays at noon: never at midnight, when the daily run holds the metastore
    assert dag.schedule == "0 12 * * 0"
    assert dag.catchup is False and dag.max_active_runs == 1


def test_task_graph_is_catch_up_then_one_build_then_docs(airflow_home: Path) -> None:
    from cosmos.operators.watcher import DbtProducerWatcherOperator

    dag = load_dagbag().dags["pinlake_daily"]
    tasks = dag.task_dict

    # schedule, catch-up and retries as the issue asks
    assert dag.schedule == "@daily"
    assert dag.catchup is False
    assert dag.max_active_tasks == 1
    assert tasks["catch_up"].retries == 2
    assert tasks["catch_up"].retry_exponential_backoff > 1

    # one dbt build (the watcher producer), after the catch-up and before the docs
    builds = [task for task in dag.tasks if isinstance(task, DbtProducerWatcherOperator)]
    assert [task.task_id for task in builds] == ["dbt.dbt_producer_watcher"]
    assert builds[0].base_cmd == ["build"]
    # the daily build leaves unit tests out, as `pinlake daily` does
    assert builds[0].env["DBT_EXCLUDE_RESOURCE_TYPES"] == "unit_test"
    assert builds[0].retries == 0
    assert tasks["catch_up"].upstream_task_ids == set()
    assert tasks["dbt.dbt_producer_watcher"].upstream_task_ids == {"catch_up"}
    assert "stream --available-now" in tasks["catch_up"].bash_command
    assert "dbt docs generate" in tasks["docs_generate"].bash_command

    # a watcher per model and per seed, each with its tests, in the project's lineage
    for mart in MARTS:
        assert f"dbt.{mart}.run" in tasks
        assert tasks[f"dbt.{mart}.test"].upstream_task_ids == {f"dbt.{mart}.run"}
    # the docs wait for every leaf (top_user_by_country feeds top_country_by_followers;
    # the dead letters' and the landings' staging models feed nothing)
    leaves = {f"dbt.{mart}.test" for mart in MARTS if mart != "top_user_by_country"}
    leaves |= {"dbt.stg_pinterest__dead_letters.test", "dbt.stg_pinterest__landings.test"}
    assert tasks["docs_generate"].upstream_task_ids == leaves | {"dbt.dbt_producer_watcher_done"}
    for seed in ("age_bands", "placeholder_strings"):
        assert tasks[f"dbt.{seed}.seed"].upstream_task_ids == {
            "catch_up",
            "dbt.dbt_producer_watcher",
        }
    assert tasks["dbt.int_posts_joined.run"].upstream_task_ids == {
        "dbt.age_bands.test",
        "dbt.int_users_identified.test",
        "dbt.stg_pinterest__geolocations.test",
        "dbt.stg_pinterest__pins.test",
    }
    assert tasks["dbt.fct_posts.run"].upstream_task_ids == {"dbt.int_posts_joined.test"}

    # nothing else runs dbt: every other dbt task only watches the one build
    spark_tasks = {"catch_up", "docs_generate", "dbt.dbt_producer_watcher"}
    for task in dag.tasks:
        if task.task_id not in spark_tasks and task.task_id.startswith("dbt."):
            assert hasattr(task, "producer_task_id") or task.task_id.endswith("_done")


# --- end to end -----------------------------------------------------------------------


def pinlake(settings_env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run the pinlake CLI in a subprocess (its own Spark JVM) and return stdout."""
    import os

    done = subprocess.run(
        [str(BIN_DIR / "pinlake"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env={**os.environ, **settings_env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def day_settings(
    kafka_settings: Settings,
    generated_source_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """The session broker with topics of this test's own, a fresh lakehouse, and the
    same settings exported as PINLAKE_* for the processes the DAG's tasks start."""
    from ingestion import kafka_stack
    from orchestration.settings import get_settings

    env = {
        "PINLAKE_HOME": str(tmp_path / "home"),
        "PINLAKE_SOURCE_URL": generated_source_url,
        "PINLAKE_KAFKA_BOOTSTRAP": kafka_settings.kafka_bootstrap,
        "PINLAKE_KAFKA_TOPIC_PREFIX": f"dag{uuid.uuid4().hex[:8]}",
        "PINLAKE_KAFKA_LOCAL_BROKER": "true",
        "PINLAKE_SPARK_DRIVER_MEMORY": "2g",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    settings = get_settings()
    kafka_stack.ensure_topics(settings)
    yield settings
    get_settings.cache_clear()


@pytest.mark.slow
@pytest.mark.slowest
@pytest.mark.kafka
@pytest.mark.spark
@pytest.mark.timeout(2400)
def test_dag_runs_a_day_end_to_end(
    airflow_home: Path,
    day_settings: Settings,
    serve_api: Callable[..., Any],
) -> None:
    from airflow.utils.state import DagRunState

    from ingestion.emulator import EmulatorOptions, PostSource, random_indexes
    from ingestion.emulator import run as emulate
    from ingestion.source_db import make_engine
    from orchestration.dags.pinlake_daily import build_dag

    posts = 200
    source_engine = make_engine(day_settings.resolved_source_url)
    api = serve_api(day_settings)
    sent = emulate(
        day_settings,
        EmulatorOptions(api=api.url, protocol="kafka-rest", count=posts, batch_size=50, seed=3),
    )
    assert not sent.errors

    dag = build_dag(day_settings)
    started_wall = time.time()
    started = time.perf_counter()
    run = dag.test()
    print(f"dag.test() took {time.perf_counter() - started:.1f}s")

    assert run.state == DagRunState.SUCCESS
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["dbt.dbt_producer_watcher"] == "success"
    assert all(state == "success" for state in states.values()), states

    # the catch-up landed bronze, the build made every mart, the docs were generated
    for kind in RECORD_KINDS:
        assert (day_settings.bronze_path(kind) / "_delta_log").is_dir()
    env = {"PINLAKE_HOME": str(day_settings.home)}
    union = " union all ".join(  # one query: each `pinlake sql` starts a JVM
        f"select '{mart}' as mart, count(*) as n from marts.{mart}"
        for mart in (*MARTS, "fct_posts")
    )
    counts = {row["mart"]: row["n"] for row in sql_rows(env, union)}
    assert set(counts) == {*MARTS, "fct_posts"}
    assert all(count > 0 for count in counts.values()), counts
    distinct_posts = len(set(random_indexes(PostSource(source_engine).indexes, 3, posts)))
    assert counts["fct_posts"] == distinct_posts
    assert (REPO_ROOT / "target" / "catalog.json").stat().st_mtime > started_wall


def sql_rows(env: dict[str, str], query: str) -> list[dict[str, Any]]:
    """Rows of ``pinlake sql --format json`` (one JSON object per line)."""
    output = pinlake(env, "sql", "--format", "json", query)
    return [json.loads(line) for line in output.splitlines() if line.strip()]
