"""Benchmark: 1,000,000 synthetic posts into a fresh SQLite file (target: under 120 s).

Run: ``.venv/bin/python bench/bench_generate.py [--posts N]``. Prints posts/s, seconds
and the file size, then deletes the temporary database.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingestion.generator import generate
from ingestion.source_db import make_engine, max_ind

TARGET_SECONDS = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pinlake-bench-") as folder:
        path = Path(folder) / "source.db"
        engine = make_engine(f"sqlite:///{path}")
        started = time.perf_counter()
        written = generate(engine, posts=args.posts, seed=args.seed)
        seconds = time.perf_counter() - started
        assert max_ind(engine) == written - 1, "every post must be in the database"
        engine.dispose()
        size_mb = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
    verdict = "OK" if seconds < TARGET_SECONDS * args.posts / 1_000_000 else "TOO SLOW"
    print(
        f"{written:,} posts in {seconds:.1f} s = {written / seconds:,.0f} posts/s "
        f"({size_mb:,.0f} MB SQLite) [{verdict}: target {TARGET_SECONDS:.0f} s per million]"
    )


if __name__ == "__main__":
    main()
