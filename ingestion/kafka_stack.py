"""The local Apache Kafka broker that ``pinlake stack up`` runs, and the topics every stage needs.

One KRaft node in combined mode (broker and controller in one JVM) started with the
machine's ``java`` from the pinned jars in ``.cache/jvm/kafka``, so the pipeline needs
no Docker and no Kafka download. Everything it writes (config, data, logs, pid file)
lives under ``settings.kafka_data_dir`` and survives ``down``: stopping the broker
never loses accepted records.

When ``PINLAKE_KAFKA_LOCAL_BROKER=false`` the bootstrap servers belong to a managed
cluster: nothing is started or stopped here, and :func:`ensure_topics` only creates
the missing topics with the client (SASL/SSL) settings.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic, OffsetSpec

from orchestration import jvm
from orchestration.settings import RECORD_KINDS, Settings

log = logging.getLogger(__name__)

DEADLETTER_KIND = "deadletter"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_MAIN_CLASS = "kafka.Kafka"
_STORAGE_TOOL = "kafka.tools.StorageTool"
_NODE_ID = 1
_ATTEMPT_S = 2.0
"""How long one metadata request may take while waiting for Kafka to answer."""


class KafkaStackError(RuntimeError):
    """The broker could not be started, reached or stopped; the message says why."""


@dataclass(frozen=True)
class BrokerFiles:
    """Where the local broker keeps its state, all under ``settings.kafka_data_dir``."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def server_properties(self) -> Path:
        return self.root / "server.properties"

    @property
    def log4j_config(self) -> Path:
        return self.root / "log4j2.properties"

    @property
    def pid_file(self) -> Path:
        return self.root / "broker.pid"

    @property
    def console_log(self) -> Path:
        return self.log_dir / "console.log"

    @property
    def server_log(self) -> Path:
        return self.log_dir / "server.log"

    @property
    def formatted(self) -> bool:
        return (self.data_dir / "meta.properties").exists()


@dataclass(frozen=True)
class StackStatus:
    """What ``pinlake stack status`` shows; ``running`` is None for a managed cluster."""

    bootstrap: str
    local: bool
    running: bool | None
    pid: int | None
    reachable: bool
    topics: dict[str, int] = field(default_factory=dict)
    data_dir: Path | None = None
    problem: str | None = None
    """Why a broker that should answer did not (refused credentials, no answer)."""


def wanted_topics(settings: Settings) -> list[str]:
    """The topics of the three record kinds plus the dead-letter topic."""
    return [settings.topic(kind) for kind in (*RECORD_KINDS, DEADLETTER_KIND)]


def broker_files(settings: Settings) -> BrokerFiles:
    return BrokerFiles(settings.kafka_data_dir)


# --- configuration ------------------------------------------------------------------


def _listener(settings: Settings) -> tuple[str, int]:
    """Host and port of the local broker; a local broker has exactly one loopback address."""
    servers = [server.strip() for server in settings.kafka_bootstrap.split(",") if server.strip()]
    if len(servers) != 1:
        raise KafkaStackError(
            f"a local broker listens on one address, got '{settings.kafka_bootstrap}'; "
            "for a managed cluster set PINLAKE_KAFKA_LOCAL_BROKER=false"
        )
    host, _, port = servers[0].rpartition(":")
    host = host.strip("[]")
    if host not in _LOOPBACK_HOSTS or not port.isdigit():
        raise KafkaStackError(
            f"the local broker binds to 127.0.0.1 only, got '{servers[0]}'; "
            "for a managed cluster set PINLAKE_KAFKA_LOCAL_BROKER=false"
        )
    if settings.kafka_security_protocol != "PLAINTEXT":
        raise KafkaStackError(
            "the local broker speaks PLAINTEXT; SASL/SSL settings are for a managed cluster "
            "(set PINLAKE_KAFKA_LOCAL_BROKER=false)"
        )
    return host, int(port)


