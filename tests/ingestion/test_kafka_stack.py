"""The broker ``pinlake stack up`` runs: real JVM, real topics, real produce and consume."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from typer.testing import CliRunner

from ingestion import kafka_stack
from orchestration.settings import Settings

pytestmark = pytest.mark.kafka


def _produce(settings: Settings, topic: str, key: bytes, value: bytes) -> tuple[int, int]:
    """Send one record with ``acks=all`` and return where the broker put it."""
    producer = Producer(
        {**settings.kafka_client_config(), "acks": "all", "enable.idempotence": True}
    )
    delivered: list[tuple[int, int]] = []
    errors: list[KafkaError] = []

    def on_delivery(error: KafkaError | None, message: object) -> None:
        if error is not None:
            errors.append(error)
        else:
            delivered.append((message.partition(), message.offset()))  # type: ignore[attr-defined]

    producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
    assert producer.flush(15) == 0, "the broker did not acknowledge the record in time"
    assert not errors, errors
    return delivered[0]


def _read_at(
    settings: Settings, topic: str, partition: int, offset: int
) -> tuple[bytes | None, bytes | None]:
    """Read exactly one record back by its partition and offset."""
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"test-{uuid.uuid4()}",
            "enable.auto.commit": False,
        }
    )
    try:
        consumer.assign([TopicPartition(topic, partition, offset)])
        message = consumer.poll(15)
        assert message is not None, f"nothing to read at {topic}[{partition}]@{offset}"
        assert message.error() is None, message.error()
        return message.key(), message.value()
    finally:
        consumer.close()


def test_session_broker_has_all_topics_with_configured_partitions(
    kafka_settings: Settings,
) -> None:
    state = kafka_stack.status(kafka_settings)

    assert state.running and state.reachable and state.pid is not None
    for topic in kafka_stack.wanted_topics(kafka_settings):
        assert state.topics.get(topic) == kafka_settings.kafka_partitions, state.topics
    assert set(state.topics) >= {
        "pinterest.pin",
        "pinterest.geo",
        "pinterest.user",
        "pinterest.deadletter",
    }


def test_up_is_idempotent(kafka_settings: Settings) -> None:
    before = kafka_stack.status(kafka_settings)

    after = kafka_stack.up(kafka_settings)

    assert after.pid == before.pid, "a second `up` must not start a second broker"
    assert after.topics == before.topics


def test_up_says_existing_topics_keep_their_partition_count(kafka_settings: Settings) -> None:
    """A raised PINLAKE_KAFKA_PARTITIONS leaves existing topics alone, and `up` says so."""
    from orchestration import stack_cli

    before = kafka_stack.status(kafka_settings).topics
    more = kafka_settings.model_copy(
        update={"kafka_partitions": kafka_settings.kafka_partitions + 2}
    )

    result = CliRunner().invoke(stack_cli.stack_app, ["up"], obj=more)

    assert result.exit_code == 0, result.output
    note = " ".join(result.output.split())
    assert f"PINLAKE_KAFKA_PARTITIONS is {more.kafka_partitions}" in note
    assert f"{kafka_settings.topic('pin')} has {kafka_settings.kafka_partitions}" in note
    assert kafka_stack.status(kafka_settings).topics == before
    same = CliRunner().invoke(stack_cli.stack_app, ["up"], obj=kafka_settings)
    assert same.exit_code == 0, same.output
    assert "PINLAKE_KAFKA_PARTITIONS" not in same.output


def test_acknowledged_record_can_be_consumed(kafka_settings: Settings) -> None:
    topic = kafka_settings.topic("pin")
    value = f'{{"index": 7, "probe": "{uuid.uuid4()}"}}'.encode()

    partition, offset = _produce(kafka_settings, topic, b"pin:7", value)

    assert _read_at(kafka_settings, topic, partition, offset) == (b"pin:7", value)


def test_down_stops_the_broker_and_keeps_its_data(fresh_kafka_settings: Settings) -> None:
    """Own broker, so stopping it does not disturb the session broker others use."""
    settings = fresh_kafka_settings
    first = kafka_stack.up(settings)
    assert first.pid is not None
    value = f"survives a restart {uuid.uuid4()}".encode()
    try:
        partition, offset = _produce(settings, settings.topic("geo"), b"geo:1", value)

        assert kafka_stack.down(settings) is True
        assert kafka_stack.status(settings).running is False
        assert not _pid_alive(first.pid)
        assert kafka_stack.down(settings) is False, "a second `down` has nothing to stop"

        second = kafka_stack.up(settings)
        assert second.pid != first.pid
        assert _read_at(settings, settings.topic("geo"), partition, offset) == (b"geo:1", value)
    finally:
        kafka_stack.down(settings)


def test_stack_cli_status_up_down(fresh_kafka_settings: Settings) -> None:
    from orchestration import stack_cli

    settings = fresh_kafka_settings
    runner = CliRunner()
    try:
        stopped = runner.invoke(stack_cli.stack_app, ["status"], obj=settings)
        assert stopped.exit_code == 1
        assert "not running" in stopped.output

        started = runner.invoke(stack_cli.stack_app, ["up"], obj=settings)
        assert started.exit_code == 0, started.output
        running = runner.invoke(stack_cli.stack_app, ["status"], obj=settings)
        assert running.exit_code == 0, running.output
        assert settings.kafka_bootstrap in running.output
        assert "pinterest.deadletter" in running.output

        stopping = runner.invoke(stack_cli.stack_app, ["down"], obj=settings)
        assert stopping.exit_code == 0, stopping.output
        assert "stopped" in stopping.output
    finally:
        kafka_stack.down(settings)


def test_managed_cluster_only_gets_its_topics(
    kafka_settings: Settings, fresh_kafka_settings: Settings
) -> None:
    """With a managed bootstrap, `up` starts nothing and only creates the missing topics."""
    localhost_alias = kafka_settings.kafka_bootstrap.replace("127.0.0.1", "localhost")
    managed = fresh_kafka_settings.model_copy(
        update={
            "kafka_local_broker": False,
            # Two addresses, as a managed cluster has: a local broker would refuse this.
            "kafka_bootstrap": f"{kafka_settings.kafka_bootstrap},{localhost_alias}",
            "kafka_topic_prefix": f"managed{uuid.uuid4().hex[:8]}",
            "kafka_partitions": 2,
        }
    )

    state = kafka_stack.up(managed)

    assert state.running is None and state.pid is None and state.reachable
    assert {topic: state.topics.get(topic) for topic in kafka_stack.wanted_topics(managed)} == {
        f"{managed.kafka_topic_prefix}.{kind}": 2 for kind in ("pin", "geo", "user", "deadletter")
    }
    assert not managed.kafka_data_dir.exists()
    assert kafka_stack.ensure_topics(managed) == [], "existing topics are not created again"


def test_new_topics_are_served_as_soon_as_ensure_topics_returns(kafka_settings: Settings) -> None:
    """Offsets can be read from every partition of topics just created.

    The metadata names a new partition's leader a moment before that leader serves it; a
    CI run once failed reading offsets in that window.
    """
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({**kafka_settings.kafka_client_config(), "group.id": "test-served"})
    try:
        for _ in range(3):
            fresh = kafka_settings.model_copy(
                update={"kafka_topic_prefix": f"served{uuid.uuid4().hex[:8]}"}
            )
            created = kafka_stack.ensure_topics(fresh)
            assert sorted(created) == sorted(kafka_stack.wanted_topics(fresh))
            for topic in created:
                for partition in range(fresh.kafka_partitions):
                    low, high = consumer.get_watermark_offsets(
                        TopicPartition(topic, partition), timeout=5
                    )
                    assert (low, high) == (0, 0)
    finally:
        consumer.close()


def test_failed_start_explains_itself_with_the_log_tail(fresh_kafka_settings: Settings) -> None:
    broken = fresh_kafka_settings.model_copy(update={"kafka_heap": "lots"})

    with pytest.raises(kafka_stack.KafkaStackError, match="exited during start") as failure:
        kafka_stack.up(broken)

    assert "Invalid maximum heap size" in str(failure.value)
    assert kafka_stack.running_pid(broken) is None


def test_managed_cluster_is_never_started_or_stopped(fresh_kafka_settings: Settings) -> None:
    settings = fresh_kafka_settings.model_copy(update={"kafka_local_broker": False})

    with pytest.raises(kafka_stack.KafkaStackError, match="managed"):
        kafka_stack.down(settings)
    assert not settings.kafka_data_dir.exists()


def test_local_broker_refuses_a_port_in_use(
    kafka_settings: Settings, fresh_kafka_settings: Settings
) -> None:
    settings = fresh_kafka_settings.model_copy(
        update={"kafka_bootstrap": kafka_settings.kafka_bootstrap}
    )

    with pytest.raises(kafka_stack.KafkaStackError, match="already in use"):
        kafka_stack.up(settings)
    assert not settings.kafka_data_dir.exists(), "nothing is written for a broker that cannot run"


def test_pid_file_of_a_dead_broker_stays_while_its_port_is_taken(
    fresh_kafka_settings: Settings,
) -> None:
    """The pid file of a broker that died is what tells ``up`` to wait for its ports;
    it must not be removed while the broker's port is still taken (a CI run once found
    the port of a killed broker taken after its process was gone)."""
    settings = fresh_kafka_settings
    files = kafka_stack.broker_files(settings)
    files.root.mkdir(parents=True)
    # Only its pid is wanted: one that has exited.
    finished = subprocess.Popen(["true"])
    finished.wait()
    files.pid_file.write_text(f"{finished.pid}\n")
    host, port = settings.kafka_bootstrap.rsplit(":", 1)

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((host, int(port)))
        holder.listen()
        assert kafka_stack.running_pid(settings) is None
        assert files.pid_file.exists(), "the pid file went while the port was taken"

    assert kafka_stack.running_pid(settings) is None
    assert not files.pid_file.exists(), "a stale pid file stays once the ports are free"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def test_require_topics_passes_when_the_broker_has_them(kafka_settings: Settings) -> None:
    kafka_stack.require_topics(kafka_settings, kafka_stack.wanted_topics(kafka_settings))


def test_require_topics_names_the_missing_topics(kafka_settings: Settings) -> None:
    elsewhere = kafka_settings.model_copy(
        update={"kafka_topic_prefix": f"absent{uuid.uuid4().hex[:8]}"}
    )
    wanted = [kafka_settings.topic("pin"), elsewhere.topic("geo"), elsewhere.topic("user")]

    with pytest.raises(kafka_stack.KafkaStackError) as failure:
        kafka_stack.require_topics(kafka_settings, wanted)

    message = str(failure.value)
    assert f"has no topic {elsewhere.topic('geo')}, {elsewhere.topic('user')}:" in message
    assert kafka_settings.topic("pin") not in message
    assert "`pinlake stack up`" in message


def test_require_topics_fails_at_once_when_no_local_broker_listens(
    fresh_kafka_settings: Settings,
) -> None:
    with pytest.raises(kafka_stack.KafkaStackError) as failure:
        kafka_stack.require_topics(
            fresh_kafka_settings, kafka_stack.wanted_topics(fresh_kafka_settings), timeout_s=60
        )

    assert str(failure.value) == (
        f"no Kafka broker listens on {fresh_kafka_settings.kafka_bootstrap}: "
        "start the local broker with `pinlake stack up`"
    )


def test_require_topics_gives_a_managed_cluster_its_timeout(
    fresh_kafka_settings: Settings,
) -> None:
    """Nothing listens at the bootstrap address: librdkafka retries until the timeout."""
    managed = fresh_kafka_settings.model_copy(update={"kafka_local_broker": False})

    with pytest.raises(kafka_stack.KafkaStackError) as failure:
        kafka_stack.require_topics(managed, kafka_stack.wanted_topics(managed), timeout_s=2)

    message = str(failure.value)
    assert message.startswith(f"Kafka at {managed.kafka_bootstrap} did not answer within 2s (")
    assert "PINLAKE_KAFKA_BOOTSTRAP" in message
