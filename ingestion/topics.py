"""Which record kind a client means by the topic or stream name it sends to.

The original clients were written against one Kafka REST Proxy and one API Gateway
per student account, so their names carry an account id: ``0a1d8948160f.pin`` for
Kafka, ``streaming-0a1d8948160f-pin`` (or ``streaming_0a1d8948160f_pin``) for Kinesis.
To let them work unchanged with only a new base URL, every name that *ends* in a kind
after a ``.``, ``-`` or ``_`` maps to that kind; our own ``pinterest.pin`` follows the
same rule. Everything the API writes goes to ``settings.topic(kind)``, whatever the
client called it.
"""

from __future__ import annotations

import re

from orchestration.settings import RECORD_KINDS

_NAME = re.compile(r"^[A-Za-z0-9._-]{0,240}[._-](?P<kind>[A-Za-z]+)$")
"""Kafka topic and Kinesis stream names share this alphabet; the kind is the last part."""

ACCEPTED_NAMES: tuple[str, ...] = tuple(
    pattern
    for kind in RECORD_KINDS
    for pattern in (f"<name>.{kind}", f"<name>-{kind}", f"<name>_{kind}")
)
"""Shown to clients in the 404 answer so they can fix their URL."""


def kind_for_name(name: str) -> str | None:
    """The record kind (``pin``, ``geo``, ``user``) a topic or stream name stands for.

    The kind suffix is matched without regard to case (``streaming-x-PIN`` is a pin
    stream) because stream names in the original projects were typed by hand.
    Returns None for a name that is not one of ours, including the dead-letter topic:
    clients must not be able to write dead letters directly.
    """
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    kind = match.group("kind").lower()
    return kind if kind in RECORD_KINDS else None


def unknown_name_message(name: str) -> str:
    """The explanation a client gets for a name that maps to no kind."""
    return (
        f"'{name}' is not a known topic or stream: the name must end in one of "
        f"{', '.join(RECORD_KINDS)} after '.', '-' or '_' "
        "(e.g. 'pinterest.pin', '<user-id>.geo', 'streaming-<user-id>-user')"
    )
