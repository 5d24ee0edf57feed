"""A small lakehouse and a copy of the dbt project, for the docs-site and guide tests.

The tests build and document a *copy* of the dbt project in a temp folder (the guide test
adds files to its copy), on this process's Spark session over a lakehouse loaded from
generated source rows, so nothing in the checkout or its ``target/`` is touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from project_copy import copy_project, dbt

from orchestration.settings import Settings

POSTS = 200
"""Enough posts for every mart to have rows; few enough for a quick load."""


@pytest.fixture(scope="session")
def loaded_lakehouse(spark: Any, lakehouse_settings: Settings) -> Settings:
    """Bronze loaded from a generated source database (seeded, so always the same rows)."""
    from ingestion.generator import generate
    from ingestion.source_db import make_engine
    from streaming.batch_load import load

    engine = make_engine(lakehouse_settings.resolved_source_url)
    generate(engine, posts=POSTS, seed=11, progress=False)
    engine.dispose()
    load(spark, lakehouse_settings)
    return lakehouse_settings


@pytest.fixture(scope="session")
def docs_site(loaded_lakehouse: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``target/`` of the project copy after building its seeds and models and generating
    the docs (data tests are the dbt test group's job; the catalog needs only tables)."""
    project = copy_project(tmp_path_factory.mktemp("docs-project"))
    dbt(project, ["build", "--resource-type", "seed", "--resource-type", "model"])
    dbt(project, ["docs", "generate"])
    return project / "target"
