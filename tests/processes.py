"""Stopping the services tests start as processes of their own (brokers, Spark, servers)."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any], timeout_s: float = 30.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout_s``; reaped either way."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


SPARK_STARTED = 'Setting default log level to "WARN"'
"""What a pinlake command prints to stderr as its Spark JVM starts (~10 s on this machine):
the tests of commands that must answer before starting Spark look for it."""
