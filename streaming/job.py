"""``pinlake stream``: the streaming application (Kafka to bronze, then real-time metrics).

Two modes:

* **continuous** (default): micro-batches every ``PINLAKE_STREAM_TRIGGER_SECONDS``
  (1 s) for bronze (one query per topic) and every
  ``PINLAKE_STREAM_REALTIME_TRIGGER_SECONDS`` for the metrics, until Ctrl-C or
  SIGTERM. On either signal each query is stopped once its batch in flight has
  finished. Even a batch cut short (SIGKILL, a crash) is safe: it is replayed on the
  next start and written exactly once (see ``streaming.kafka_to_bronze``). A thread
  compacts the bronze tables every ``PINLAKE_STREAM_COMPACT_SECONDS`` beside the
  stream, whose own commits then skip Delta's auto compaction.
* **available-now** (``--available-now``, the daily run): bronze takes everything
  pending in Kafka (in batches of ``PINLAKE_STREAM_MAX_OFFSETS_PER_TRIGGER`` per
  topic), then the metrics take everything new in bronze, and the process exits.

The session has no metastore (tables by path), so the job can run while dbt builds.

Running on a Spark cluster with ``spark-submit`` (the same file is the entry point;
the Delta and Kafka-connector jars come from the pinned JVM cache, and the master
given to ``--master`` must also be in ``PINLAKE_SPARK_MASTER`` because the session
applies pinlake's settings)::

    export PINLAKE_SPARK_MASTER=spark://spark-master:7077
    export PINLAKE_HOME=/shared/lakehouse PINLAKE_KAFKA_BOOTSTRAP=broker:9092
    JARS=$(.venv/bin/python -c "from orchestration import jvm; \\
        print(','.join(map(str, jvm.jars('spark'))))")
    PYSPARK_PYTHON=.venv/bin/python .venv/bin/spark-submit \\
        --master "$PINLAKE_SPARK_MASTER" --jars "$JARS" \\
        --driver-java-options "-Dlog4j2.configurationFile=streaming/log4j2.properties" \\
        streaming/job.py [--available-now]

``PINLAKE_HOME`` must then be a path every executor sees (a shared mount); no Python
runs on the executors (the job has no Python UDFs).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from orchestration.settings import Settings, get_settings
from streaming import locks
from streaming.locks import Holder

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.streaming import StreamingQuery

    from streaming.kafka_to_bronze import BronzeWriter

# Named, not __name__: spark-submit and ``python -m`` run this file as ``__main__``,
# whose INFO lines log_to_stderr would not let through.
log = logging.getLogger("streaming.job")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_GRACE_S = 60.0
"""Longest wait for a batch in flight to finish after a stop signal."""
_KAFKA_CHECK_S = 2.0
"""How long a stalled job gives Kafka to answer before it warns that Kafka is gone."""


CONTINUOUS = "pinlake stream"
CATCH_UP = "pinlake stream --available-now"
"""What the streaming lock's file calls each mode (``python -m streaming.job`` too)."""


@dataclass
class StreamResult:
    """What one run of the application did, for the command's summary."""

    records_seen: dict[str, int] = field(default_factory=dict)
    bronze_batches: int = 0
    kept_current_by: Holder | None = None
    """A catch-up that found a continuous job running: it landed nothing, that job does."""

    def summary(self) -> str:
        """One line for the user: what landed, or who keeps bronze current instead."""
        if self.kept_current_by is not None:
            return f"nothing to catch up: {self.kept_current_by} keeps bronze current"
        rows = ", ".join(f"{table}={count:,}" for table, count in self.records_seen.items())
        return f"{self.bronze_batches} bronze batches: {rows}"


class StreamBusy(RuntimeError):
    """Another streaming job writes to the same checkpoints and bronze tables."""

    def __init__(self, settings: Settings, holder: Holder | None) -> None:
        super().__init__(
            f"another streaming job writes to {settings.checkpoint_dir}: "
            f"{holder or 'another process'}. One job at a time keeps bronze exactly once: "
            "stop that one first, or let it run."
        )
        self.holder = holder


def _stream_lock(settings: Settings, command: str) -> TextIO:
    """Hold the streaming application's lock (release it with ``locks.release``).

    Spark supports one query per checkpoint: two jobs on the same checkpoints would
    plan the same Kafka offsets, and bronze's exactly-once rests on one writer.
    """
    try:
        return locks.acquire(settings.checkpoint_dir / "stream.lock", command)
    except locks.LockHeld as held:
        raise StreamBusy(settings, held.holder) from None


