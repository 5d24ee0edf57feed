"""Run dbt in this process, on the Spark session pinlake configures.

dbt-spark's ``session`` method calls ``SparkSession.builder.getOrCreate()``, so when
pinlake has already started its session (Delta, pinned jars, metastore under
``PINLAKE_HOME``) dbt runs on exactly that session. The environment is set first so
the profile renders the same absolute paths for anything it reads itself.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import click
from click.core import ParameterSource

from orchestration.settings import REPO_ROOT, Settings
from streaming.spark import build_session, metastore_lock

PRODUCTION_EXCLUDED_RESOURCE_TYPES = ("unit_test",)
"""What the scheduled daily build leaves out, as dbt recommends: unit tests check the
models' SQL on fixed inputs, not the day's data, so they run where the SQL changes
(``pinlake build``, ``dbt build``, ``make test``, CI), not in every production run."""


OFFLINE_COMMANDS = frozenset({"clean", "deps", "init", "list", "ls", "parse"})
"""dbt commands that read the project but never the warehouse: no Spark session."""


def production_build_args() -> list[str]:
    """``dbt build`` as the daily run calls it (``pinlake daily`` and the Airflow DAG)."""
    return ["build", "--exclude-resource-type", *PRODUCTION_EXCLUDED_RESOURCE_TYPES]


def production_env() -> dict[str, str]:
    """The same exclusion as dbt's environment variable, for a dbt run in a subprocess."""
    return {"DBT_EXCLUDE_RESOURCE_TYPES": " ".join(PRODUCTION_EXCLUDED_RESOURCE_TYPES)}


@dataclass
class DbtOutcome:
    """What a dbt command did: node counts by resource type and status, and the failures."""

    success: bool
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    usage_error: str | None = None
    """dbt refused the command line itself (dbtRunner returns that without printing it)."""

    def count(self, resource_type: str, *statuses: str) -> int:
        return sum(
            n
            for (kind, status), n in self.counts.items()
            if kind == resource_type and status in statuses
        )

    def describe(self) -> str:
        """E.g. ``18 models and 2 seeds built, 92 data tests and 15 unit tests passed, 0 failed``.

        Unit tests are named only when some ran (the daily build leaves them out).
        """
        models = self.count("model", "success")
        seeds = self.count("seed", "success")
        data_tests = self.count("test", "pass", "warn")
        unit_tests = self.count("unit_test", "pass", "warn")
        failed = sum(n for (_, status), n in self.counts.items() if status in {"error", "fail"})
        passed = f"{data_tests} data tests"
        if any(kind == "unit_test" for kind, _ in self.counts):
            passed += f" and {unit_tests} unit tests"
        return f"{models} models and {seeds} seeds built, {passed} passed, {failed} failed"


def profiles_dir(settings: Settings) -> Path:
    """The project's profiles.yml, or a copy of the example when `make setup` has not run."""
    if (REPO_ROOT / "profiles.yml").exists():
        return REPO_ROOT
    fallback = settings.home / "dbt"
    fallback.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "profiles.yml.example", fallback / "profiles.yml")
    return fallback


def export_environment(settings: Settings) -> None:
    """Publish the settings the dbt profile reads with env_var()."""
    os.environ["PINLAKE_HOME"] = str(settings.home)
    os.environ["PINLAKE_JVM_CACHE"] = str(settings.jvm_cache)
    os.environ["PINLAKE_SPARK_MASTER"] = settings.spark_master
    os.environ["PINLAKE_SPARK_DRIVER_MEMORY"] = settings.spark_driver_memory
    os.environ["PINLAKE_SPARK_SHUFFLE_PARTITIONS"] = str(settings.spark_shuffle_partitions)
    os.environ["PINLAKE_DELTA_SNAPSHOT_PARTITIONS"] = str(settings.delta_snapshot_partitions)
    os.environ["PINLAKE_DBT_TARGET"] = settings.dbt_target


