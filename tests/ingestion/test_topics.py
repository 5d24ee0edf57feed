"""Topic and stream names of the original clients map to our record kinds."""

from __future__ import annotations

import pytest

from ingestion.topics import kind_for_name, unknown_name_message


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("pinterest.pin", "pin"),
        ("pinterest.geo", "geo"),
        ("pinterest.user", "user"),
        ("0a1d8948160f.pin", "pin"),
        ("129a67850695.geo", "geo"),
        ("0e2bc66a6297.user", "user"),
        ("streaming-0a1d8948160f-pin", "pin"),
        ("streaming-0a1d8948160f-geo", "geo"),
        ("streaming_0a1d8948160f_user", "user"),
        ("streaming-0a1d8948160f-PIN", "pin"),
        ("t_api_1.user", "user"),
    ],
)
def test_names_ending_in_a_kind_map_to_it(name: str, kind: str) -> None:
    assert kind_for_name(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "pin",  # a bare kind has no separator
        "pinterest.pins",
        "pinterest.deadletter",  # clients must not write dead letters
        "pinterest.pin.backup",
        "streaming-0a1d8948160f-pinx",
        "0a1d8948160f pin",
        "../pin",
        "",
        "x" * 300 + ".pin",
    ],
)
def test_other_names_map_to_nothing(name: str) -> None:
    assert kind_for_name(name) is None


def test_unknown_name_message_says_what_is_accepted() -> None:
    message = unknown_name_message("orders")
    assert "'orders'" in message
    assert "pin, geo, user" in message
    assert "streaming-<user-id>-user" in message
