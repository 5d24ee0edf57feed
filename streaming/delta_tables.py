"""Delta tables the stream and the batch load write by path: created empty, properties kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType


def struct_from_ddl(columns: str) -> StructType:
    """The schema of ``columns``, Spark DDL such as ``"ind bigint, payload string"``."""
    from pyspark.sql.types import StructType

    schema = StructType.fromDDL(columns)
    if not isinstance(schema, StructType):  # a single type, such as "string", parses too
        raise ValueError(f"not a list of columns: {columns!r}")
    return schema


def ensure_table(
    spark: SparkSession, path: str, schema: StructType, properties: Mapping[str, str]
) -> None:
    """Create the empty Delta table at ``path`` if missing, with ``properties``.

    A table that exists without them (created empty by a dbt macro that registers it,
    or by an earlier pinlake) gets them set, before anything else writes to it.
    """
    from delta.tables import DeltaTable

    builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
    for key, value in properties.items():
        builder = builder.property(key, value)
    builder.execute()
    detail = DeltaTable.forPath(spark, path).detail().first()
    assert detail is not None, "a Delta table's detail is one row"
    current = detail.properties
    missing = {key: value for key, value in properties.items() if current.get(key) != value}
    if missing:
        assignments = ", ".join(f"'{key}' = '{value}'" for key, value in missing.items())
        spark.sql(f"alter table delta.`{path}` set tblproperties ({assignments})")
