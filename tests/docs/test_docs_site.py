"""The dbt docs site: complete catalog, served over HTTP, rendered in headless Chromium.

The site is generated from a copy of the project built on a small lakehouse (see
conftest), served by ``orchestration.docs`` on a free port, and opened in Debian's
chromium; screenshots of the lineage graph and of a mart's page go to test-artifacts/.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from chromium import Chromium
from typer.testing import CliRunner

from orchestration import docs
from orchestration.cli import app
from orchestration.settings import REPO_ROOT

pytestmark = pytest.mark.spark

ARTIFACTS = REPO_ROOT / "test-artifacts"
MART = "model.pinlake.popular_category_by_country"
LAYER_CHAIN = (
    "source.pinlake.pinterest.pin",
    "model.pinlake.stg_pinterest__pins",
    "model.pinlake.int_posts_joined",
    "model.pinlake.fct_posts",
    "model.pinlake.top_user_by_country",
)
"""bronze -> staging -> intermediate -> marts, as one path of the lineage graph."""

CYTOSCAPE = "document.getElementById('cy')._cyreg.cy"
"""The lineage graph's cytoscape instance (cytoscape keeps it on its container)."""


def load(site: Path, name: str) -> dict[str, Any]:
    return dict(json.loads((site / name).read_text()))


def plain(text: str) -> str:
    """Text as the page shows it: markdown code ticks dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


def test_catalog_has_every_column_with_its_type(docs_site: Path) -> None:
    """dbt-spark has built catalogs without the columns of Delta tables; ours has them all,
    with the types the contracts declare, and every column is documented."""
    manifest, catalog = load(docs_site, "manifest.json"), load(docs_site, "catalog.json")
    documented = {
        **{k: v for k, v in manifest["nodes"].items() if v["resource_type"] in {"model", "seed"}},
        **manifest["sources"],
    }
    listed = {**catalog["nodes"], **catalog["sources"]}
    assert len(documented) >= 25
    assert sorted(set(documented) - set(listed)) == []
    for unique_id, node in documented.items():
        columns = listed[unique_id]["columns"]
        assert columns, f"{unique_id}: no columns in the catalog"
        untyped = [name for name, column in columns.items() if not column["type"]]
        assert untyped == [], f"{unique_id}: columns without a type"
        undocumented = [
            name for name in columns if not node["columns"].get(name, {}).get("description")
        ]
        assert undocumented == [], f"{unique_id}: columns without a description"
        declared = {
            name: column["data_type"].lower()
            for name, column in node["columns"].items()
            if column.get("data_type")
        }
        actual = {name: columns[name]["type"].lower() for name in declared if name in columns}
        assert actual == declared, unique_id
    # complex types keep their element type (the show-table-extended tree says just `array`)
    assert listed["model.pinlake.fct_posts"]["columns"]["coordinates"]["type"] == "array<double>"


def test_server_needs_a_generated_site(tmp_path: Path) -> None:
    with pytest.raises(docs.DocsUnavailable, match=r"catalog\.json"):
        docs.make_server(tmp_path, port=0)


def test_a_taken_port_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`pinlake docs` on a port in use ended in the standard library's traceback."""
    for name in docs.SITE_FILES:
        (tmp_path / name).write_text("{}")
    monkeypatch.setattr(docs, "site_dir", lambda: tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = CliRunner().invoke(app, ["docs", "--no-generate", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"error: cannot serve the docs on 127.0.0.1:{port}: Address already in use; "
        "pick another port with --port or PINLAKE_DOCS_PORT"
    )


def test_lineage_and_mart_page_render_in_chromium(docs_site: Path, tmp_path: Path) -> None:
    manifest = load(docs_site, "manifest.json")
    server, url = docs.serve_in_thread(docs_site)
    try:
        with Chromium(tmp_path / "chromium-profile") as page:
            # the lineage graph of the whole project
            page.navigate(f"{url}?view=lineage#!/overview?g_v=1")
            nodes = page.wait_for(
                f"(() => {{ const cy = {CYTOSCAPE}; return cy.nodes().length &&"
                " cy.nodes().map(n => [n.id(), n.position('x')]) })()"
            )
            edges = page.evaluate(
                f"{CYTOSCAPE}.edges().map(e => [e.source().id(), e.target().id()])"
            )
            page.wait_for("document.querySelectorAll('#cy canvas').length > 0")
            page.screenshot(ARTIFACTS / "docs-lineage.png")
            x = dict(nodes)
            assert {"source.pinlake.realtime.posts_per_category", *LAYER_CHAIN} <= set(x)
            for upstream, downstream in itertools.pairwise(LAYER_CHAIN):
                assert [upstream, downstream] in edges
                assert x[upstream] < x[downstream], "lineage reads left to right"

            # a mart's page: description, columns with catalog types and descriptions
            mart = manifest["nodes"][MART]
            # a query string of its own: a full page load, not a hash change with the graph open
            page.navigate(f"{url}?view=mart#!/model/{MART}")
            # until the model's columns are bound: the page's headings and its empty
            # column table show a moment before (a CI run once read them then)
            first, column = next(iter(mart["columns"].items()))
            first_row = json.dumps(f"{first} {column['data_type']} ")
            text = page.wait_for(
                "location.search == '?view=mart' && document.readyState == 'complete' &&"
                " /column\\s+type\\s+description/i.test(document.body.innerText) &&"
                f" document.body.innerText.replace(/\\s+/g, ' ').includes({first_row}) &&"
                " document.body.innerText"
            )
            shown = plain(text)
            assert plain(mart["description"]) in shown
            for name, column in mart["columns"].items():
                row = f"{name} {column['data_type']} {plain(column['description'])}"
                assert row in shown
            page.screenshot(ARTIFACTS / "docs-mart.png")

            # the overview page is ours, not dbt's default
            page.navigate(f"{url}?view=overview#!/overview")
            overview = page.wait_for(
                "location.search == '?view=overview' &&"
                " document.body.innerText.includes('The layers') && document.body.innerText"
            )
            assert "staging" in overview and "intermediate" in overview
            page.screenshot(ARTIFACTS / "docs-overview.png")
    finally:
        server.shutdown()
        server.server_close()
