"""The source database: the three tables of the original system's MySQL database.

Row *i* of each table describes post *i* (``index`` in ``pinterest_data``, ``ind`` in
the other two), exactly as in the original, so that the emulator can send the three
records of a post together and the lakehouse can join them back on ``ind``. Column
types follow the original MySQL schema (follower counts are strings such as ``12k``,
``downloaded`` is an integer 0/1) because cleaning those is the pipeline's job, not
the source's. SQLAlchemy Core keeps one definition working on SQLite (the default),
MySQL and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

metadata = MetaData()

# SQLite would store ``2019-01-01 07:21:13.000000``; the original MySQL DATETIME has
# whole seconds, so store and read them in that form.
_SQLITE_DATETIME = sqlite.DATETIME(
    storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d",
    regexp=r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)",
)
_DATETIME = DateTime().with_variant(_SQLITE_DATETIME, "sqlite")

pinterest_data = Table(
    "pinterest_data",
    metadata,
    Column("index", Integer, primary_key=True, autoincrement=False),
    Column("unique_id", String(36), nullable=False),
    Column("title", Text),
    Column("description", Text),
    Column("poster_name", String(255)),
    Column("follower_count", String(32)),
    Column("tag_list", Text),
    Column("is_image_or_video", String(64)),
    Column("image_src", Text),
    Column("downloaded", Integer),
    Column("save_location", String(255)),
    Column("category", String(64)),
)

geolocation_data = Table(
    "geolocation_data",
    metadata,
    Column("ind", Integer, primary_key=True, autoincrement=False),
    Column("timestamp", _DATETIME, nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("country", String(255)),
)

user_data = Table(
    "user_data",
    metadata,
    Column("ind", Integer, primary_key=True, autoincrement=False),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("age", Integer),
    Column("date_joined", _DATETIME),
)

TABLES: dict[str, Table] = {"pin": pinterest_data, "geo": geolocation_data, "user": user_data}
"""The table that holds each record kind (the kinds of ``orchestration.settings.RECORD_KINDS``)."""


def key_column(kind: str) -> Column[int]:
    """The row-index column of a kind: ``index`` for pins (the original's name), ``ind`` else."""
    table = TABLES[kind]
    return table.c["index"] if kind == "pin" else table.c["ind"]


class SourceNotReady(RuntimeError):
    """The source database cannot be reached or lacks the pipeline's tables; says what to do."""


_URL_FORMS = (
    "sqlite:///<file>, mysql+pymysql://<user>:<password>@<host>/<db> (extra `mysql`) or "
    "postgresql+psycopg://<user>:<password>@<host>/<db> (extra `postgres`)"
)


def make_engine(url: str) -> Engine:
    """An engine for the source DB; SQLite files get WAL so readers never block the generator.

    The parent folder of a SQLite file is created, so a fresh ``PINLAKE_HOME`` just works.
    A URL SQLAlchemy cannot read, or whose driver is not installed, is :class:`SourceNotReady`.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        # not echoed: a mistyped URL may still hold a password
        raise SourceNotReady(
            f"the source database URL (PINLAKE_SOURCE_URL or --source-url) is not a "
            f"SQLAlchemy URL; pinlake reads {_URL_FORMS}"
        ) from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=not is_sqlite)
    except (NoSuchModuleError, ImportError) as error:
        raise SourceNotReady(
            f"no installed driver for {parsed.render_as_string(hide_password=True)} "
            f"({type(error).__name__}: {error}); pinlake reads {_URL_FORMS}"
        ) from None
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def shown_url(engine: Engine) -> str:
    """The engine's URL as it may be printed: the password masked."""
    return engine.url.render_as_string(hide_password=True)


def table_names(engine: Engine) -> set[str]:
    """The database's tables; :class:`SourceNotReady` when its server cannot be reached."""
    try:
        return set(inspect(engine).get_table_names())
    except OperationalError as error:
        # the driver's own words: pymysql's args are (code, message), sqlite's (message,)
        reason = str(error.orig.args[-1]) if error.orig and error.orig.args else str(error)
        reason = " ".join(reason.split())
        raise SourceNotReady(
            f"cannot reach the source database {shown_url(engine)} ({reason}): check "
            "the URL (PINLAKE_SOURCE_URL) and that the database server runs"
        ) from None


def require_tables(engine: Engine) -> None:
    """Raise :class:`SourceNotReady` unless the database answers and has the three tables."""
    present = table_names(engine)
    missing = [table.name for table in TABLES.values() if table.name not in present]
    if missing:
        raise SourceNotReady(
            f"the source database {shown_url(engine)} has no table {', '.join(missing)}: "
            "fill it with `pinlake generate --posts N`, or point PINLAKE_SOURCE_URL at a "
            "database that has them"
        )


def create_tables(engine: Engine) -> None:
    """Create the three tables if they do not exist (idempotent)."""
    metadata.create_all(engine)


def drop_tables(engine: Engine) -> None:
    """Drop the three tables, for ``pinlake generate --replace``."""
    metadata.drop_all(engine)


def max_ind(engine: Engine) -> int | None:
    """The highest post index in the source, or ``None`` when it is empty.

    The three tables are written together, so ``pinterest_data`` speaks for all of them.
    A database without the tables yet counts as empty.
    """
    if not inspect(engine).has_table(pinterest_data.name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(func.max(pinterest_data.c["index"]))).scalar()


def read_batches(
    engine: Engine,
    kind: str,
    after_ind: int | None = None,
    batch_size: int = 1000,
    until_ind: int | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Rows of one kind in index order, ``batch_size`` at a time, as plain dicts.

    Keyset pagination (``ind > last seen``) rather than one open cursor: each batch is
    its own short query, so a long stream never holds a read transaction open while
    the generator appends, and a reader can resume from the last index it handled.
    ``after_ind`` is exclusive and ``until_ind`` inclusive; ``None`` means unbounded.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    table, key = TABLES[kind], key_column(kind)
    last = after_ind
    while True:
        query = select(table).order_by(key).limit(batch_size)
        if last is not None:
            query = query.where(key > last)
        if until_ind is not None:
            query = query.where(key <= until_ind)
        with engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        if not rows:
            return
        yield rows
        if len(rows) < batch_size:
            return
        last = rows[-1][key.name]


def read_posts(
    engine: Engine,
    kind: str,
    after_ind: int | None = None,
    batch_size: int = 1000,
    until_ind: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of one kind after ``after_ind`` in index order, one dict at a time."""
    for batch in read_batches(engine, kind, after_ind, batch_size, until_ind):
        yield from batch