def _server_properties(settings: Settings, files: BrokerFiles) -> str:
    """A single-node KRaft config sized for a laptop: replication 1, few threads."""
    host, port = _listener(settings)
    controller = f"127.0.0.1:{settings.kafka_controller_port}"
    lines = {
        "process.roles": "broker,controller",
        "node.id": str(_NODE_ID),
        # Static voters: the quorum lives in this file, so changing ports needs no re-format.
        "controller.quorum.voters": f"{_NODE_ID}@{controller}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{controller}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(files.data_dir),
        "num.partitions": str(settings.kafka_partitions),
        # Topics are created explicitly, so a typo in a client's topic name is an error.
        "auto.create.topics.enable": "false",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "3",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.recovery.threads.per.data.dir": "1",
        "log.retention.hours": "168",
    }
    header = "# Written by `pinlake stack up` from the pinlake settings; edits are overwritten.\n"
    return header + "".join(f"{key}={value}\n" for key, value in lines.items())


def _log4j_config(files: BrokerFiles) -> str:
    """Broker logs to a rolling file, so a failed start can be explained from its tail."""
    return f"""\
status = warn
# Kafka flushes and closes its logs itself on SIGTERM; log4j's own hook only warns then.
shutdownHook = disable
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = {files.server_log}
appender.file.filePattern = {files.server_log}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
"""


def _write_config(settings: Settings, files: BrokerFiles) -> None:
    files.log_dir.mkdir(parents=True, exist_ok=True)
    files.data_dir.mkdir(parents=True, exist_ok=True)
    files.server_properties.write_text(_server_properties(settings, files))
    files.log4j_config.write_text(_log4j_config(files))


def _java_command(files: BrokerFiles, main_class: str, heap: str) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise KafkaStackError("`java` (17 or newer) is not on the PATH; the broker needs it")
    classpath = os.pathsep.join(str(jar) for jar in jvm.jars("kafka"))
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={files.log_dir}",
        f"-Dlog4j2.configurationFile={files.log4j_config}",
        "-cp",
        classpath,
        main_class,
    ]


def _new_cluster_id() -> str:
    """Kafka's cluster id format: a random UUID, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def _format_storage(files: BrokerFiles) -> None:
    """KRaft refuses to start on an unformatted log dir; format once, never again."""
    if files.formatted:
        return
    command = [
        # Formatting writes two small files; it does not need the broker's heap.
        *_java_command(files, _STORAGE_TOOL, heap="128m"),
        "format",
        # one argument: a random id may start with "-", which would read as an option
        f"--cluster-id={_new_cluster_id()}",
        "--config",
        str(files.server_properties),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KafkaStackError(
            f"formatting the Kafka storage in {files.data_dir} failed:\n"
            f"{result.stdout}{result.stderr}"
        )


# --- process --------------------------------------------------------------------------


def _read_pid(files: BrokerFiles) -> int | None:
    try:
        return int(files.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _reap(pid: int) -> None:
    """Collect the exit status when this process started the broker, so it is no zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _proc_state(pid: int) -> str | None:
    """The process state letter from ``/proc`` (``R``, ``S``, ``Z``...), ``None`` if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _is_broker(pid: int) -> bool:
    """True when ``pid`` is a live Kafka JVM (a reused pid of another program is not)."""
    _reap(pid)
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        state = _proc_state(pid)
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            return False
        return state not in (None, "Z") and _MAIN_CLASS.encode() in cmdline
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_alive(pid: int) -> bool:
    """True while ``pid`` runs, whatever it runs: right after the start the child may not
    have become the Kafka JVM yet (fork done, exec pending), so its command line is not a
    test of life during the start."""
    _reap(pid)
    return _proc_state(pid) not in (None, "Z")


def running_pid(settings: Settings) -> int | None:
    """The pid of the local broker if it runs; a stale pid file is removed.

    The pid file of a broker that has died is kept while it is a zombie or while the
    broker's ports are still taken: a killed JVM's main thread turns zombie before the
    process has let go of its sockets, and a CI run once found the port still taken
    after the process was gone. :func:`up` reads a kept pid file as a broker of its own
    that died, and waits for the ports (see ``_PORT_RELEASE_S``).
    """
    files = broker_files(settings)
    pid = _read_pid(files)
    if pid is None:
        return None
    if _is_broker(pid):
        return pid
    if _proc_state(pid) != "Z" and _busy_port(settings) is None:
        files.pid_file.unlink(missing_ok=True)
    return None


def port_open(host: str, port: int) -> bool:
    """Whether a program listens on ``host:port``.

    A socket connected to itself does not count: when nothing listens on a port in the
    kernel's ephemeral range (where the tests' free ports are), a connection to it can
    be given that same port as its source and then answers itself (TCP simultaneous
    open), which would report a free port as taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        if sock.connect_ex((host, port)) != 0:
            return False
        return bool(sock.getsockname() != sock.getpeername())


