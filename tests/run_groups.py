"""Run the test folders of `make test`: one pytest process per folder, two lanes at once.

Each folder runs in its own pytest process, so each gets its own Spark JVM (a Spark
session's metastore and warehouse are fixed for the life of its JVM). One process at a
time leaves part of this 2-core machine idle (JVM start-ups, Kafka round trips,
subprocesses starting), so the folders run in two lanes side by side.

Each folder's output goes to ``<artifacts>/<folder>.log`` and its JUnit report to
``<artifacts>/junit-<folder>.xml``; the tail of a failed folder's log is printed, and
``summarize.py`` adds the reports up. Arguments after ``--`` go to every pytest.

    python tests/run_groups.py test-artifacts -- -m "not slow"
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from summarize import main as summarize

LANES: tuple[tuple[str, ...], ...] = (
    ("tests/streaming", "tests/docs", "tests/end_to_end"),
    ("tests/ingestion", "tests/dbt", "tests/orchestration"),
)
"""Longest folders first; the two lanes take about as long as each other, under `make
test` (streaming and docs beside ingestion, dbt and orchestration) and under `make
test-slowest` (the Spark cluster, the killed job and the streamed day beside the
incremental builds, the plain `dbt build`, the Thrift Server and the Airflow DAG's day).
Only the DAG's day runs dbt in the checkout (its ``target/``); every other dbt run has
target and log folders of its own, so any two folders can run side by side."""

NO_TESTS_COLLECTED = 5
"""pytest's exit code when a marker filter leaves a folder with nothing to run."""

FAILED_LOG_TAIL = 80


class Runner:
    """Runs lanes of folders and remembers which folders failed."""

    def __init__(self, artifacts: Path, pytest_args: list[str]) -> None:
        self.artifacts = artifacts
        self.pytest_args = pytest_args
        self.failed: list[str] = []
        self.lock = threading.Lock()

    def say(self, message: str) -> None:
        with self.lock:
            print(message, flush=True)

    def run_folder(self, folder: str) -> None:
        name = Path(folder).name
        log = self.artifacts / f"{name}.log"
        command = [
            str(Path(sys.executable).parent / "pytest"),
            folder,
            *self.pytest_args,
            f"--junitxml={self.artifacts / f'junit-{name}.xml'}",
        ]
        self.say(f"== {folder}: started (output in {log})")
        started = time.monotonic()
        with log.open("w") as output:
            code = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT).returncode
        elapsed = time.monotonic() - started
        last_line = log.read_text().rstrip().splitlines()[-1:] or ["(no output)"]
        self.say(f"== {folder}: {last_line[0].strip('= ')} [{elapsed:.0f}s]")
        if code not in (0, NO_TESTS_COLLECTED):
            tail = log.read_text().splitlines()[-FAILED_LOG_TAIL:]
            with self.lock:
                self.failed.append(folder)
                print(f"-- last {FAILED_LOG_TAIL} lines of {log}:", *tail, sep="\n", flush=True)

    def run_lane(self, lane: tuple[str, ...]) -> None:
        for folder in lane:
            self.run_folder(folder)


def main(argv: list[str]) -> int:
    artifacts = Path(argv[0])
    pytest_args = argv[2:] if argv[1:2] == ["--"] else argv[1:]
    artifacts.mkdir(parents=True, exist_ok=True)
    runner = Runner(artifacts, pytest_args)
    started = time.monotonic()
    lanes = [threading.Thread(target=runner.run_lane, args=(lane,)) for lane in LANES]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    print(f"== all folders done in {time.monotonic() - started:.0f}s", flush=True)
    if runner.failed:
        print(f"failed folders: {', '.join(runner.failed)}", flush=True)
    summary = summarize(artifacts)
    return 1 if runner.failed or summary else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
