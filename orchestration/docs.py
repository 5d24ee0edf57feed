"""The dbt docs site of the local lakehouse: generate it, then serve it on 127.0.0.1.

``dbt docs generate`` needs the lakehouse (the catalog lists every table's columns and
types from the metastore), so it runs in-process on pinlake's Spark session holding the
metastore lock. The site itself is static files (``index.html``, ``manifest.json``,
``catalog.json``), served with the standard library while nothing else is held: other
pinlake commands can use the lakehouse while the docs are open.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

from orchestration.dbt_runner import DbtOutcome, run
from orchestration.settings import REPO_ROOT, Settings

SITE_FILES = ("index.html", "manifest.json", "catalog.json")
"""What the dbt docs single-page app loads; without any of them the page stays blank."""


class DocsUnavailable(RuntimeError):
    """The site cannot be served: a file of it is missing (``dbt docs generate`` first),
    or the port is taken."""


def generate(settings: Settings, extra_args: list[str] | None = None) -> DbtOutcome:
    """``dbt docs generate`` on the local lakehouse (writes the site into ``target/``)."""
    return run(settings, ["docs", "generate", *(extra_args or [])])


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request (the site loads a dozen files)."""

    def log_message(self, format: str, *args: object) -> None:
        return


def make_server(site: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for the generated site; port 0 lets the OS pick a free one."""
    missing = [name for name in SITE_FILES if not (site / name).is_file()]
    if missing:
        raise DocsUnavailable(f"{site} has no {', '.join(missing)}: run `pinlake docs` first")
    handler = partial(_QuietHandler, directory=str(site))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        raise DocsUnavailable(
            f"cannot serve the docs on {host}:{port}: {error.strerror}; "
            "pick another port with --port or PINLAKE_DOCS_PORT"
        ) from None


def _url(server: ThreadingHTTPServer) -> str:
    host, port = cast(tuple[str, int], server.server_address)  # an IPv4 server
    return f"http://{host}:{port}/"


def serve_in_thread(site: Path, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` from a daemon thread; returns the server (``shutdown()`` it) and URL."""
    server = make_server(site, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, _url(server)


def serve(site: Path, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``site`` on 127.0.0.1 until Ctrl-C; ``on_ready`` gets the URL once bound."""
    with make_server(site, port) as server:
        if on_ready is not None:
            on_ready(_url(server))
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def site_dir() -> Path:
    """Where ``dbt docs generate`` writes the site (the project's ``target-path``)."""
    return REPO_ROOT / "target"
