"""Benchmark of the foundation: generate, load and build N posts (default 1,000,000).

In one run, on a fresh temporary PINLAKE_HOME:

1. ``generate``: N synthetic posts into the SQLite source database;
2. ``load``: the batch extract into the three bronze Delta tables;
3. baseline: Spark's plain read-and-write of the same bronze data (read each bronze
   table, write it to a new Delta table): the least any build over that data costs;
4. ``dbt build``: every model, seed, unit test and data test, on the same session.

Prints each figure and the ratio build / baseline (target: at most 3x).

    .venv/bin/python bench/bench_foundation.py --posts 1000000
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pyspark.sql import SparkSession

from ingestion import generator, source_db
from orchestration import dbt_runner
from orchestration.settings import RECORD_KINDS, Settings
from streaming.batch_load import load
from streaming.spark import build_session, metastore_lock

T = TypeVar("T")


def _timed(
    label: str, results: dict[str, float], func: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    results[label] = time.perf_counter() - started
    print(f"{label:<28} {results[label]:8.1f} s", flush=True)
    return value


def _baseline(spark: SparkSession, settings: Settings) -> None:
    for kind in RECORD_KINDS:
        (
            spark.read.format("delta")
            .load(str(settings.bronze_path(kind)))
            .write.format("delta")
            .mode("overwrite")
            .save(str(settings.home / "baseline" / kind))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", type=Path, default=None, help="Default: a temporary folder.")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="pinlake-bench-"))
    settings = Settings(home=home)
    settings.home.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    print(f"posts: {args.posts:,}  home: {settings.home}", flush=True)

    engine = source_db.make_engine(settings.resolved_source_url)
    _timed("generate", results, generator.generate, engine, args.posts, args.seed, progress=False)
    engine.dispose()

    with metastore_lock(settings, "bench_foundation"):
        dbt_runner.export_environment(settings)
        spark = build_session(settings, catalog=True)
        _timed("load (extract -> bronze)", results, load, spark, settings, full=True)
        _timed("baseline (read + write)", results, _baseline, spark, settings)
        outcome = _timed("dbt build", results, dbt_runner.invoke, settings, ["build"])
        spark.stop()

    print(f"dbt build: {outcome.describe()}")
    load_seconds = results["load (extract -> bronze)"]
    ratio = results["dbt build"] / results["baseline (read + write)"]
    print(f"generate throughput: {args.posts / results['generate']:,.0f} posts/s")
    print(f"load throughput:     {3 * args.posts / load_seconds:,.0f} records/s")
    print(f"build / baseline:    {ratio:.2f}x (target <= 3x)")
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)
    if not outcome.success:
        raise SystemExit("dbt build failed: " + "; ".join(outcome.failures[:5]))


if __name__ == "__main__":
    main()