def _session(settings: Settings) -> SparkSession:
    """The job's Spark session, its JVM started with SIGTERM ignored.

    PySpark starts the JVM with SIGINT ignored, so Ctrl-C (sent to the whole process
    group) reaches only this process. SIGTERM gets the same treatment: systemd and
    ``kill -- -PGID`` send it to every process of the job, and a JVM that took it would
    stop its SparkContext under the batch in flight. The JVM exits with this process.
    A SIGTERM that arrives during the few seconds the JVM starts is lost.
    """
    from streaming.spark import build_session

    if threading.current_thread() is not threading.main_thread():
        return build_session(settings, catalog=False)  # signals belong to the main thread
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the JVM
    try:
        return build_session(settings, catalog=False)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _result(
    bronze_queries: dict[str, StreamingQuery], writers: dict[str, BronzeWriter]
) -> StreamResult:
    from streaming.kafka_to_bronze import records_landed

    seen, batches = records_landed(bronze_queries, writers)
    return StreamResult(records_seen=seen, bronze_batches=batches)


def _await_all(queries: Sequence[StreamingQuery]) -> None:
    """Wait for every query to end; if one fails, stop the others and raise its error."""
    try:
        for query in queries:
            query.awaitTermination()
    except BaseException:
        for query in queries:
            query.stop()
        raise


def run_available_now(
    settings: Settings, *, realtime: bool = True, spark: SparkSession | None = None
) -> StreamResult:
    """Land everything pending in Kafka, then bring the metrics up to date, and return.

    When the continuous job runs, there is nothing to catch up: it keeps bronze current
    (within its trigger interval), and the result says so. Any other streaming job
    running is :class:`StreamBusy`.
    """
    try:
        lock = _stream_lock(settings, CATCH_UP)
    except StreamBusy as busy:
        if busy.holder is not None and busy.holder.command == CONTINUOUS:
            return StreamResult(kept_current_by=busy.holder)
        raise
    try:
        if spark is None:
            _require_kafka(settings)  # before the session's ~10 s start
        return _run_available_now_locked(settings, realtime, spark or _session(settings))
    finally:
        locks.release(lock)


def preflight(settings: Settings, command: str) -> None:
    """Refuse now what would refuse ``command`` after its Spark session took ~10 s to start.

    Another streaming job holding the lock refuses it, except a catch-up while the
    continuous job runs: that catch-up has nothing to do and reads no Kafka. Otherwise
    Kafka must answer and have the topics.
    """
    try:
        locks.release(_stream_lock(settings, command))
    except StreamBusy as busy:
        if command == CATCH_UP and busy.holder is not None and busy.holder.command == CONTINUOUS:
            return
        raise
    _require_kafka(settings)


def _require_kafka(settings: Settings) -> None:
    from ingestion.kafka_stack import require_topics, wanted_topics

    require_topics(settings, wanted_topics(settings))


def _run_available_now_locked(
    settings: Settings, realtime: bool, spark: SparkSession
) -> StreamResult:
    from streaming import kafka_to_bronze
    from streaming import realtime as metrics

    writers = kafka_to_bronze.bronze_stream_writers(spark, settings)
    bronze_queries = {
        kind: writer.stream.trigger(availableNow=True).start() for kind, writer in writers.items()
    }
    _await_all(list(bronze_queries.values()))
    if realtime:
        # After bronze finished, so the metrics see every record this run landed.
        _await_all(
            [
                stream.trigger(availableNow=True).start()
                for stream in metrics.realtime_stream_writers(spark, settings).values()
            ]
        )
    return _result(bronze_queries, writers)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into ``stop``; the JVM ignores SIGINT (PySpark sets that up)."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.warning("received %s: stopping after the batch in flight", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def stop_after_batch(queries: Sequence[StreamingQuery], grace_s: float = _GRACE_S) -> None:
    """Stop each query between two of its batches, so the one in flight completes its writes.

    Structured Streaming has no "stop after this batch" call. A query is stopped the
    moment no trigger of it is active, or as soon as it reports progress again: the
    batch in flight at the call has then committed. Under steady load a query behind
    its trigger interval starts the next batch at once, so waiting for a gap could
    take until the deadline; that next batch, just begun, is interrupted and replayed
    on the next start, still written exactly once (as is any batch the deadline cuts
    short). The queries are watched together, so a job of several stops as fast as one.
    """
    deadline = time.monotonic() + grace_s
    running = [(query, _last_trigger(query)) for query in queries]
    while running and time.monotonic() < deadline:
        for query, in_flight in list(running):
            idle = not (query.isActive and query.status["isTriggerActive"])
            if idle or _last_trigger(query) != in_flight:
                query.stop()
                running.remove((query, in_flight))
        time.sleep(0.02)
    for query, _ in running:
        query.stop()


def _last_trigger(query: StreamingQuery) -> tuple[int, str] | None:
    """The batch id and start time of the query's last finished trigger, if any."""
    progress = query.lastProgress
    return None if progress is None else (progress.batchId, progress.timestamp)


def compact_bronze_every(spark: SparkSession, settings: Settings, done: threading.Event) -> None:
    """Compact each bronze table every ``stream_compact_seconds`` until ``done`` is set.

    Beside the stream rather than in its commits: Delta's auto compaction would stall
    the micro-batch that tipped it for seconds. A compaction that fails loses nothing
    (it changes no rows) and is logged; the next one tries again.
    """
    from streaming import bronze
    from streaming.kafka_to_bronze import STREAM_KINDS
    from streaming.spark import BACKGROUND_POOL, use_pool

    use_pool(spark, BACKGROUND_POOL)
    while not done.wait(settings.stream_compact_seconds):
        for kind in STREAM_KINDS:
            if done.is_set():
                return
            try:
                bronze.compact(spark, settings, kind)
            except Exception:
                log.exception("compacting bronze %s failed; will try again", kind)