def _log_tail(files: BrokerFiles, lines: int = 40) -> str:
    tails = []
    for path in (files.server_log, files.console_log):
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {path} ---\n" + "\n".join(text))
    return "\n".join(tails) or "(the broker wrote no log)"


_PORT_RELEASE_S = 15.0
"""How long a broker that has just exited may still hold its ports. Killed with SIGKILL
on a busy machine, the JVM showed as a zombie (which :func:`_is_broker` counts as gone)
while still listening on its port: its sockets close only once the whole process has
finished exiting."""


def _busy_port(settings: Settings) -> tuple[str, int] | None:
    """The first of the broker's ports (listener, controller) that a program listens on."""
    host, port = _listener(settings)
    for busy in ((host, port), ("127.0.0.1", settings.kafka_controller_port)):
        if port_open(*busy):
            return busy
    return None


def _wait_ports_released(settings: Settings, timeout_s: float) -> tuple[str, int] | None:
    """Wait up to ``timeout_s`` for the broker's ports to be free; the one still busy, if any."""
    deadline = time.monotonic() + timeout_s
    busy = _busy_port(settings)
    while busy is not None and time.monotonic() < deadline:
        time.sleep(0.2)
        busy = _busy_port(settings)
    return busy


def _check_ports_free(settings: Settings, wait_s: float) -> None:
    """Fail before touching any file when another program holds the broker's ports."""
    busy = _wait_ports_released(settings, wait_s)
    if busy is not None:
        raise KafkaStackError(
            f"{busy[0]}:{busy[1]} is already in use by another process; stop it, "
            "pick other ports (PINLAKE_KAFKA_BOOTSTRAP, PINLAKE_KAFKA_CONTROLLER_PORT) or "
            "use that broker with PINLAKE_KAFKA_LOCAL_BROKER=false"
        )


def _start_process(settings: Settings, files: BrokerFiles) -> int:
    command = [
        *_java_command(files, _MAIN_CLASS, heap=settings.kafka_heap),
        str(files.server_properties),
    ]
    with files.console_log.open("ab") as console:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            cwd=files.root,
            # Its own session: Ctrl-C in the shell that ran `stack up` does not stop it.
            start_new_session=True,
        )
    files.pid_file.write_text(f"{process.pid}\n")
    return process.pid


REFUSALS = frozenset({KafkaError._AUTHENTICATION, KafkaError._SSL})
"""librdkafka's errors for a cluster that turns away the client's credentials or TLS
handshake: it answers, so waiting longer cannot help."""


def refused_message(settings: Settings, detail: str) -> str:
    """What to say when Kafka refuses pinlake's credentials or TLS, and what to check."""
    return (
        f"Kafka at {settings.kafka_bootstrap} refused pinlake's credentials or TLS "
        f"({detail}): check PINLAKE_KAFKA_SECURITY_PROTOCOL ({settings.kafka_security_protocol}), "
        "PINLAKE_KAFKA_SASL_MECHANISM, PINLAKE_KAFKA_SASL_USERNAME, PINLAKE_KAFKA_SASL_PASSWORD "
        "and PINLAKE_KAFKA_SSL_CA_LOCATION"
    )


class _Admin:
    """An admin client that notices when the cluster refuses its credentials or TLS."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.refusal: str | None = None
        # librdkafka logs every refused connection; while waiting for a start that is noise.
        # the stubs know no callable settings; librdkafka takes a logger
        config: dict[str, Any] = {
            **settings.kafka_client_config(),
            "logger": log,
            "error_cb": self._on_error,
        }
        self.client = AdminClient(config)

    def _on_error(self, error: KafkaError) -> None:
        if error.code() in REFUSALS:
            self.refusal = error.str()

    def raise_if_refused(self) -> None:
        """Serve the client's error callbacks; a refusal ends the wait at once."""
        self.client.poll(0)
        if self.refusal is not None:
            raise KafkaStackError(refused_message(self.settings, self.refusal))


