"""The source DB: the original's table and column names, and ordered, resumable reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from ports import free_tcp_port
from sqlalchemy import Engine, inspect, text

from ingestion import source_db
from ingestion.source_db import (
    create_tables,
    geolocation_data,
    make_engine,
    max_ind,
    pinterest_data,
    read_batches,
    read_posts,
    user_data,
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'source.db'}")
    create_tables(engine)
    return engine


def _insert(engine: Engine, inds: list[int]) -> None:
    with engine.begin() as conn:
        conn.execute(
            geolocation_data.insert(),
            [
                {
                    "ind": i,
                    "timestamp": datetime(2020, 1, 1, 12, 0, i % 60),
                    "latitude": -10.5 + i,
                    "longitude": 20.25,
                    "country": f"Country {i}",
                }
                for i in inds
            ],
        )


def test_tables_have_the_original_names_and_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    columns = {
        t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()
    }
    assert columns == {
        "pinterest_data": [
            "index",
            "unique_id",
            "title",
            "description",
            "poster_name",
            "follower_count",
            "tag_list",
            "is_image_or_video",
            "image_src",
            "downloaded",
            "save_location",
            "category",
        ],
        "geolocation_data": ["ind", "timestamp", "latitude", "longitude", "country"],
        "user_data": ["ind", "first_name", "last_name", "age", "date_joined"],
    }
    assert inspector.get_pk_constraint("pinterest_data")["constrained_columns"] == ["index"]
    assert inspector.get_pk_constraint("user_data")["constrained_columns"] == ["ind"]


def test_make_engine_creates_the_folder_and_uses_wal(engine: Engine, tmp_path: Path) -> None:
    assert (tmp_path / "nested" / "source.db").exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_timestamps_are_stored_with_whole_seconds_like_mysql(engine: Engine) -> None:
    _insert(engine, [3])
    with engine.connect() as conn:
        raw = conn.execute(text("select timestamp from geolocation_data")).scalar()
    assert raw == "2020-01-01 12:00:03"
    assert next(read_posts(engine, "geo"))["timestamp"] == datetime(2020, 1, 1, 12, 0, 3)


def test_max_ind_of_empty_and_missing_tables(engine: Engine, tmp_path: Path) -> None:
    assert max_ind(engine) is None
    assert max_ind(make_engine(f"sqlite:///{tmp_path / 'never-created.db'}")) is None


def test_max_ind_follows_pins(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            pinterest_data.insert(),
            [{"index": i, "unique_id": f"id-{i}"} for i in (4, 9, 2)],
        )
    assert max_ind(engine) == 9


def test_read_posts_streams_in_index_order_after_a_given_ind(engine: Engine) -> None:
    _insert(engine, [7, 1, 5, 3, 9, 2])
    rows = list(read_posts(engine, "geo", after_ind=None, batch_size=2))
    assert [r["ind"] for r in rows] == [1, 2, 3, 5, 7, 9]
    assert rows[0] == {
        "ind": 1,
        "timestamp": datetime(2020, 1, 1, 12, 0, 1),
        "latitude": -9.5,
        "longitude": 20.25,
        "country": "Country 1",
    }
    assert [r["ind"] for r in read_posts(engine, "geo", after_ind=3, batch_size=2)] == [5, 7, 9]
    assert [r["ind"] for r in read_posts(engine, "geo", after_ind=9)] == []
    assert [r["ind"] for r in read_posts(engine, "geo", after_ind=1, until_ind=7)] == [2, 3, 5, 7]


def test_read_batches_respects_batch_size(engine: Engine) -> None:
    _insert(engine, list(range(10)))
    sizes = [len(b) for b in read_batches(engine, "geo", after_ind=None, batch_size=4)]
    assert sizes == [4, 4, 2]
    with pytest.raises(ValueError):
        next(read_batches(engine, "geo", batch_size=0))


def test_each_kind_reads_its_own_table(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(pinterest_data.insert(), [{"index": 0, "unique_id": "u", "category": "art"}])
        conn.execute(user_data.insert(), [{"ind": 0, "first_name": "Ann", "age": 30}])
    assert next(read_posts(engine, "pin"))["category"] == "art"
    assert next(read_posts(engine, "user"))["first_name"] == "Ann"
    assert list(read_posts(engine, "geo")) == []
    assert source_db.key_column("pin").name == "index"
    assert source_db.key_column("user").name == "ind"


@pytest.mark.parametrize("dialect_name", ["mysql", "postgresql"])
def test_schema_compiles_for_mysql_and_postgresql(dialect_name: str) -> None:
    """The same tables must work on the original MySQL and on PostgreSQL (DDL only, no server)."""
    from sqlalchemy.dialects import mysql, postgresql
    from sqlalchemy.schema import CreateTable

    dialect = {"mysql": mysql.dialect(), "postgresql": postgresql.dialect()}[dialect_name]
    ddl = {t.name: str(CreateTable(t).compile(dialect=dialect)) for t in source_db.TABLES.values()}
    name = dialect.identifier_preparer.quote
    assert name("index") != "index" or dialect_name != "mysql", "INDEX is reserved in MySQL"
    assert f"{name('index')} INTEGER NOT NULL" in ddl["pinterest_data"]
    assert "follower_count VARCHAR(32)" in ddl["pinterest_data"]
    timestamp_type = "DATETIME" if dialect_name == "mysql" else "TIMESTAMP WITHOUT TIME ZONE"
    assert f"{name('timestamp')} {timestamp_type} NOT NULL" in ddl["geolocation_data"]
    assert f"date_joined {timestamp_type}" in ddl["user_data"]


def test_require_tables_names_the_missing_ones(engine: Engine, tmp_path: Path) -> None:
    source_db.require_tables(engine)  # all three there

    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(source_db.SourceNotReady) as missing_all:
        source_db.require_tables(empty)
    assert str(missing_all.value).startswith(
        f"the source database sqlite:///{tmp_path / 'empty.db'} has no table pinterest_data, "
        "geolocation_data, user_data: fill it with `pinlake generate --posts N`"
    )

    with engine.begin() as conn:
        conn.execute(text("drop table user_data"))
    with pytest.raises(source_db.SourceNotReady, match="has no table user_data: "):
        source_db.require_tables(engine)


def test_require_tables_of_an_unreachable_server_hides_the_password() -> None:
    """A MySQL URL on a port where nothing listens."""
    port = free_tcp_port()
    engine = make_engine(f"mysql+pymysql://pinner:s3cret@127.0.0.1:{port}/pinterest")

    with pytest.raises(source_db.SourceNotReady) as failure:
        source_db.require_tables(engine)

    message = str(failure.value)
    assert message.startswith(
        f"cannot reach the source database mysql+pymysql://pinner:***@127.0.0.1:{port}/pinterest ("
    )
    assert "Connection refused" in message and "(PINLAKE_SOURCE_URL)" in message
    assert "s3cret" not in message


def test_generate_into_an_unreachable_server_says_so_in_one_line() -> None:
    from typer.testing import CliRunner

    from orchestration.cli import app

    url = f"postgresql+psycopg://pinner:s3cret@127.0.0.1:{free_tcp_port()}/pinterest"
    result = CliRunner().invoke(app, ["generate", "--posts", "3", "--source-url", url])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot reach the source database postgresql+psycopg://pinner:***@" in result.output
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("pinner:s3cret@db/pinterest", "is not a SQLAlchemy URL; pinlake reads sqlite:///<file>, "),
        ("mysql://pinner:s3cret@db/pinterest", "no installed driver for mysql://pinner:***@db/"),
        ("oracle+cx_oracle://pinner:s3cret@db/x", "no installed driver for oracle+cx_oracle://"),
        ("mangodb://pinner:s3cret@db/pinterest", "no installed driver for mangodb://pinner:***@"),
    ],
)
def test_a_url_without_a_driver_here_says_which_urls_work(url: str, expected: str) -> None:
    """A typo or MySQL's default driver (mysqlclient, not installed: the extra brings
    PyMySQL) ended in SQLAlchemy's traceback; a password is never echoed."""
    with pytest.raises(source_db.SourceNotReady) as failure:
        make_engine(url)

    message = str(failure.value)
    assert expected in message
    assert "mysql+pymysql://" in message and "postgresql+psycopg://" in message
    assert "s3cret" not in message
