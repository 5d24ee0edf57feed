"""Stopping a running query lets the batch in flight commit, even under steady load.

A query whose batches take longer than its trigger interval starts the next batch the
moment one ends, so there is never a moment with no trigger active. The job's stop
must still end soon after the batch in flight commits, not at the end of its grace.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from streaming import job
from streaming.kafka_to_bronze import pending_batch

pytestmark = pytest.mark.spark

BATCH_S = 2.0
"""Each batch takes this long, 20 times the trigger interval."""
GRACE_S = 300.0


def test_stop_under_steady_load_ends_after_the_batch_in_flight(
    stream_spark: Any, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "checkpoint"

    def slow_batch(_batch: Any, _batch_id: int) -> None:
        time.sleep(BATCH_S)

    query = (
        stream_spark.readStream.format("rate")
        .option("rowsPerSecond", 20)
        .load()
        .writeStream.foreachBatch(slow_batch)
        .option("checkpointLocation", str(checkpoint))
        .trigger(processingTime="0.1 seconds")
        .start()
    )
    try:
        deadline = time.monotonic() + 120
        in_flight = None
        while in_flight is None:
            assert time.monotonic() < deadline, "the query ran no batch"
            time.sleep(0.05)
            in_flight = pending_batch(checkpoint) if query.lastProgress else None

        started = time.monotonic()
        job.stop_after_batch([query], grace_s=GRACE_S)
        elapsed = time.monotonic() - started
    finally:
        query.stop()

    assert not query.isActive
    assert query.exception() is None
    assert (checkpoint / "commits" / str(in_flight)).exists(), "the batch in flight was cut short"
    # The batch in flight, then the one just begun (interrupted): about two batches.
    # Waiting for a moment with no trigger active mostly ran to the grace's end.
    assert elapsed < 10 * BATCH_S, f"stop took {elapsed:.0f}s"
