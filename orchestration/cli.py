"""The ``pinlake`` command line: one entry point for every part of the pipeline.

Each command reads the settings once, hands them to the module that does the work,
and turns known failures (metastore busy, set-up missing) into one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer
from rich.console import Console

from orchestration.jvm import JvmArtifactsMissing
from orchestration.settings import SettingsError, get_settings
from orchestration.stack_cli import stack_app

if TYPE_CHECKING:
    from orchestration.dbt_runner import DbtOutcome

app = typer.Typer(
    name="pinlake",
    help="Lakehouse pipeline for social-media post events.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
app.add_typer(stack_app, name="stack")

PYTHON_COMPONENTS = ("pyspark", "dbt-core", "dbt-spark", "confluent-kafka")
"""The installed Python packages a bug report needs the versions of."""


def version_text() -> str:
    """pinlake's version, the key Python packages installed and the JVM artifacts pinned."""
    from importlib.metadata import PackageNotFoundError, version

    from orchestration.jvm import pinned_versions

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    python = ", ".join(f"{package} {installed(package)}" for package in PYTHON_COMPONENTS)
    jvm = ", ".join(f"{name} {pinned}" for name, pinned in pinned_versions().items())
    return f"pinlake {installed('pinlake')}\npython: {python}\njvm (pinned): {jvm}"


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(version_text())
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the versions of pinlake and of the components it runs, then exit.",
    ),
) -> None:
    """Lakehouse pipeline for social-media post events."""


P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print known operational failures as one line and exit 1 instead of a stack trace."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from ingestion.emulator import EmulatorError
        from ingestion.kafka_stack import KafkaStackError
        from ingestion.source_db import SourceNotReady
        from orchestration.docs import DocsUnavailable
        from orchestration.query import QueryFailed
        from streaming.job import StreamBusy
        from streaming.kafka_to_bronze import OldCheckpoint
        from streaming.spark import MetastoreBusy

        known = (
            DocsUnavailable,
            EmulatorError,
            MetastoreBusy,
            JvmArtifactsMissing,
            KafkaStackError,
            OldCheckpoint,
            QueryFailed,
            SourceNotReady,
            StreamBusy,
        )
        try:
            return func(*args, **kwargs)
        except known as error:
            console.print(f"[red]error:[/red] {error}", soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@app.command("settings")
def show_settings() -> None:
    """Print every setting: its PINLAKE_* variable, the value in effect and what it means."""
    from rich.table import Table
    from rich.text import Text

    from orchestration.settings import described

    rows = described(get_settings())
    # Names and values are what a user copies: never cut short with an ellipsis, even in
    # a pipe (80 columns); a name keeps its line, a long value folds onto the next.
    table = Table(caption="bold: differs from the default; secrets hidden")
    table.add_column("variable", no_wrap=True, min_width=max(len(row.variable) for row in rows))
    table.add_column("value", overflow="fold")
    table.add_column("meaning", overflow="fold")
    for row in rows:
        changed = row.value != row.default
        table.add_row(
            row.variable, Text(row.value, style="bold" if changed else ""), row.description
        )
    Console().print(table)


@app.command("setup-jvm")
def setup_jvm(force: bool = typer.Option(False, help="Resolve again even if unchanged.")) -> None:
    """Resolve the pinned JVM artifacts (Delta, Spark-Kafka connector, Kafka) into the cache."""
    from orchestration import jvm

    jvm.resolve_all(force=force)
    console.print(f"JVM artifacts ready in {get_settings().jvm_cache}")


@app.command()
@friendly_errors
def load(
    full: bool = typer.Option(False, "--full", help="Extract every row again, not only new ones."),
) -> None:
    """Extract the source database into the bronze Delta tables (only rows not loaded yet)."""
    from streaming.batch_load import load as load_bronze
    from streaming.spark import catalog_session

    settings = get_settings()
    with catalog_session(settings, "pinlake load") as spark:
        result = load_bronze(spark, settings, full=full)
    rows = ", ".join(f"{kind}={count:,}" for kind, count in result.rows_per_kind.items())
    console.print(f"extract {result.extract_id}: {rows}")


@app.command()
@friendly_errors
def vacuum(
    retain_hours: int = typer.Option(
        168,
        min=168,
        help="Keep the files older versions need for this long (Delta's minimum: 7 days).",
    ),
) -> None:
    """Delete the files no Delta table version needs any more (run it weekly)."""
    from orchestration.maintenance import vacuum as vacuum_tables
    from streaming.spark import catalog_session

    settings = get_settings()
    with catalog_session(settings, "pinlake vacuum") as spark:
        vacuumed = vacuum_tables(spark, settings, retain_hours=retain_hours)
    for table in vacuumed:
        console.print(f"{table.name}: {table.files_deleted:,} file(s) deleted")
    total = sum(table.files_deleted for table in vacuumed)
    console.print(f"vacuumed {len(vacuumed)} Delta table(s), {total:,} file(s) deleted")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@friendly_errors
def build(ctx: typer.Context) -> None:
    """Run `dbt build` on PINLAKE_DBT_TARGET; extra arguments go to dbt (e.g. -s +my_model)."""
    from orchestration import dbt_runner

    outcome = dbt_runner.run(get_settings(), ["build", *ctx.args])
    _exit_unless_done(outcome)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,  # `pinlake dbt test --help` is dbt's help for `dbt test`
)
@friendly_errors
def dbt(ctx: typer.Context) -> None:
    """Run any dbt command on pinlake's Spark session, e.g. `pinlake dbt test -s marts`."""
    from orchestration import dbt_runner

    if not ctx.args:
        raise typer.BadParameter("give a dbt command, e.g. `pinlake dbt test -s marts`")
    outcome = dbt_runner.run(get_settings(), list(ctx.args))
    _exit_unless_done(outcome)


