"""The source database on real PostgreSQL and MySQL servers: generate into it, extract from it.

The servers are Debian's PostgreSQL and MariaDB (``make test`` installs the packages
when they are missing), each started for this module in a throwaway data folder on a
free loopback port, and stopped after. On each, the same seed must give the same rows as
on SQLite, and the extract (``pinlake load``) must take every record, then only the rows
added since. MySQL is the original system's database, where ``index`` is a reserved
word.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ports import free_tcp_port
from sqlalchemy import Engine, select

from ingestion import generator, source_db
from orchestration.settings import Settings
from streaming import batch_load

pytestmark = [pytest.mark.spark]

PINLAKE = Path(sys.executable).parent / "pinlake"
MARIADB = Path("/usr/sbin/mariadbd")
SERVER_USER = "postgres"
"""PostgreSQL refuses to run as root; the Debian package's own user runs it then."""


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server: `make test` installs Debian's postgresql package")
    bin_dir = Path(found[-1]).parent
    # not under pytest's tmp folder: that is private to this user, the server runs as another
    base = Path(tempfile.mkdtemp(prefix="pinlake-postgres-"))
    base.chmod(0o755)
    data = base / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, SERVER_USER, SERVER_USER)
    port = free_tcp_port()
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "pinlake"]),
        check=True,
        capture_output=True,
        timeout=120,
    )
    listen = ["-p", str(port), "-h", "127.0.0.1", "-k", str(data)]
    server = subprocess.Popen(
        _as_server_user([str(bin_dir / "postgres"), "-D", str(data), *listen, "-c", "fsync=off"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql+psycopg://pinlake@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(
            [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
        ).returncode:
            assert server.poll() is None, "the PostgreSQL server exited"
            assert time.monotonic() < deadline, "PostgreSQL did not accept connections in 60 s"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def mysql_url() -> Iterator[str]:
    """A MariaDB server with an empty data folder: no grant tables, so no accounts to set up
    (it listens on loopback only and lives as long as the module)."""
    if not MARIADB.exists():
        pytest.skip("no MariaDB server: `make test` installs Debian's mariadb-server-core")
    base = Path(tempfile.mkdtemp(prefix="pinlake-mariadb-"))
    data, socket_file = base / "data", base / "mysqld.sock"
    data.mkdir()
    port = free_tcp_port()
    options = [f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1"]
    options += [
        f"--socket={socket_file}",
        "--skip-grant-tables",
        "--innodb-flush-log-at-trx-commit=0",
    ]
    if os.geteuid() == 0:
        options.append("--user=root")  # mariadbd refuses root unless told
    server = subprocess.Popen(
        [str(MARIADB), "--no-defaults", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import pymysql

        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the MariaDB server exited"
            try:
                with pymysql.connect(host="127.0.0.1", port=port, user="root") as connection:
                    connection.cursor().execute("create database pinlake")
                break
            except pymysql.err.OperationalError:
                assert time.monotonic() < deadline, "MariaDB did not accept connections in 60 s"
                time.sleep(0.3)
        yield f"mysql+pymysql://root@127.0.0.1:{port}/pinlake"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


SERVERS = {"postgresql": "postgres_url", "mysql": "mysql_url"}
"""Dialect -> the fixture that serves it."""


@pytest.fixture(params=list(SERVERS))
def server_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(SERVERS[request.param]))


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            kind: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(source_db.key_column(kind))
                ).all()
            ]
            for kind, table in source_db.TABLES.items()
        }


def test_same_seed_gives_the_same_rows_as_on_sqlite(server_url: str, tmp_path: Path) -> None:
    engines = [
        source_db.make_engine(server_url),
        source_db.make_engine(f"sqlite:///{tmp_path}/s.db"),
    ]
    for engine in engines:
        source_db.drop_tables(engine)
        generator.generate(engine, posts=300, seed=5, progress=False)

    on_server, on_sqlite = (_rows(engine) for engine in engines)

    assert {kind: len(rows) for kind, rows in on_server.items()} == dict.fromkeys(
        source_db.TABLES, 300
    )
    assert on_server == on_sqlite


def test_load_extracts_everything_then_only_the_new_rows(
    spark: Any, lakehouse_settings: Settings, server_url: str, tmp_path: Path
) -> None:
    """The extract runs in this process's Spark session, where each ``pinlake load`` would
    start a JVM of its own: the same function, on a home of its own."""
    settings = lakehouse_settings.model_copy(update={"home": tmp_path, "source_url": server_url})
    environment = {**os.environ, "PINLAKE_HOME": str(tmp_path), "PINLAKE_SOURCE_URL": server_url}

    def generate(*args: str) -> None:
        done = subprocess.run(
            [str(PINLAKE), "generate", *args], env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

    generate("--posts", "120", "--seed", "3", "--replace")
    first = batch_load.load(spark, settings).rows_per_kind
    generate("--posts", "30", "--seed", "4", "--append")
    second = batch_load.load(spark, settings).rows_per_kind

    assert first == dict.fromkeys(["pin", "geo", "user"], 120)
    assert second == dict.fromkeys(["pin", "geo", "user"], 30)
    for kind in first:
        bronze = spark.read.format("delta").load(str(settings.bronze_path(kind)))
        assert bronze.count() == 150
