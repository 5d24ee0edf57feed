"""Benchmark of incremental dbt: a build over 1% new data against a full build of the same data.

In one run, on a fresh temporary PINLAKE_HOME:

1. ``generate`` N synthetic posts (default 200,000) and ``load`` them into bronze;
2. ``dbt build``: the first build (every staging model creates its table);
3. ``generate`` 1% more posts (new indexes) and ``load`` only those (the daily extract);
4. ``dbt build``: incremental, staging and ``int_posts_joined`` merge only what changed;
5. ``dbt build --full-refresh``: everything rebuilt from all of bronze, the same data.

Prints each figure, the time per layer of both builds (from dbt's run_results.json) and
the ratio incremental / full (target: at most 25%).

Each build is ``dbt build`` as the daily run calls it (``dbt_runner.production_build_args``:
data tests included, unit tests left out, as dbt recommends for production runs; they
test the SQL, not the day's data, and run in ``pinlake build`` and CI).

Incremental: the staging models and ``int_posts_joined`` (merges on ``ind``);
``fct_posts`` is a view. The other marts, the seeds and every data test run in full in
both builds, so they bound the ratio from below. Figures: README, "Benchmarks".

    .venv/bin/python bench/bench_incremental.py              # 200,000 posts
    .venv/bin/python bench/bench_incremental.py --posts 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ingestion import generator, source_db
from orchestration import dbt_runner
from orchestration.settings import REPO_ROOT, Settings
from streaming.batch_load import load
from streaming.spark import build_session, metastore_lock

T = TypeVar("T")

LAYERS = ("seeds", "staging", "intermediate", "marts")
STAGING_MODELS = "staging models only"


def _timed(
    label: str, results: dict[str, float], func: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    results[label] = time.perf_counter() - started
    print(f"{label:<34} {results[label]:8.1f} s", flush=True)
    return value


def _generate(settings: Settings, posts: int, seed: int, start_ind: int) -> None:
    engine = source_db.make_engine(settings.resolved_source_url)
    generator.generate(engine, posts, seed, start_ind=start_ind, progress=False)
    engine.dispose()


def _layer(manifest: dict[str, Any], unique_id: str) -> str:
    """The folder a node belongs to; a test belongs to the model it tests."""
    node = manifest["nodes"].get(unique_id) or manifest["unit_tests"].get(unique_id) or {}
    tested = node.get("attached_node") or next(
        iter(node.get("depends_on", {}).get("nodes", [])), ""
    )
    if node.get("resource_type") in {"test", "unit_test"} and tested in manifest["nodes"]:
        node = manifest["nodes"][tested]
    fqn = node.get("fqn", [])
    if node.get("resource_type") == "seed":
        return "seeds"
    return fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else "other"


def _build(settings: Settings, target: Path, *args: str) -> dict[str, float]:
    """One ``dbt build`` as the daily run calls it; seconds per layer (tests counted with
    the layer they test)."""
    build = [*dbt_runner.production_build_args(), "--target-path", str(target), *args]
    outcome = dbt_runner.invoke(settings, build)
    if not outcome.success:
        raise SystemExit("dbt build failed: " + "; ".join(outcome.failures[:5]))
    manifest = json.loads((target / "manifest.json").read_text())
    per_layer: dict[str, float] = {}
    for node in json.loads((target / "run_results.json").read_text())["results"]:
        layer = _layer(manifest, node["unique_id"])
        per_layer[layer] = per_layer.get(layer, 0.0) + float(node["execution_time"])
        if node["unique_id"].startswith("model.") and layer == "staging":
            # the part incremental builds change: the staging models alone, no tests
            per_layer[STAGING_MODELS] = per_layer.get(STAGING_MODELS, 0.0) + float(
                node["execution_time"]
            )
    return per_layer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--increment", type=float, default=0.01, help="New data, share of N.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", type=Path, default=None, help="Default: a temporary folder.")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="pinlake-bench-incr-"))
    settings = Settings(home=home)
    settings.home.mkdir(parents=True, exist_ok=True)
    new_posts = max(1, round(args.posts * args.increment))
    results: dict[str, float] = {}
    print(f"posts: {args.posts:,} + {new_posts:,} new  home: {settings.home}", flush=True)

    _timed("generate", results, _generate, settings, args.posts, args.seed, 0)
    with metastore_lock(settings, "bench_incremental"):
        dbt_runner.export_environment(settings)
        spark = build_session(settings, catalog=True)
        _timed("load (extract -> bronze)", results, load, spark, settings, full=True)
        _timed("dbt build (first)", results, _build, settings, home / "dbt-first")
        _timed("generate increment", results, _generate, settings, new_posts, args.seed, args.posts)
        _timed("load increment", results, load, spark, settings)
        incremental = _timed(
            "dbt build (incremental)", results, _build, settings, home / "dbt-incremental"
        )
        full = _timed(
            "dbt build --full-refresh",
            results,
            _build,
            settings,
            home / "dbt-full",
            "--full-refresh",
        )
        spark.stop()

    print(f"\n{'seconds per layer':<20} {'incremental':>12} {'full':>8}  (models and their tests)")
    for layer in (*LAYERS, "other", STAGING_MODELS):
        if layer in incremental or layer in full:
            print(f"{layer:<20} {incremental.get(layer, 0.0):12.1f} {full.get(layer, 0.0):8.1f}")
    staging_ratio = incremental[STAGING_MODELS] / full[STAGING_MODELS]
    print(f"staging models, incremental / full: {staging_ratio:.0%}")
    ratio = results["dbt build (incremental)"] / results["dbt build --full-refresh"]
    print(f"incremental / full:  {ratio:.0%} (target <= 25%)")
    print(f"load average:        {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    # dbt resolves relative paths in the profile against the working directory
    os.chdir(REPO_ROOT)
    main()
