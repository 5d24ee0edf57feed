"""``pinlake stack up | down | status``: the local Kafka broker from the command line.

The work is in :mod:`ingestion.kafka_stack`; this module only turns its results into
a table and its failures into one red line and exit code 1, so scripts can rely on
``pinlake stack status`` exiting 0 exactly when the broker answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orchestration.jvm import JvmArtifactsMissing
from orchestration.settings import Settings, get_settings

if TYPE_CHECKING:
    from ingestion.kafka_stack import StackStatus

stack_app = typer.Typer(
    help="Start, stop and inspect the local Kafka broker (KRaft, single node).",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)


def _settings(ctx: typer.Context) -> Settings:
    """The settings handed in by a caller (tests pass their own), else the environment's."""
    return ctx.obj if isinstance(ctx.obj, Settings) else get_settings()


def _fail(error: Exception) -> typer.Exit:
    errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    return typer.Exit(1)


def _print_status(state: StackStatus) -> None:
    if not state.local:
        where = "managed cluster"
    elif state.running:
        where = f"local broker, pid {state.pid}"
    else:
        where = "local broker, not running"
    reach = "[green]reachable[/green]" if state.reachable else "[red]unreachable[/red]"
    console.print(f"Kafka {state.bootstrap}: {where}, {reach}", highlight=False)
    if state.problem is not None:
        console.print(f"[red]{escape(state.problem)}[/red]", highlight=False)
    if state.data_dir is not None:
        console.print(f"data: {state.data_dir}", highlight=False)
    if state.topics:
        table = Table("topic", "partitions")
        for topic, partitions in state.topics.items():
            table.add_row(topic, str(partitions))
        console.print(table)


@stack_app.command("up")
def up(ctx: typer.Context) -> None:
    """Start the broker if it is not running, wait until it answers, create missing topics."""
    from ingestion import kafka_stack

    settings = _settings(ctx)
    started = time.monotonic()
    try:
        state = kafka_stack.up(settings)
    except (kafka_stack.KafkaStackError, JvmArtifactsMissing) as error:
        raise _fail(error) from None
    _print_status(state)
    _note_partition_counts(settings, state)
    console.print(f"ready in {time.monotonic() - started:.1f}s", highlight=False)


def _note_partition_counts(settings: Settings, state: StackStatus) -> None:
    """Say so when existing topics keep a partition count other than the setting's.

    ``up`` never changes a topic it did not create (see ``kafka_stack.ensure_topics``),
    so a raised ``PINLAKE_KAFKA_PARTITIONS`` would otherwise pass unnoticed.
    """
    from ingestion import kafka_stack

    wanted = settings.kafka_partitions
    kept = {
        topic: count
        for topic in kafka_stack.wanted_topics(settings)
        if (count := state.topics.get(topic)) is not None and count != wanted
    }
    if not kept:
        return
    listed = ", ".join(f"{topic} has {count}" for topic, count in kept.items())
    errors.print(
        f"[yellow]note:[/yellow] PINLAKE_KAFKA_PARTITIONS is {wanted}, but existing topics "
        f"keep their partitions ({listed}). pinlake never adds partitions to a topic: that "
        "sends a post's later records to another partition than its earlier ones. Use a new "
        "PINLAKE_HOME (or PINLAKE_KAFKA_TOPIC_PREFIX) for other counts.",
        highlight=False,
    )


@stack_app.command("down")
def down(
    ctx: typer.Context,
    timeout: float = typer.Option(30.0, help="Seconds to wait after SIGTERM before SIGKILL."),
) -> None:
    """Stop the local broker cleanly; its topics and records stay on disk."""
    from ingestion import kafka_stack

    settings = _settings(ctx)
    try:
        was_running = kafka_stack.down(settings, timeout_s=timeout)
    except kafka_stack.KafkaStackError as error:
        raise _fail(error) from None
    if was_running:
        console.print(f"Kafka broker stopped; data kept in {settings.kafka_data_dir}")
    else:
        console.print("Kafka broker was not running")


@stack_app.command("status")
def status(ctx: typer.Context) -> None:
    """Show whether the broker runs and answers, and each topic's partitions (exit 1 if not)."""
    from ingestion import kafka_stack

    try:
        state = kafka_stack.status(_settings(ctx))
    except kafka_stack.KafkaStackError as error:
        raise _fail(error) from None
    _print_status(state)
    if not state.reachable:
        raise typer.Exit(1)
