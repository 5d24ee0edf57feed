"""Every pinlake setting, in one typed place.

Values come from environment variables with the ``PINLAKE_`` prefix (or a ``.env``
file); nothing else in the code reads ``os.environ``. A variable set to the empty
string counts as unset (``PINLAKE_API_TOKEN=`` means no token, not an empty one).
Paths are made absolute so that Spark, dbt and the Kafka broker agree on them
whatever their working directory.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The checkout: dbt project, JVM poms and the artifact cache live here."""

RECORD_KINDS: tuple[str, ...] = ("pin", "geo", "user")
"""The three record kinds that describe one post, joined by ``ind``."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PINLAKE_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    # --- where things live -------------------------------------------------------
    home: Path = Field(
        default=Path("lakehouse"),
        description="Source DB, Delta tables, warehouse, metastore, checkpoints, Kafka data.",
    )
    source_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the source database; default a SQLite file in home.",
    )
    jvm_cache: Path = Field(
        default=REPO_ROOT / ".cache" / "jvm",
        description="Where `make setup` puts the pinned JVM artifacts (Delta, Kafka).",
    )

    # --- Spark -------------------------------------------------------------------
    spark_master: str = Field(
        default="local[*]", description="Spark master URL of pinlake's own Spark sessions."
    )
    spark_driver_memory: str = Field(
        default="4g", description="Driver memory of pinlake's local Spark sessions."
    )
    spark_shuffle_partitions: int = Field(
        default=4,
        ge=1,
        description="`spark.sql.shuffle.partitions` of pinlake's sessions (Spark's default "
        "200 suits a cluster, not two cores).",
    )
    delta_snapshot_partitions: int = Field(
        default=1,
        ge=1,
        description=(
            "Tasks Delta uses to rebuild a table's state from its log (Delta's default: 50). "
            "Every query on a table runs a job over that state, and each task generates code "
            "for Delta's wide action schema: one task suits a local lakehouse's small logs; "
            "raise it for tables of millions of files."
        ),
    )
    spark_pinned_jars: bool = Field(
        default=True,
        description=(
            "Hand the pinned Delta and Spark-Kafka jars to Spark; false on a platform that "
            "ships them (Databricks)."
        ),
    )

    # --- Kafka -------------------------------------------------------------------
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092",
        description="Kafka bootstrap servers (host:port, comma-separated).",
    )
    kafka_controller_port: int = Field(
        default=9093, ge=1, le=65535, description="KRaft controller port of the local broker."
    )
    kafka_partitions: int = Field(
        default=3, ge=1, description="Partitions of each topic that `pinlake stack up` creates."
    )
    kafka_topic_prefix: str = Field(
        default="pinterest", description="Topics are <prefix>.pin, .geo, .user and .deadletter."
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        description="How clients talk to the brokers (a managed Kafka: SASL_SSL).",
    )
    kafka_sasl_mechanism: str | None = Field(
        default=None, description="SASL mechanism, e.g. PLAIN or SCRAM-SHA-512."
    )
    kafka_sasl_username: str | None = Field(default=None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(
        default=None, description="SASL password (from the environment; never shown)."
    )
    kafka_ssl_ca_location: Path | None = Field(
        default=None, description="CA certificate file that signs the brokers' certificates."
    )
    kafka_local_broker: bool = Field(
        default=True,
        description="`pinlake stack up` runs a local broker; false when bootstrap is managed.",
    )
    kafka_heap: str = Field(default="512m", description="JVM heap of the local broker.")
    kafka_start_timeout_s: float = Field(
        default=90.0, gt=0, description="How long `pinlake stack up` waits for the local broker."
    )

    # --- ingestion API -----------------------------------------------------------
    api_host: str = Field(default="127.0.0.1", description="Address `pinlake api` listens on.")
    api_port: int = Field(
        default=8082, ge=1, le=65535, description="Port `pinlake api` listens on."
    )
    api_token: SecretStr | None = Field(
        default=None,
        description="When set, every produce call needs `Authorization: Bearer <token>`.",
    )
    api_max_body_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1, description="Largest request body (413 above it)."
    )
    api_max_records: int = Field(default=1000, ge=1, description="Most records in one request.")
    api_produce_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="How long a request waits for Kafka's acknowledgement before its 503.",
    )
    api_max_record_bytes: int = Field(
        default=900_000,
        ge=1,
        description="Largest single record; below Kafka's default 1 MB message limit.",
    )
    api_workers: int = Field(
        default=1,
        ge=1,
        description="uvicorn worker processes for `pinlake api`, each with its own producer.",
    )

    # --- streaming ---------------------------------------------------------------
    stream_trigger_seconds: float = Field(
        default=1.0,
        ge=0,
        description="Micro-batch interval of the bronze queries of `pinlake stream`.",
    )
    stream_max_offsets_per_trigger: int | None = Field(
        default=500_000,
        ge=1,
        description="Records per micro-batch of each topic's query (bounds a catch-up batch).",
    )
    stream_fail_on_data_loss: bool = Field(
        default=True,
        description="Stop when Kafka deleted records before bronze had them (retention, topic "
        "re-created), instead of silently skipping them.",
    )
    stream_watermark_seconds: int = Field(
        default=120, ge=0, description="How late a record may arrive and still update its window."
    )
    stream_progress_seconds: float = Field(
        default=60.0,
        ge=0,
        description="While `pinlake stream` runs continuously, log what each bronze query "
        "landed and how far it is behind Kafka this often (0: only when it stops).",
    )
    stream_realtime_trigger_seconds: float = Field(
        default=5.0, ge=0, description="Micro-batch interval of the real-time metric queries."
    )
    stream_realtime_partitions: int = Field(
        default=1,
        ge=1,
        description="Shuffle and state partitions of the real-time metric queries. Fixed in "
        "their checkpoint on the first run; raise it on a cluster with a high event rate.",
    )
    stream_compact_seconds: float = Field(
        default=300.0,
        ge=0,
        description="While `pinlake stream` runs continuously, compact the bronze tables' small "
        "files every so many seconds beside the stream, not inside its commits (0: inside "
        "them, Delta's auto compaction, as the batch load and --available-now do).",
    )

    # --- dbt ---------------------------------------------------------------------
    dbt_target: str = Field(
        default="local",
        description="dbt target: local, thrift or databricks (see profiles.yml.example).",
    )
    docs_port: int = Field(
        default=8080,
        ge=0,
        le=65535,
        description="Port of `pinlake docs` (the dbt docs site, on 127.0.0.1).",
    )

    @field_validator("home", "jvm_cache", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("api_token", mode="after")
    @classmethod
    def _fits_a_header(cls, token: SecretStr | None) -> SecretStr | None:
        # Clients send it in an HTTP header, which cannot carry spaces, control
        # characters or non-ASCII: such a token would lock every client out.
        if token is not None and not re.fullmatch(r"[!-~]+", token.get_secret_value()):
            raise ValueError("a bearer token is visible ASCII characters only, no spaces")
        return token

    # --- derived paths -----------------------------------------------------------
    @property
    def resolved_source_url(self) -> str:
        return self.source_url or f"sqlite:///{self.home / 'source.db'}"

    @property
    def bronze_dir(self) -> Path:
        return self.home / "bronze"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def metastore_dir(self) -> Path:
        return self.home / "metastore_db"

    @property
    def checkpoint_dir(self) -> Path:
        return self.home / "checkpoints"

    @property
    def realtime_dir(self) -> Path:
        return self.home / "realtime"

    @property
    def kafka_data_dir(self) -> Path:
        return self.home / "kafka"

    def bronze_path(self, kind: str) -> Path:
        """Delta location of the bronze table for one record kind (or ``deadletter``)."""
        return self.bronze_dir / kind

    def topic(self, kind: str) -> str:
        """Kafka topic of a record kind, e.g. ``pinterest.pin`` or ``pinterest.deadletter``."""
        return f"{self.kafka_topic_prefix}.{kind}"

    def kafka_client_config(self) -> dict[str, Any]:
        """librdkafka settings shared by producers, consumers and the admin client (a
        librdkafka config also takes numbers, booleans and a logger: callers add those)."""
        config: dict[str, Any] = {
            "bootstrap.servers": self.kafka_bootstrap,
            "security.protocol": self.kafka_security_protocol,
        }
        if self.kafka_sasl_mechanism:
            config["sasl.mechanism"] = self.kafka_sasl_mechanism
        if self.kafka_sasl_username:
            config["sasl.username"] = self.kafka_sasl_username
        if self.kafka_sasl_password:
            config["sasl.password"] = self.kafka_sasl_password.get_secret_value()
        if self.kafka_ssl_ca_location:
            config["ssl.ca.location"] = str(self.kafka_ssl_ca_location)
        return config


class SettingRow(NamedTuple):
    """One setting as ``pinlake settings`` shows it."""

    variable: str
    value: str
    default: str
    description: str


def _shown(value: object) -> str:
    """A setting's value as a person reads it: a secret hidden, an unset one empty, a path
    absolute (as the settings make ``home``, and as a relative one is read from here)."""
    if value is None:
        return ""
    if isinstance(value, SecretStr):
        return "**********"
    if isinstance(value, Path):
        return str(value.expanduser().resolve())
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def described(settings: Settings) -> list[SettingRow]:
    """Every setting: its variable, the value in effect (secrets hidden), default and meaning."""
    return [
        SettingRow(
            variable=f"PINLAKE_{name.upper()}",
            value=_shown(getattr(settings, name)),
            default=_shown(field.default),
            description=field.description or "",
        )
        for name, field in Settings.model_fields.items()
    ]


class SettingsError(ValueError):
    """A ``PINLAKE_*`` variable (or ``.env`` line) whose value the settings cannot take."""

    def __init__(self, invalid: ValidationError) -> None:
        problems = []
        for error in invalid.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            field = Settings.model_fields.get(name)
            secret = field is not None and field.annotation in (SecretStr, SecretStr | None)
            given = "" if secret or "input" not in error else f"={error['input']!r}"
            reason = error["msg"].removeprefix("Value error, ")
            problems.append(f"PINLAKE_{name.upper()}{given}: {reason}")
        super().__init__("invalid setting: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    try:
        return Settings()
    except ValidationError as invalid:
        raise SettingsError(invalid) from None
