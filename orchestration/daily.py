"""``pinlake daily``: the day's work, the same from Airflow, cron or a shell.

Steps, in order, each stopping the run when it fails:

1. catch-up: the streaming job in available-now mode lands everything pending in
   Kafka into bronze (exactly once, so a re-run after a failure lands nothing twice);
   while the continuous job (``pinlake stream``) runs, it keeps bronze current and
   the catch-up has nothing to do;
2. ``dbt source freshness``: stale sources warn, they never fail the day;
3. ``dbt build``: models, seeds and data tests (staging merges only new bronze rows);
   unit tests stay out of the daily run (:func:`dbt_runner.production_build_args`);
4. ``dbt docs generate``: the catalog and lineage for ``pinlake docs``.

Everything runs on one Spark session holding the local metastore.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ingestion.kafka_stack import KafkaStackError
from orchestration import dbt_runner
from orchestration.settings import Settings
from streaming.spark import catalog_session

STEPS: tuple[str, ...] = ("catch-up", "source freshness", "dbt build", "docs generate")


@dataclass
class DailySummary:
    records_landed: dict[str, int] = field(default_factory=dict)
    build_result: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    failed_step: str | None = None
    failures: list[str] = field(default_factory=list)
    catch_up_note: str | None = None
    """Set when the catch-up had nothing to do: a continuous stream keeps bronze current."""

    @property
    def success(self) -> bool:
        return self.failed_step is None


def run_daily(
    settings: Settings,
    *,
    catch_up: bool = True,
    on_step: Callable[[str], None] = lambda _: None,
) -> DailySummary:
    """Run the daily steps; the summary says what happened and where it stopped."""
    from streaming.job import CATCH_UP, preflight, run_available_now

    summary = DailySummary()
    if catch_up:
        on_step("catch-up")
        try:
            preflight(settings, CATCH_UP)  # before the Spark session's ~10 s start
        except KafkaStackError as error:
            hint = "a lakehouse fed only by `pinlake load` runs `pinlake daily --no-catch-up`"
            raise KafkaStackError(f"{error}; {hint}") from error
    with catalog_session(settings, "pinlake daily") as spark:
        dbt_runner.export_environment(settings)

        if catch_up:
            started = time.perf_counter()
            caught_up = run_available_now(settings, spark=spark)
            summary.records_landed = caught_up.records_seen
            if caught_up.kept_current_by is not None:
                holder = caught_up.kept_current_by
                summary.catch_up_note = f"not needed: {holder} keeps bronze current"
            summary.seconds["catch-up"] = time.perf_counter() - started

        dbt_steps: list[tuple[str, list[str], bool]] = [
            ("source freshness", ["source", "freshness"], False),
            ("dbt build", dbt_runner.production_build_args(), True),
            ("docs generate", ["docs", "generate"], True),
        ]
        for name, args, must_pass in dbt_steps:
            on_step(name)
            started = time.perf_counter()
            outcome = dbt_runner.invoke(settings, args)
            summary.seconds[name] = time.perf_counter() - started
            if name == "dbt build":
                summary.build_result = outcome.describe()
            if must_pass and not outcome.success:
                summary.failed_step = name
                summary.failures = outcome.failures
                break
    return summary
