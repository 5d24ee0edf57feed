"""The profile's ``thrift`` target against a real Spark Thrift Server with Delta.

The server is Spark's own ``HiveThriftServer2`` (its jar ships with pyspark), started
with the settings pinlake's sessions use and a metastore of its own; dbt reaches it
through dbt-spark's PyHive client (the ``thrift`` extra) exactly as it would reach one on
a cluster. The bronze tables come from ``pinlake load`` in another lakehouse, and the
build finds them through ``PINLAKE_BRONZE_ROOT``, as the deployment guide says.

A Thrift Server keeps Spark 4's ANSI casts on whatever dbt-spark asks for, so this build
fails if a cleaning rule casts a dirty value (``12kk``, ``north``) without ``try_cast``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from ports import free_tcp_port
from processes import stop
from pyhive import hive

from ingestion.kafka_stack import port_open
from orchestration import jvm
from orchestration.settings import REPO_ROOT, Settings
from streaming.spark import spark_conf

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.slowest]

BIN_DIR = Path(sys.executable).parent
STAGING = ("+stg_pinterest__pins", "+stg_pinterest__geolocations", "+stg_pinterest__users")
"""The cleaning rules: seeds, the three staging models, their data and unit tests."""


@pytest.fixture
def thrift_port(tmp_path: Path) -> Iterator[int]:
    """A Spark Thrift Server on a free loopback port, its metastore under ``tmp_path``."""
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    settings = Settings(home=tmp_path / "server")
    settings.home.mkdir(parents=True)
    port = free_tcp_port()
    conf = spark_conf(settings, catalog=True)
    # The server's sessions load Delta's classes from the driver's class path, not from
    # `spark.jars` (the profile's local target does the same).
    conf.pop("spark.jars", None)
    conf["spark.driver.extraClassPath"] = ":".join(str(jar) for jar in jvm.jars("spark"))
    confs = [f"--conf={key}={value}" for key, value in conf.items()]
    log = (tmp_path / "thrift-server.log").open("w")
    server = subprocess.Popen(
        [
            str(spark_home / "bin" / "spark-submit"),
            "--class=org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            *confs,
            "--hiveconf",
            f"hive.server2.thrift.port={port}",
            "--hiveconf",
            "hive.server2.thrift.bind.host=127.0.0.1",
            "spark-internal",
        ],
        cwd=settings.home,
        env={**os.environ, "SPARK_HOME": str(spark_home)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not port_open("127.0.0.1", port):
            assert server.poll() is None, (tmp_path / "thrift-server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the Thrift Server did not listen within 180 s"
            time.sleep(1)
        yield port
    finally:
        stop(server)
        log.close()


def run(home: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(BIN_DIR / command[0]), *command[1:]],
        cwd=REPO_ROOT,
        env={**os.environ, "PINLAKE_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-3000:]}"
    return done


def test_thrift_target_builds_the_cleaning_rules_on_dirty_data(
    tmp_path: Path, thrift_port: int
) -> None:
    loaded = tmp_path / "loaded"
    run(loaded, "pinlake", "generate", "--posts", "60")
    run(loaded, "pinlake", "load")

    build = run(
        tmp_path / "dbt",
        "dbt",
        "build",
        "--select",
        *STAGING,
        "--target-path",
        str(tmp_path / "dbt-target"),
        PINLAKE_DBT_TARGET="thrift",
        PINLAKE_THRIFT_HOST="127.0.0.1",
        PINLAKE_THRIFT_PORT=str(thrift_port),
        PINLAKE_BRONZE_ROOT=str(loaded / "bronze"),
        DBT_LOG_PATH=str(tmp_path / "dbt-logs"),
    )

    assert "Completed successfully" in build.stdout
    summary = next(line for line in build.stdout.splitlines() if "Finished running" in line)
    assert "3 incremental models" in summary and "unit tests" in summary, summary
    # the server's own tables hold every generated post, cleaned
    with closing(hive.connect("127.0.0.1", thrift_port, username="pinlake")) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "select count(*), count(follower_count), count(distinct save_location),"
            " count_if(save_location like 'Local%') from staging.stg_pinterest__pins"
        )
        posts, with_followers, locations, uncleaned = cursor.fetchone()
        cursor.execute(
            "select count(*) from bronze.pin where trim(get_json_object(payload,"
            " '$.follower_count')) rlike '^[0-9]+([.][0-9]+)?[kMB]?$'"
        )
        (parseable,) = cursor.fetchone()
    assert posts == 60
    assert with_followers == parseable > 0  # `12k` parsed, `User Info Error` null
    assert locations > 1 and uncleaned == 0