def _wait_until_ready(settings: Settings, pid: int | None, timeout_s: float) -> None:
    """Wait until the broker answers metadata requests, failing fast if its JVM dies."""
    files = broker_files(settings)
    deadline = time.monotonic() + timeout_s
    # A local broker's port shows it listening before librdkafka would log refused connections.
    listener = _listener(settings) if settings.kafka_local_broker else None
    admin: _Admin | None = None
    while time.monotonic() < deadline:
        if pid is not None and not _is_alive(pid):
            files.pid_file.unlink(missing_ok=True)
            raise KafkaStackError(f"the Kafka broker exited during start:\n{_log_tail(files)}")
        if listener is None or port_open(*listener):
            admin = admin or _Admin(settings)
            try:
                metadata = admin.client.list_topics(timeout=2)
            except KafkaException:
                admin.raise_if_refused()
                metadata = None
            if metadata is not None and metadata.brokers:
                return
        time.sleep(0.2)
    tail = _log_tail(files) if settings.kafka_local_broker else "(managed cluster: no local log)"
    raise KafkaStackError(
        f"the Kafka broker did not accept connections on {settings.kafka_bootstrap} within "
        f"{timeout_s:.0f}s:\n{tail}"
    )


# --- topics ---------------------------------------------------------------------------


def _topic_partitions(admin: AdminClient, timeout_s: float) -> dict[str, int]:
    metadata = admin.list_topics(timeout=timeout_s)
    return {
        name: len(topic.partitions)
        for name, topic in metadata.topics.items()
        if topic.error is None and not name.startswith("__")
    }


def _partitions_serving(admin: AdminClient, partitions: dict[str, int]) -> KafkaException | None:
    """None when every partition's leader answers an offsets request, else the first error.

    A new topic shows up in the metadata a moment before its leader serves it: until then
    reads and offset lookups fail with NOT_LEADER_FOR_PARTITION.
    """
    requests = {
        TopicPartition(topic, partition): OffsetSpec.latest()
        for topic, count in partitions.items()
        for partition in range(count)
    }
    for future in admin.list_offsets(requests, request_timeout=5).values():
        try:
            future.result()
        except KafkaException as error:
            return error
    return None


