"""Tables that tell a person what a run did."""

from __future__ import annotations

from rich.table import Table

from orchestration.daily import STEPS, DailySummary


def daily_table(summary: DailySummary) -> Table:
    table = Table("step", "seconds", "result", title="pinlake daily")
    landed = ", ".join(f"{kind}={count:,}" for kind, count in summary.records_landed.items())
    for step in STEPS:
        if step not in summary.seconds:
            table.add_row(step, "", "skipped")
            continue
        if step == summary.failed_step:
            result = "[red]failed[/red]"
        elif step == "catch-up":
            result = summary.catch_up_note or f"landed {landed or 'nothing new'}"
        elif step == "dbt build":
            result = summary.build_result
        else:
            result = "ok"
        table.add_row(step, f"{summary.seconds[step]:.1f}", result)
    return table
