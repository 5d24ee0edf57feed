"""A Kafka broker that wants SASL/PLAIN credentials, standing in for a managed cluster.

The same pinned Kafka as ``pinlake stack up``, one KRaft node, whose client listener
speaks only SASL_PLAINTEXT with the PLAIN users of its JAAS line. pinlake reaches it
as it reaches a managed cluster: ``PINLAKE_KAFKA_LOCAL_BROKER=false`` and the
``PINLAKE_KAFKA_SASL_*`` settings. The password is made up for each run.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ports import free_tcp_port
from processes import stop
from pydantic import SecretStr

from ingestion import kafka_stack
from orchestration.settings import Settings

USER = "pinlake"


def _server_properties(files: kafka_stack.BrokerFiles, port: int, password: str) -> str:
    controller = f"127.0.0.1:{free_tcp_port()}"
    admin_password = secrets.token_urlsafe(12)
    jaas = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="admin" password="{admin_password}" '
        f'user_admin="{admin_password}" user_{USER}="{password}";'
    )
    lines = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{controller}",
        "listeners": f"SASL_PLAINTEXT://127.0.0.1:{port},CONTROLLER://{controller}",
        "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "PLAIN",
        "sasl.mechanism.inter.broker.protocol": "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config": jaas,
        "log.dirs": str(files.data_dir),
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in lines.items())


@contextmanager
def sasl_broker(root: Path) -> Iterator[Settings]:
    """Start the broker under ``root``; yields pinlake's settings for it, topics created."""
    files = kafka_stack.BrokerFiles(root / "broker")
    files.log_dir.mkdir(parents=True)
    files.data_dir.mkdir(parents=True)
    port = free_tcp_port()
    password = secrets.token_urlsafe(12)
    files.server_properties.write_text(_server_properties(files, port, password))
    files.log4j_config.write_text(kafka_stack._log4j_config(files))
    kafka_stack._format_storage(files)
    command = [
        *kafka_stack._java_command(files, kafka_stack._MAIN_CLASS, heap="384m"),
        str(files.server_properties),
    ]
    with files.console_log.open("wb") as console:
        broker = subprocess.Popen(command, stdout=console, stderr=subprocess.STDOUT)
    try:
        settings = Settings(
            home=root / "home",
            kafka_bootstrap=f"127.0.0.1:{port}",
            kafka_local_broker=False,
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username=USER,
            kafka_sasl_password=SecretStr(password),
            kafka_start_timeout_s=90,
        )
        kafka_stack.up(settings)  # a managed cluster: waits for it, creates the topics
        yield settings
    finally:
        stop(broker)