def _exit_unless_done(outcome: DbtOutcome) -> None:
    """Exit 1 when dbt failed (it printed why), 2 with dbt's message when it refused the
    command line (which dbt run in-process does not print)."""
    if outcome.usage_error is not None:
        console.print(f"[red]error:[/red] dbt: {outcome.usage_error}", soft_wrap=True)
        raise typer.Exit(2)
    if not outcome.success:
        raise typer.Exit(1)


@app.command()
@friendly_errors
def docs(
    port: int | None = typer.Option(None, help="Port on 127.0.0.1 (default PINLAKE_DOCS_PORT)."),
    generate: bool = typer.Option(True, help="Run `dbt docs generate` first."),
) -> None:
    """Generate the dbt docs for the local lakehouse and serve them until Ctrl-C."""
    from orchestration import docs as dbt_docs

    settings = get_settings()
    if generate and not dbt_docs.generate(settings).success:
        raise typer.Exit(1)
    dbt_docs.serve(
        dbt_docs.site_dir(),
        settings.docs_port if port is None else port,
        on_ready=lambda url: console.print(f"dbt docs on {url} (Ctrl-C stops)"),
    )


@app.command()
@friendly_errors
def stream(
    available_now: bool = typer.Option(
        False, "--available-now", help="Land everything pending in Kafka, then exit."
    ),
    realtime: bool = typer.Option(True, help="Also keep the real-time metric tables current."),
) -> None:
    """Stream Kafka into bronze and real-time metrics until Ctrl-C (or once: --available-now)."""
    from streaming.job import log_to_stderr
    from streaming.job import run as run_stream

    log_to_stderr()
    result = run_stream(get_settings(), available_now=available_now, realtime=realtime)
    console.print(result.summary(), soft_wrap=True)


@app.command()
@friendly_errors
def sql(
    query: str = typer.Argument(..., help="Spark SQL, e.g. 'select * from marts.fct_posts'"),
    output: str = typer.Option("table", "--format", help="table, csv or json"),
    limit: int = typer.Option(1000, min=0, help="At most this many rows; 0 for all of them."),
) -> None:
    """Run Spark SQL against the local lakehouse and print the result."""
    from orchestration.query import print_result, run_query

    if output not in {"table", "csv", "json"}:
        raise typer.BadParameter("--format must be table, csv or json")
    if not query.strip():  # refused before Spark takes ~10 s to say the same
        raise typer.BadParameter("the statement is empty", param_hint="'QUERY'")
    result = run_query(get_settings(), query, limit=limit or None)
    print_result(result.columns, result.rows, output)
    if result.truncated:
        # on stderr, so a CSV or JSON export stays clean and the cut is still seen
        console.print(
            f"[yellow]note:[/yellow] only the first {limit:,} rows are shown; "
            "the statement has more (--limit N, or --limit 0 for all)",
            soft_wrap=True,
        )


@app.command()
@friendly_errors
def generate(
    posts: int = typer.Option(..., "--posts", min=1, help="How many posts to generate."),
    seed: int = typer.Option(42, "--seed", help="Same seed (and start index), same rows."),
    source_url: str | None = typer.Option(
        None, "--source-url", help="SQLAlchemy URL; default: settings' source DB (SQLite)."
    ),
    append: bool = typer.Option(
        True, "--append/--replace", help="Add after the highest index, or drop and refill."
    ),
) -> None:
    """Fill the source database with synthetic posts shaped like the original data."""
    from ingestion.generator import generate as generate_posts
    from ingestion.source_db import drop_tables, make_engine, max_ind, table_names

    url = source_url or get_settings().resolved_source_url
    engine = make_engine(url)
    table_names(engine)  # a server that cannot be reached is one line, not a traceback
    if not append:
        drop_tables(engine)
    last = max_ind(engine) if append else None
    start = 0 if last is None else last + 1
    written = generate_posts(engine, posts=posts, seed=seed, start_ind=start)
    console.print(f"{written} posts written (ind {start}..{start + written - 1}) to {engine.url}")