def invoke(settings: Settings, args: list[str]) -> DbtOutcome:
    """Run one dbt command (e.g. ``["build"]``) against the project; the caller holds the lock."""
    from dbt.cli.exceptions import DbtUsageException
    from dbt.cli.main import dbtRunner

    export_environment(settings)
    path = command_path(args)
    # Without a command: dbt's own --version or -h, or a mistyped command. dbt takes the
    # project options after a command only, and prints or refuses without a connection.
    if path:
        at = path[-1]
        ours = ["--project-dir", str(REPO_ROOT), "--profiles-dir", str(profiles_dir(settings))]
        if not only_prints(args):
            try:
                target = command_line_target(args, path)
            except click.ClickException as error:
                return DbtOutcome(success=False, usage_error=error.format_message())
            if target is None:  # the user's own --target, before or after the command, wins
                target = settings.dbt_target
                ours += ["--target", target]
            if target == "local" and args[at] not in OFFLINE_COMMANDS:
                build_session(settings, catalog=True)
        # Right after the command, so that an option of the user's that lacks its value
        # is refused rather than given ours.
        args = [*args[: at + 1], *ours, *args[at + 1 :]]
    result = dbtRunner().invoke(args)
    outcome = DbtOutcome(success=result.success)
    if isinstance(result.exception, DbtUsageException):
        outcome.usage_error = str(result.exception)
    for node in getattr(result.result, "results", None) or []:
        status = str(node.status)
        key = (str(getattr(node.node, "resource_type", "node")), status)
        outcome.counts[key] = outcome.counts.get(key, 0) + 1
        if status in {"error", "fail"}:
            outcome.failures.append(f"{node.node.unique_id}: {node.message}")
    return outcome


def command_path(args: list[str]) -> list[int]:
    """Where the dbt command's words are in ``args``: ``[2]`` for ``--log-level debug
    build -s x``, ``[0, 1]`` for ``docs generate``; empty when the line names no command
    (or a mistyped one, which dbt refuses itself)."""
    from dbt.cli.main import cli

    group: click.Group = cli
    path: list[int] = []
    value_next = False
    for index, arg in enumerate(args):
        if value_next:  # the value of a group's option, such as `debug` after --log-level
            value_next = False
        elif arg.startswith("-"):
            value_next = "=" not in arg and _takes_value(group, arg)
        elif (command := group.commands.get(arg)) is None:
            return []
        elif isinstance(command, click.Group):
            path.append(index)
            group = command
        else:
            return [*path, index]
    return []


def _takes_value(group: click.Group, option: str) -> bool:
    return any(
        isinstance(param, click.Option) and option in param.opts and not param.is_flag
        for param in group.params
    )


def command_line_target(args: list[str], path: list[int]) -> str | None:
    """The target ``args`` (whose command's words are at ``path``) name, before or after
    the command; None when they name none.

    Parsed as dbt's command line parses it, before any Spark session starts: dbt itself
    parses only when it runs, so a mistyped option used to cost Spark's start-up first.
    Raises ``click.ClickException`` with dbt's message for a line dbt would refuse.
    """
    from dbt.cli.main import cli

    command: click.Command = cli
    context: click.Context | None = None
    name, begin = "dbt", 0
    for index in path:
        context = command.make_context(name, args[begin : index + 1], parent=context)
        assert isinstance(command, click.Group)
        name, command, begin = args[index], command.commands[args[index]], index + 1
    context = command.make_context(name, args[begin:], parent=context)
    while context is not None:
        if context.get_parameter_source("target") is ParameterSource.COMMANDLINE:
            return str(context.params["target"])
        context = context.parent
    return None


def only_prints(args: list[str]) -> bool:
    """dbt's help or version: printed without a connection, so without a Spark session."""
    return any(arg in {"-h", "--help", "-v", "-V", "--version"} for arg in args)


def run(settings: Settings, args: list[str]) -> DbtOutcome:
    """Run one dbt command holding the local metastore."""
    with metastore_lock(settings, f"dbt {' '.join(args)}"):
        return invoke(settings, args)