def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the missing pipeline topics and wait until every partition's leader serves it.

    Works for the local broker and for a managed cluster alike (the client settings
    carry SASL/SSL); replication follows the cluster's default. Existing topics are
    left as they are: adding partitions would move keys and break per-post order.
    Returns the topics that were created.
    """
    admin = _Admin(settings)
    wanted = wanted_topics(settings)
    deadline = time.monotonic() + timeout_s
    created: list[str] = []
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            existing = _topic_partitions(admin.client, timeout_s=5)
        except KafkaException as error:
            admin.raise_if_refused()
            last_error = error
            time.sleep(0.5)
            continue
        missing = [topic for topic in wanted if topic not in existing]
        if not missing:
            serving = {topic: existing[topic] for topic in wanted}
            last_error = _partitions_serving(admin.client, serving)
            if last_error is None:
                return created
            time.sleep(0.2)
            continue
        futures = admin.client.create_topics(
            [NewTopic(topic, num_partitions=settings.kafka_partitions) for topic in missing],
            operation_timeout=10,
            request_timeout=15,
        )
        for topic, future in futures.items():
            try:
                future.result()
                created.append(topic)
            except KafkaException as error:
                kafka_error: KafkaError = error.args[0]
                if kafka_error.code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    last_error = error
                    if not kafka_error.retriable():
                        raise KafkaStackError(f"cannot create topic {topic}: {error}") from error
        time.sleep(0.2)
    raise KafkaStackError(
        f"topics {wanted} were not all ready on {settings.kafka_bootstrap} within "
        f"{timeout_s:.0f}s (last error: {last_error})"
    )


def require_topics(settings: Settings, topics: list[str], timeout_s: float = 15.0) -> None:
    """Fail in one clear sentence when Kafka does not answer or lacks one of ``topics``.

    For the jobs that read the topics: Spark's Kafka source would otherwise retry for
    minutes, logging every refused connection, and end in a stack trace. A local broker
    whose port is closed is reported at once; otherwise Kafka has ``timeout_s`` to answer.
    """
    bootstrap = settings.kafka_bootstrap
    if settings.kafka_local_broker:
        reach = "start the local broker with `pinlake stack up`"
        if not port_open(*_listener(settings)):
            raise KafkaStackError(f"no Kafka broker listens on {bootstrap}: {reach}")
    else:
        reach = (
            "check PINLAKE_KAFKA_BOOTSTRAP, PINLAKE_KAFKA_SECURITY_PROTOCOL and the "
            "PINLAKE_KAFKA_SASL_* and PINLAKE_KAFKA_SSL_* settings"
        )
    admin = _Admin(settings)
    deadline = time.monotonic() + timeout_s
    while True:  # in short attempts, so that refused credentials end the wait early
        try:
            existing = _topic_partitions(admin.client, min(_ATTEMPT_S, timeout_s))
            break
        except KafkaException as error:
            admin.raise_if_refused()
            if time.monotonic() >= deadline:
                raise KafkaStackError(
                    f"Kafka at {bootstrap} did not answer within {timeout_s:.0f}s "
                    f"({error.args[0].str()}): {reach}"
                ) from None
    missing = [topic for topic in topics if topic not in existing]
    if missing:
        raise KafkaStackError(
            f"Kafka at {bootstrap} has no topic {', '.join(missing)}: "
            "`pinlake stack up` creates the pipeline's topics"
        )


# --- the three verbs ----------------------------------------------------------------


def up(settings: Settings) -> StackStatus:
    """Start the broker unless it runs, wait until it answers, and create missing topics.

    Idempotent: on a running broker (or a managed cluster) it only ensures the topics.
    """
    if settings.kafka_local_broker:
        files = broker_files(settings)
        pid = running_pid(settings)
        if pid is None:
            # A pid file left by running_pid is a broker of ours that died (killed,
            # crashed) and may still be letting go of its ports.
            dying = _read_pid(files) is not None
            _check_ports_free(settings, wait_s=_PORT_RELEASE_S if dying else 0.0)
            _write_config(settings, files)
            _format_storage(files)
            pid = _start_process(settings, files)
            log.info("started Kafka broker pid %s on %s", pid, settings.kafka_bootstrap)
        _wait_until_ready(settings, pid, settings.kafka_start_timeout_s)
    else:
        _wait_until_ready(settings, None, settings.kafka_start_timeout_s)
    ensure_topics(settings)
    return status(settings)


def down(settings: Settings, timeout_s: float = 30.0) -> bool:
    """Stop the local broker: SIGTERM for a clean shutdown, SIGKILL after ``timeout_s``.

    Data stays in ``settings.kafka_data_dir``. Returns whether a broker was running.
    """
    if not settings.kafka_local_broker:
        raise KafkaStackError("the Kafka cluster is managed (PINLAKE_KAFKA_LOCAL_BROKER=false)")
    pid = running_pid(settings)
    if pid is None:
        return False
    files = broker_files(settings)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while _is_broker(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _is_broker(pid):
        log.warning("Kafka broker pid %s ignored SIGTERM for %.0fs; killing it", pid, timeout_s)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _is_broker(pid):
            time.sleep(0.1)
    files.pid_file.unlink(missing_ok=True)
    # So that an `up` right after finds the ports free.
    _wait_ports_released(settings, _PORT_RELEASE_S)
    return True


_STATUS_TIMEOUT_S = 5.0


def status(settings: Settings) -> StackStatus:
    """Whether the broker runs and answers, and the partition count of each topic."""
    pid = running_pid(settings) if settings.kafka_local_broker else None
    topics: dict[str, int] = {}
    reachable = False
    problem = None
    if pid is not None or not settings.kafka_local_broker:
        admin = _Admin(settings)
        try:
            topics = _topic_partitions(admin.client, timeout_s=_STATUS_TIMEOUT_S)
            reachable = True
        except KafkaException:
            problem = f"no answer within {_STATUS_TIMEOUT_S:.0f}s"
            try:
                admin.raise_if_refused()
            except KafkaStackError as refused:
                problem = str(refused)
    return StackStatus(
        bootstrap=settings.kafka_bootstrap,
        local=settings.kafka_local_broker,
        running=(pid is not None) if settings.kafka_local_broker else None,
        pid=pid,
        reachable=reachable,
        topics=dict(sorted(topics.items())),
        data_dir=settings.kafka_data_dir if settings.kafka_local_broker else None,
        problem=problem,
    )
