"""The commands that read Kafka say in one line that it is down, instead of retrying for
minutes and ending in a stack trace (which is what Spark's Kafka source does alone)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration.settings import Settings

PINLAKE = Path(sys.executable).parent / "pinlake"

pytestmark = pytest.mark.spark


@pytest.mark.parametrize("command", [["stream", "--available-now"], ["daily"]])
def test_reading_kafka_while_no_broker_listens_fails_in_one_line(
    fresh_kafka_settings: Settings, command: list[str]
) -> None:
    env = {
        **os.environ,
        "PINLAKE_HOME": str(fresh_kafka_settings.home),
        # a free port: nothing listens there
        "PINLAKE_KAFKA_BOOTSTRAP": fresh_kafka_settings.kafka_bootstrap,
        "PINLAKE_SPARK_DRIVER_MEMORY": "1g",
    }
    started = time.monotonic()
    done = subprocess.run(
        [str(PINLAKE), *command], env=env, capture_output=True, text=True, timeout=180
    )
    seconds = time.monotonic() - started

    assert done.returncode == 1, done.stdout + done.stderr
    expected = (
        f"error: no Kafka broker listens on {fresh_kafka_settings.kafka_bootstrap}: "
        "start the local broker with `pinlake stack up`"
    )
    assert expected in done.stderr.splitlines(), done.stderr
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    assert seconds < 90, f"took {seconds:.0f} s: the broker was not asked before Spark's retries"
