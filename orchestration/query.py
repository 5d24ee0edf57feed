"""``pinlake sql``: look at any table of the local lakehouse without writing code."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from orchestration.settings import Settings
from streaming.spark import catalog_session

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


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    """The statement had more rows than the limit; ``rows`` holds the first ``limit``."""


def run_query(settings: Settings, query: str, *, limit: int | None) -> QueryResult:
    """Column names and rows of one Spark SQL statement, at most ``limit`` (None: all)."""
    with catalog_session(settings, "pinlake sql") as spark:
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


def print_result(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, map(_plain, row), strict=True))))
    elif output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_plain(value) for value in row] for row in rows])
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*["" if value is None else str(_plain(value)) for value in row])
        Console().print(table)


def print_marts(settings: Settings, *, limit: int) -> None:
    """Print the nine question marts as tables, in one Spark session."""
    console = Console()
    with catalog_session(settings, "pinlake marts") as spark:
        for mart in MARTS:
            frame = spark.sql(f"select * from marts.{mart}")
            total = frame.count()
            rows = [tuple(row) for row in frame.orderBy(*frame.columns[:2]).limit(limit).collect()]
            table = Table(*frame.columns, title=f"marts.{mart} ({total:,} rows)")
            for row in rows:
                table.add_row(*["" if value is None else str(_plain(value)) for value in row])
            console.print(table)
