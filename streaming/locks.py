"""One process at a time on a shared resource, and who holds it when another asks.

An exclusive ``flock`` on a file, held for as long as the process uses the resource;
the file names the holder (process id, command, start time) for the message the next
process prints. The kernel releases the lock when the holder exits, even after
``kill -9``, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: read from its file."""

    pid: int
    command: str
    started: str

    def __str__(self) -> str:
        return f"process {self.pid} (`{self.command}`, started {self.started})"


class LockHeld(RuntimeError):
    """Another process holds the lock; ``holder`` is None when its file says nothing."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.holder = holder


def _read_holder(handle: TextIO) -> Holder | None:
    handle.seek(0)
    try:
        fields = json.loads(handle.read())
        return Holder(int(fields["pid"]), str(fields["command"]), str(fields["started"]))
    except (ValueError, KeyError, TypeError):
        return None


def acquire(path: Path, command: str) -> TextIO:
    """Take the lock at ``path`` for ``command`` (give the handle to :func:`release`), or
    raise :class:`LockHeld` at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(handle)
        handle.close()
        raise LockHeld(path, holder) from None
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "command": command, "started": started}))
    handle.flush()
    return handle


def release(handle: TextIO) -> None:
    handle.seek(0)
    handle.truncate()
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()
