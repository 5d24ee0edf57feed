"""``pinlake sql``: look at any table of the local lakehouse without writing code."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from orchestration.settings import Settings
from streaming import realtime
from streaming.bronze import BRONZE_TABLES
from streaming.spark import catalog_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MARTS: tuple[str, ...] = (
    "popular_category_by_country",
    "popular_category_by_year",
    "top_user_by_country",
    "top_country_by_followers",
    "popular_category_by_age_group",
    "median_follower_count_by_age_group",
    "users_joined_by_year",
    "median_follower_count_by_join_year",
    "median_follower_count_by_join_year_and_age_group",
)
"""The analytical questions, one mart each, in the order the README lists them."""


SCHEMAS: tuple[str, ...] = ("bronze", "staging", "intermediate", "marts", "realtime")
"""The lakehouse's schemas, named when a statement asks for a table that does not exist."""


class QueryFailed(RuntimeError):
    """Spark refused or could not run a statement; the message is Spark's own, plan left out."""


def spark_error_message(error: Exception) -> str:
    """Spark's message of a failed statement, without the logical plan it appends.

    An analysis error ends in the plan after ``; line L pos P;``; syntax and run-time
    errors end in the statement with the fault marked, which is kept.
    """
    text = str(error).strip()
    message, marker, statement = text.partition("\n== SQL")
    if ";\n" in message:
        message = message.split(";\n", 1)[0]
    text = (message + marker + statement).strip()
    condition = getattr(error, "getCondition", lambda: None)()
    if condition == "TABLE_OR_VIEW_NOT_FOUND":
        text += f"\npinlake's schemas: {', '.join(SCHEMAS)} (e.g. `show tables in marts`)"
    return text


@contextmanager
def reported_as_query_failed() -> Iterator[None]:
    """Turn Spark's SQL errors into :class:`QueryFailed` with their readable message."""
    from pyspark.errors.exceptions.captured import CapturedException

    try:
        yield
    except CapturedException as error:
        raise QueryFailed(spark_error_message(error)) from None


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    """The statement had more rows than the limit; ``rows`` holds the first ``limit``."""


def register_landed_tables(spark: SparkSession, settings: Settings) -> None:
    """Register the bronze and realtime tables that have landed but are not in the
    metastore yet, so ``bronze.pin`` reads right after `pinlake load` or `pinlake stream`.

    Both write by path; dbt registers the tables on every run (``register_bronze_tables``
    and ``register_realtime_tables``, which also create the missing ones empty), so
    before the first build a query of ``bronze.pin`` met TABLE_OR_VIEW_NOT_FOUND.
    """
    from delta.tables import DeltaTable

    landed = {
        "bronze": {table: str(settings.bronze_path(table)) for table in BRONZE_TABLES},
        "realtime": {table.name: table.path(settings) for table in realtime.TABLES},
    }
    for schema, paths in landed.items():
        # `show tables` asks the metastore only; `tableExists` on a Delta table also
        # reads its log (~2 s a table here).
        registered: set[str] = set()
        if spark.catalog.databaseExists(schema):
            registered = {row.tableName for row in spark.sql(f"show tables in {schema}").collect()}
        for table, path in paths.items():
            if table not in registered and DeltaTable.isDeltaTable(spark, path):
                spark.sql(f"create database if not exists {schema}")
                spark.sql(f"create table {schema}.{table} using delta location '{path}'")


def run_query(settings: Settings, query: str, *, limit: int | None) -> QueryResult:
    """Column names and rows of one Spark SQL statement, at most ``limit`` (None: all)."""
    with catalog_session(settings, "pinlake sql") as spark, reported_as_query_failed():
        register_landed_tables(spark, settings)
        frame = spark.sql(query)
        if limit is None:
            return QueryResult(list(frame.columns), [tuple(row) for row in frame.collect()], False)
        # one row more than asked, to tell the caller that there were more
        rows = [tuple(row) for row in frame.limit(limit + 1).collect()]
        return QueryResult(list(frame.columns), rows[:limit], len(rows) > limit)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _table(columns: list[str], rows: list[tuple]) -> Table:
    """Rows as a terminal table: values as plain text, nulls blank."""
    table = Table(*columns)
    for row in rows:
        table.add_row(*["" if value is None else str(_plain(value)) for value in row])
    return table


def print_result(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, map(_plain, row), strict=True))))
    elif output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_plain(value) for value in row] for row in rows])
    else:
        Console().print(_table(columns, rows))


def mart_table(mart: str, columns: list[str], rows: list[tuple], total: int) -> Group:
    """One mart: its name and size on a line of their own (a table's title would wrap
    to the table's width), the first ``rows`` of ``total``, and how to see the rest."""
    parts: list[RenderableType] = [
        Text(f"marts.{mart} ({total:,} rows)", style="bold"),
        _table(columns, rows),
    ]
    if len(rows) < total:
        parts.append(
            Text(
                f"first {len(rows):,} of {total:,} rows; all of them: "
                f'pinlake sql "select * from marts.{mart}" --limit 0',
                style="dim",
            )
        )
    return Group(*parts)


def print_marts(settings: Settings, *, limit: int) -> None:
    """Print the nine question marts as tables, in one Spark session: the first ``limit``
    rows of each (``0``: all), ordered by their first two columns."""
    console = Console()
    with catalog_session(settings, "pinlake marts") as spark:
        missing = [mart for mart in MARTS if not spark.catalog.tableExists(f"marts.{mart}")]
        if missing:
            which = "the marts are" if missing == list(MARTS) else ", ".join(missing)
            raise QueryFailed(
                f"{which} not built yet: build them with `pinlake build`, once bronze holds "
                "data (`pinlake load` or `pinlake stream`); `pinlake demo` does it all"
            )
        for mart in MARTS:
            frame = spark.sql(f"select * from marts.{mart}")
            total = frame.count()
            ordered = frame.orderBy(*frame.columns[:2])
            if limit > 0:
                ordered = ordered.limit(limit)
            rows = [tuple(row) for row in ordered.collect()]
            console.print(mart_table(mart, frame.columns, rows, total), end="\n\n")
