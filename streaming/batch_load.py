"""``pinlake load``: extract the source database into the bronze tables.

The batch path of the lakehouse. Each run gets an extract id; rows are serialised as
the JSON the source database would give a client (keys as in the source tables,
datetimes as ``YYYY-MM-DD HH:MM:SS``) and appended to bronze untouched. By default only
rows whose post index is above the highest one already extracted are read, so a daily
run is cheap; ``full=True`` extracts everything again (staging keeps the latest
arrival of each post, so re-extracting never double counts).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from rich.progress import Progress

from ingestion import source_db
from orchestration.settings import RECORD_KINDS, Settings
from streaming import bronze

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class LoadResult:
    extract_id: str
    rows_per_kind: dict[str, int]


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_payload(row: dict[str, Any]) -> str:
    return json.dumps(row, default=_json_default, ensure_ascii=False)


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for row in rows:
        chunk.append(to_payload(row))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def last_extracted_ind(spark: SparkSession, settings: Settings, kind: str) -> int | None:
    """Highest post index already extracted by the batch path for one kind."""
    from pyspark.sql import functions as F

    key = F.coalesce(
        F.get_json_object("payload", "$.ind"), F.get_json_object("payload", "$.index")
    ).cast("bigint")
    row = (
        spark.read.format("delta")
        .load(str(settings.bronze_path(kind)))
        .where(F.col("record_source") == "batch")
        .agg(F.max(key).alias("last"))
        .first()
    )
    return None if row is None else row["last"]


def load(spark: SparkSession, settings: Settings, *, full: bool = False) -> LoadResult:
    """Append the source rows not extracted yet (or all of them) to bronze."""
    import pandas as pd
    from pyspark.sql import functions as F

    engine = source_db.make_engine(settings.resolved_source_url)
    source_db.require_tables(engine)
    bronze.ensure_bronze_tables(spark, settings)
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    extract_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    counts: dict[str, int] = {}
    with Progress(transient=True) as progress:
        for kind in RECORD_KINDS:
            after = None if full else last_extracted_ind(spark, settings, kind)
            task = progress.add_task(f"extracting {kind}", total=None)
            counts[kind] = 0
            rows = source_db.read_posts(engine, kind, after_ind=after, batch_size=50_000)
            for chunk in _chunks(rows, CHUNK_ROWS):
                frame = spark.createDataFrame(pd.DataFrame({"payload": chunk})).select(
                    "payload",
                    F.lit("batch").alias("record_source"),
                    F.lit(extract_id).alias("extract_id"),
                    F.current_timestamp().alias("ingested_at"),
                )
                bronze.append(frame, settings, kind)
                counts[kind] += len(chunk)
                progress.update(task, advance=len(chunk))
    engine.dispose()
    return LoadResult(extract_id=extract_id, rows_per_kind=counts)
