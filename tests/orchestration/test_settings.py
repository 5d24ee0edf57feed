"""Settings come from PINLAKE_* variables, with paths made absolute."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import Settings


def test_defaults_live_under_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PINLAKE_HOME", raising=False)
    monkeypatch.delenv("PINLAKE_SOURCE_URL", raising=False)
    settings = Settings()
    assert settings.home == tmp_path / "lakehouse"
    assert settings.resolved_source_url == f"sqlite:///{tmp_path / 'lakehouse' / 'source.db'}"
    assert settings.bronze_path("pin") == tmp_path / "lakehouse" / "bronze" / "pin"
    assert settings.topic("deadletter") == "pinterest.deadletter"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PINLAKE_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PINLAKE_SOURCE_URL", "postgresql+psycopg://u@db/pins")
    monkeypatch.setenv("PINLAKE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("PINLAKE_KAFKA_SASL_MECHANISM", "PLAIN")
    monkeypatch.setenv("PINLAKE_KAFKA_SASL_USERNAME", "key")
    monkeypatch.setenv("PINLAKE_KAFKA_SASL_PASSWORD", "secret")
    settings = Settings()
    assert settings.home == tmp_path / "elsewhere"
    assert settings.resolved_source_url == "postgresql+psycopg://u@db/pins"
    config = settings.kafka_client_config()
    assert config["security.protocol"] == "SASL_SSL"
    assert config["sasl.password"] == "secret"
    assert "secret" not in repr(settings)


def test_relative_home_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(home=Path("data/lake")).home == tmp_path / "data" / "lake"
