"""Settings come from PINLAKE_* variables, with paths made absolute."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.settings import Settings, SettingsError, described, get_settings


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


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`PINLAKE_API_TOKEN=` (a blanked line in `.env`, say) switches auth off: read as an
    empty token, it made every produce call 401, and the emulator's empty bearer header
    could not even be sent."""
    monkeypatch.chdir(tmp_path)
    for variable in ("HOME", "API_TOKEN", "KAFKA_SSL_CA_LOCATION", "KAFKA_PARTITIONS"):
        monkeypatch.setenv(f"PINLAKE_{variable}", "")
    settings = Settings()
    assert settings.api_token is None
    assert settings.kafka_ssl_ca_location is None  # not Path(""), the working directory
    assert settings.home == tmp_path / "lakehouse"
    assert settings.kafka_partitions == 3


@pytest.mark.parametrize("token", ["two words", "tab\there", "line\nbreak", "caf\u00e9"])
def test_a_token_no_http_header_can_carry_is_refused(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("PINLAKE_API_TOKEN", token)
    with pytest.raises(ValueError, match="a bearer token is visible ASCII characters only"):
        Settings()


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("KAFKA_PARTITIONS", "0", "Input should be greater than or equal to 1"),
        ("API_PORT", "80820", "Input should be less than or equal to 65535"),
        ("API_PRODUCE_TIMEOUT_S", "0", "Input should be greater than 0"),
        ("STREAM_TRIGGER_SECONDS", "-1", "Input should be greater than or equal to 0"),
    ],
)
def test_a_number_out_of_range_is_refused_with_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(f"PINLAKE_{variable}", value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as failure:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert str(failure.value) == f"invalid setting: PINLAKE_{variable}='{value}': {reason}"


def test_a_mistaken_setting_is_one_line_naming_its_variable(tmp_path: Path) -> None:
    """Any command, the real executable: before, a 65-line traceback ended in pydantic's
    error for the field `spark_shuffle_partitions`; a secret's value is never echoed."""
    pinlake = Path(sys.executable).parent / "pinlake"
    environment = {
        **os.environ,
        "PINLAKE_HOME": str(tmp_path),
        "PINLAKE_SPARK_SHUFFLE_PARTITIONS": "a few",
        "PINLAKE_API_TOKEN": "not secret enough",
    }
    for command in (["stack", "status"], ["settings"], ["sql", "select 1"]):
        done = subprocess.run(
            [str(pinlake), *command], env=environment, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stderr.strip().splitlines() == [
            "error: invalid setting: PINLAKE_SPARK_SHUFFLE_PARTITIONS='a few': Input should be "
            "a valid integer, unable to parse string as an integer; PINLAKE_API_TOKEN: a bearer "
            "token is visible ASCII characters only, no spaces"
        ]


def test_relative_home_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(home=Path("data/lake")).home == tmp_path / "data" / "lake"


def test_described_lists_every_setting_and_hides_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PINLAKE_HOME", raising=False)
    monkeypatch.setenv("PINLAKE_API_TOKEN", "s3cret-token")
    monkeypatch.setenv("PINLAKE_KAFKA_PARTITIONS", "6")
    rows = {row.variable: row for row in described(Settings())}
    assert set(rows) == {f"PINLAKE_{name.upper()}" for name in Settings.model_fields}
    assert all(row.description for row in rows.values()), "every setting says what it means"
    assert rows["PINLAKE_API_TOKEN"].value == "**********"
    assert rows["PINLAKE_KAFKA_PARTITIONS"].value == "6"
    assert rows["PINLAKE_KAFKA_PARTITIONS"].default == "3"
    # A relative default reads as the absolute path it stands for, so it is not "changed".
    assert rows["PINLAKE_HOME"].value == rows["PINLAKE_HOME"].default == str(tmp_path / "lakehouse")
    assert rows["PINLAKE_SOURCE_URL"].value == ""


def test_pinlake_settings_prints_the_table_without_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In a pipe (80 columns, as `pinlake settings | grep KAFKA` sees it) every name is
    whole and no value is cut short: a long one folds onto the next line."""
    monkeypatch.setenv("PINLAKE_KAFKA_SASL_PASSWORD", "hunter2-password")
    home = tmp_path / "a-lakehouse-home-with-a-name-longer-than-its-column-is-wide"
    monkeypatch.setenv("PINLAKE_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "80")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["settings"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "hunter2-password" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for name in Settings.model_fields:
        assert f"PINLAKE_{name.upper()}" in result.output
    assert "…" not in result.output
    home_line = next(line for line in result.output.splitlines() if "PINLAKE_HOME" in line)
    folded = home_line.split("│")[2].strip()
    assert str(home).startswith(folded) and folded != str(home), "the long home folds"
