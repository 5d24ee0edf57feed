"""What the continuous job says about its bronze queries while it runs.

A streaming service that prints nothing between its start and its stop leaves its
operator guessing. Every ``PINLAKE_STREAM_PROGRESS_SECONDS`` (and once more when it
stops) the job logs one line per record kind from Spark's own progress reports, e.g.::

    bronze pin: 1,204 records in 60 s (20/s), 58 batches (median 0.81 s), lag 0

The lag is the largest number of records of one partition that Kafka holds and the
query has not read yet (the Kafka source's ``maxOffsetsBehindLatest``, as of the
query's latest micro-batch): a lag that keeps growing means the job cannot keep up.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql.streaming import StreamingQuery
    from pyspark.sql.streaming.listener import StreamingQueryProgress

log = logging.getLogger(__name__)


def progress_line(kind: str, reports: Sequence[StreamingQueryProgress], seconds: float) -> str:
    """One line about the micro-batches in ``reports``, which took ``seconds`` of wall time."""
    landed = [report for report in reports if report.numInputRows]
    records = sum(report.numInputRows for report in landed)
    line = f"bronze {kind}: {records:,} records in {seconds:.0f} s ({records / seconds:,.0f}/s)"
    if landed:
        median_ms = statistics.median(r.durationMs.get("triggerExecution", 0) for r in landed)
        batches = "1 batch" if len(landed) == 1 else f"{len(landed)} batches"
        line += f", {batches} (median {median_ms / 1000:.2f} s)"
    lag = _lag(reports)
    if lag is not None:
        line += f", lag {lag:,}"
    return line


def _lag(reports: Sequence[StreamingQueryProgress]) -> int | None:
    """The Kafka source's ``maxOffsetsBehindLatest`` in the latest report that has it."""
    for report in reversed(reports):
        for source in report.sources:
            behind = (source.metrics or {}).get("maxOffsetsBehindLatest")
            if behind is not None:
                return int(float(behind))
    return None


class ProgressLog:
    """Logs, when asked, what each bronze query did since the last time it was asked."""

    def __init__(self, queries: Mapping[str, StreamingQuery]) -> None:
        self._queries = queries
        self._since = time.monotonic()
        # Spark's report timestamps (ISO 8601, UTC) sort as text.
        self._reported_until = {kind: "" for kind in queries}

    def report(self) -> list[str]:
        """Log a line per query; returns the kinds whose query ended no micro-batch since
        the last report, not even an empty one (Spark reports an idle query every 10 s):
        such a query is inside one batch, e.g. waiting for Kafka to answer."""
        now = time.monotonic()
        seconds = max(now - self._since, 1e-3)
        self._since = now
        quiet: list[str] = []
        for kind, query in self._queries.items():
            reports = [
                report
                for report in query.recentProgress
                if report.timestamp > self._reported_until[kind]
            ]
            if reports:
                self._reported_until[kind] = reports[-1].timestamp
            else:
                quiet.append(kind)
            log.info(progress_line(kind, reports, seconds))
        return quiet
