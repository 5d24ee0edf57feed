"""The demo never touches a source database the user configured."""

from __future__ import annotations

from pathlib import Path

from orchestration.demo import _environment, demo_source_url
from orchestration.settings import Settings


def test_demo_generates_its_own_source_whatever_source_url_says(tmp_path: Path) -> None:
    configured = Settings(home=tmp_path, source_url="postgresql+psycopg://user:pw@db.internal/pins")

    environment = _environment(configured)

    assert environment["PINLAKE_SOURCE_URL"] == f"sqlite:///{tmp_path / 'source.db'}"
    assert environment["PINLAKE_HOME"] == str(tmp_path)
    assert demo_source_url(Settings(home=tmp_path)) == Settings(home=tmp_path).resolved_source_url