def run_continuous(
    settings: Settings,
    *,
    realtime: bool = True,
    spark: SparkSession | None = None,
    stop: threading.Event | None = None,
) -> StreamResult:
    """Run until a stop signal (or ``stop`` is set); a failed query stops the others.

    Another streaming job running on the same lakehouse is :class:`StreamBusy`.
    """
    lock = _stream_lock(settings, CONTINUOUS)
    try:
        return _run_continuous_locked(settings, realtime, spark or _session(settings), stop)
    finally:
        locks.release(lock)


def _run_continuous_locked(
    settings: Settings, realtime: bool, spark: SparkSession, stop: threading.Event | None
) -> StreamResult:
    from streaming import kafka_to_bronze
    from streaming import realtime as metrics
    from streaming.progress import ProgressLog

    stop = stop or threading.Event()
    compact_beside = settings.stream_compact_seconds > 0
    writers = kafka_to_bronze.bronze_stream_writers(
        spark, settings, compact_in_commit=not compact_beside, continuous=True
    )
    bronze_queries = {
        kind: writer.stream.trigger(
            processingTime=f"{settings.stream_trigger_seconds} seconds"
        ).start()
        for kind, writer in writers.items()
    }
    queries = list(bronze_queries.values())
    if realtime:
        queries += [
            stream.trigger(
                processingTime=f"{settings.stream_realtime_trigger_seconds} seconds"
            ).start()
            for stream in metrics.realtime_stream_writers(spark, settings).values()
        ]
    failure: Exception | None = None
    compacted = threading.Event()  # set when the stream stops, to end the compactions
    if compact_beside:
        threading.Thread(
            target=compact_bronze_every,
            args=(spark, settings, compacted),
            name="pinlake-bronze-compaction",
            daemon=True,
        ).start()
    progress = ProgressLog(bronze_queries)
    every_s = settings.stream_progress_seconds
    next_report = time.monotonic() + every_s
    try:
        while not stop.is_set() and failure is None:
            for query in queries:
                if not query.isActive:
                    failure = query.exception() or RuntimeError(f"{query.name} stopped")
            if every_s > 0 and time.monotonic() >= next_report:
                if progress.report():
                    warn_if_kafka_gone(settings)
                next_report = time.monotonic() + every_s
            stop.wait(0.5)
    finally:
        compacted.set()
        stop_after_batch(queries)
        progress.report()  # the rest, up to the stop
    if failure is not None:
        raise failure
    return _result(bronze_queries, writers)


def warn_if_kafka_gone(settings: Settings) -> None:
    """One warning when a query that ended no batch lately waits for a Kafka that is gone.

    Kafka's own clients warn about every refused connection, a few times a second (the
    job's log configuration keeps those out); this says it once per progress report.
    """
    from ingestion.kafka_stack import KafkaStackError, require_topics, wanted_topics

    try:
        require_topics(settings, wanted_topics(settings), timeout_s=_KAFKA_CHECK_S)
    except KafkaStackError as gone:
        log.warning("%s; the job waits and carries on where it stopped once Kafka is back", gone)


def run(settings: Settings, *, available_now: bool = False, realtime: bool = True) -> StreamResult:
    """The application: available-now or continuous (stopped by Ctrl-C or SIGTERM)."""
    if available_now:
        return run_available_now(settings, realtime=realtime)
    preflight(settings, CONTINUOUS)
    # The session before our signal handlers: creating a SparkContext installs PySpark's
    # own SIGINT handler (cancel every job, raise KeyboardInterrupt), which would replace
    # ours, and Ctrl-C would kill the batch in flight instead of letting it finish.
    spark = _session(settings)
    stop = threading.Event()
    with _stop_on_signals(stop):
        return run_continuous(settings, realtime=realtime, spark=spark, stop=stop)


def log_to_stderr() -> None:
    """The job's own lines on stderr (progress every ``PINLAKE_STREAM_PROGRESS_SECONDS``,
    stop signals, warnings); other libraries' only from warnings up."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("streaming").setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``spark-submit streaming/job.py`` and ``python -m streaming.job``."""
    parser = argparse.ArgumentParser(prog="streaming.job", description=__doc__.splitlines()[0])
    parser.add_argument("--available-now", action="store_true", help="process pending and exit")
    parser.add_argument("--no-realtime", action="store_true", help="bronze only, no metrics")
    parser.add_argument("--master", help="Spark master URL (default PINLAKE_SPARK_MASTER)")
    args = parser.parse_args(argv)
    log_to_stderr()
    settings = get_settings()
    if args.master:
        settings = settings.model_copy(update={"spark_master": args.master})
    result = run(settings, available_now=args.available_now, realtime=not args.no_realtime)
    log.info("stream finished: %s", result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
