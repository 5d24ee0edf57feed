"""The dbt conventions `make lint` enforces: the project passes them, and each rule
catches the mistake it exists for (checked on a manifest with that mistake made).

dbt-score runs as `make lint` runs it (from the repository root, so it reads
``[tool.dbt-score]`` in pyproject.toml and the rules in ``dbt_score_rules/``), on the
manifest of ``dbt parse``, which needs no Spark.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from orchestration.settings import REPO_ROOT, Settings

RULES = "dbt_score_rules.conventions"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The checkout's manifest, parsed into a temp target (the checkout's is left alone)."""
    from dbt.cli.main import dbtRunner

    from orchestration.dbt_runner import profiles_dir

    target = tmp_path_factory.mktemp("parse")
    outcome = dbtRunner().invoke(
        [
            "parse",
            "--project-dir", str(REPO_ROOT),
            "--profiles-dir", str(profiles_dir(Settings(home=target))),
            "--target-path", str(target),
            "--log-path", str(target / "logs"),
        ]
    )  # fmt: skip
    assert outcome.success, outcome.exception
    return dict(json.loads((target / "manifest.json").read_text()))


def dbt_score(manifest: dict[str, Any], folder: Path) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON report of dbt-score on ``manifest``."""
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest))
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "dbt-score"), "lint", "-m", str(path), "-f", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    return result.returncode, json.loads(result.stdout)


def failures(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(item, rule) for every rule an item breaks."""
    return {
        (item, rule.rsplit(".", 1)[-1])
        for item, evaluation in report["evaluables"].items()
        for rule, outcome in evaluation["results"].items()
        if outcome["result"] != "OK"
    }


def test_project_meets_every_convention(manifest: dict[str, Any], tmp_path: Path) -> None:
    code, report = dbt_score(manifest, tmp_path)
    assert failures(report) == set()
    assert code == 0
    kinds = {item.split(".", 1)[0] for item in report["evaluables"]}
    assert {"model", "source", "seed", "macro"} <= kinds


def test_each_rule_catches_its_mistake(manifest: dict[str, Any], tmp_path: Path) -> None:
    broken = copy.deepcopy(manifest)
    nodes, sources, macros = broken["nodes"], broken["sources"], broken["macros"]
    mart = "model.pinlake.popular_category_by_country"
    staging = "model.pinlake.stg_pinterest__users"
    nodes[mart]["config"]["contract"]["enforced"] = False
    nodes["model.pinlake.users_joined_by_year"]["access"] = "protected"
    nodes["model.pinlake.int_posts_joined"]["access"] = "public"
    nodes[mart]["depends_on"]["nodes"].append("source.pinlake.pinterest.pin")
    nodes[staging]["depends_on"]["nodes"].append("model.pinlake.stg_pinterest__pins")
    nodes["model.pinlake.dim_users"]["name"] = "int_dim_users"
    for unique_id, node in list(nodes.items()):  # dim_users loses its primary-key tests
        if node.get("attached_node") == "model.pinlake.dim_users":
            del nodes[unique_id]
    sources["source.pinlake.pinterest.geo"]["freshness"] = None
    sources["source.pinlake.pinterest.geo"]["config"]["freshness"] = None
    sources["source.pinlake.realtime.posts_per_category"]["description"] = ""
    macros["macro.pinlake.parse_follower_count"]["description"] = ""
    nodes["model.pinlake.fct_posts"]["columns"]["title"]["description"] = ""

    code, report = dbt_score(broken, tmp_path)
    assert code != 0
    assert failures(report) == {
        (mart, "mart_has_enforced_contract"),
        (mart, "mart_reads_no_source"),
        ("model.pinlake.users_joined_by_year", "only_marts_are_public"),
        ("model.pinlake.int_posts_joined", "only_marts_are_public"),
        (staging, "staging_reads_only_sources_and_seeds"),
        ("model.pinlake.dim_users", "model_in_layer_folder_and_named_for_it"),
        ("model.pinlake.dim_users", "model_has_primary_key_test"),
        ("source.pinlake.pinterest.geo", "source_has_freshness"),
        ("source.pinlake.realtime.posts_per_category", "source_is_documented"),
        ("macro.pinlake.parse_follower_count", "macro_has_description"),
        ("model.pinlake.fct_posts", "columns_have_description"),
    }