@app.command()
def api(
    host: str | None = typer.Option(None, "--host", help="Default: PINLAKE_API_HOST (127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Default: PINLAKE_API_PORT (8082)."),
    access_log: bool = typer.Option(False, "--access-log/--no-access-log"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Worker processes; default: PINLAKE_API_WORKERS (1)."
    ),
) -> None:
    """Serve the REST ingestion API (Kafka REST Proxy v2 and Kinesis wire formats)."""
    from ingestion.api.server import serve
    from ingestion.kafka_stack import KafkaStackError, require_topics, wanted_topics

    settings = get_settings()
    try:  # the API starts anyway: Kafka may come up later, and it answers 503 until then
        require_topics(settings, wanted_topics(settings), timeout_s=5)
    except KafkaStackError as error:
        console.print(
            f"[yellow]warning:[/yellow] {error}; until then every produce call answers 503",
            soft_wrap=True,
        )
    serve(settings, host=host, port=port, access_log=access_log, workers=workers)


@app.command()
@friendly_errors
def emulate(
    protocol: str = typer.Option("kafka-rest", "--protocol", help="kafka-rest or kinesis."),
    count: int = typer.Option(100, "--count", min=0, help="Posts to send; 0 = until Ctrl-C."),
    rate: float = typer.Option(
        0, "--rate", min=0, help="Posts per second; 0 = as fast as possible."
    ),
    batch_size: int = typer.Option(1, "--batch-size", min=1, help="Records per request."),
    api_url: str | None = typer.Option(None, "--api", help="Default: the settings' API address."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same posts in the same order."),
    user_id: str | None = typer.Option(
        None, "--user-id", help="Use the original names: <id>.pin, streaming-<id>-pin."
    ),
) -> None:
    """Replay random posts from the source database through the ingestion API."""
    from ingestion.emulator import EmulatorOptions, run

    if protocol not in {"kafka-rest", "kinesis"}:
        raise typer.BadParameter("--protocol must be kafka-rest or kinesis")
    settings = get_settings()
    options = EmulatorOptions(
        api=api_url or f"http://{settings.api_host}:{settings.api_port}",
        protocol=protocol,  # type: ignore[arg-type]
        count=count or None,
        rate=rate or None,
        batch_size=batch_size,
        seed=seed,
        user_id=user_id,
    )
    summary = run(settings, options, console=console)
    console.print(summary.table())
    for note in summary.rejections[:5]:
        console.print(f"  [yellow]{note}[/yellow]")
    if summary.stopped:
        console.print(f"[red]error:[/red] stopped: {summary.stopped}", soft_wrap=True)
    if summary.errors:
        raise typer.Exit(1)


@app.command()
@friendly_errors
def daily(
    catch_up: bool = typer.Option(True, "--catch-up/--no-catch-up", help="Stream Kafka first."),
) -> None:
    """The daily run: streaming catch-up, source freshness, dbt build, dbt docs generate."""
    from orchestration.daily import run_daily
    from orchestration.summary import daily_table

    summary = run_daily(
        get_settings(), catch_up=catch_up, on_step=lambda step: console.rule(f"[bold]{step}")
    )
    console.print(daily_table(summary))
    for failure in summary.failures[:10]:
        console.print(f"  [red]{failure}[/red]", soft_wrap=True)
    if not summary.success:
        console.print(f"[red]error:[/red] step '{summary.failed_step}' failed", soft_wrap=True)
        raise typer.Exit(1)


@app.command()
@friendly_errors
def demo(
    posts: int = typer.Option(2000, "--posts", help="Posts in the generated source database."),
    emulate: int = typer.Option(1000, "--emulate", help="Posts replayed through the API."),
) -> None:
    """Run the whole pipeline on this machine and print the nine marts."""
    from orchestration.demo import DemoStepFailed, run_demo

    try:
        run_demo(get_settings(), posts=posts, emulate=emulate, console=Console())
    except DemoStepFailed as error:
        console.print(f"[red]error:[/red] {error}", soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
@friendly_errors
def marts(limit: int = typer.Option(20, help="Rows shown per mart (0: all).")) -> None:
    """Print the nine analytical marts as tables."""
    from orchestration.query import print_marts

    print_marts(get_settings(), limit=limit)


def run() -> None:
    """The ``pinlake`` command: a setting it cannot take is one line, whichever command ran."""
    try:
        app()
    except SettingsError as error:
        console.print(f"[red]error:[/red] {error}", soft_wrap=True)
        raise SystemExit(1) from None
