"""Record validation: strict on structure, lenient on the dirt the source really holds."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from ingestion.records import (
    MODELS,
    InvalidRecord,
    fast_post_key,
    fast_post_key_json,
    validate_record,
)

RAW_PIN = {
    "index": 7528,
    "unique_id": "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
    "title": "No Title Data Available",
    "description": "No description available Story format",
    "poster_name": "User Info Error",
    "follower_count": "User Info Error",
    "tag_list": "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
    "is_image_or_video": "multi-video(story page format)",
    "image_src": "Image src error.",
    "downloaded": 0,
    "save_location": "Local save in /data/mens-fashion",
    "category": "mens-fashion",
}
RAW_GEO = {
    "ind": 7528,
    "timestamp": "2020-08-28 03:52:47",
    "latitude": -89.9787,
    "longitude": -173.293,
    "country": "Albania",
}
RAW_USER = {
    "ind": 7528,
    "first_name": "Abigail",
    "last_name": "Ali",
    "age": 20,
    "date_joined": "2015-10-24T11:23:51",
}


@pytest.mark.parametrize(
    ("kind", "record", "key"),
    [
        ("pin", RAW_PIN, 7528),
        ("geo", RAW_GEO, 7528),
        ("user", RAW_USER, 7528),
        ("pin", {**RAW_PIN, "index": "7528"}, 7528),
        ("pin", {**RAW_PIN, "follower_count": "12k"}, 7528),
        ("pin", {**RAW_PIN, "follower_count": 437}, 7528),
        ("pin", {**RAW_PIN, "poster_name": None, "downloaded": None}, 7528),
        ("pin", {**RAW_PIN, "downloaded": "1"}, 7528),
        ("pin", {"ind": 3, "brand_new_field": [1, 2]}, 3),
        ("geo", {**RAW_GEO, "timestamp": "2020-08-28T03:52:47"}, 7528),
        ("geo", {**RAW_GEO, "latitude": "-89.9787"}, 7528),
        ("user", {**RAW_USER, "age": "20", "date_joined": "2015-10-24 11:23:51"}, 7528),
        ("user", {**RAW_USER, "index": 7528}, 7528),
    ],
)
def test_raw_records_with_known_dirt_pass(kind: str, record: dict[str, Any], key: int) -> None:
    assert validate_record(kind, record) == key


@pytest.mark.parametrize(
    ("kind", "record", "problem"),
    [
        ("pin", ["not", "an", "object"], "must be a JSON object, got an array"),
        ("pin", "index=1", "must be a JSON object, got a string"),
        ("pin", {k: v for k, v in RAW_PIN.items() if k != "index"}, "'ind' or 'index' is required"),
        ("pin", {**RAW_PIN, "index": "12a"}, "field 'index': must be an integer"),
        ("pin", {**RAW_PIN, "index": 1.5}, "field 'index': must be an integer"),
        ("pin", {**RAW_PIN, "index": True}, "not a boolean"),
        ("pin", {**RAW_PIN, "index": -1}, "must not be negative"),
        ("pin", {**RAW_PIN, "ind": 1}, "'ind' (1) and 'index' (7528) disagree"),
        ("pin", {**RAW_PIN, "title": ["a"]}, "field 'title'"),
        ("pin", {**RAW_PIN, "follower_count": {"n": 1}}, "field 'follower_count'"),
        ("geo", {**RAW_GEO, "timestamp": "yesterday"}, "field 'timestamp': must be an ISO"),
        ("geo", {**RAW_GEO, "timestamp": 1598586767}, "field 'timestamp': must be an ISO"),
        ("geo", {**RAW_GEO, "latitude": "north"}, "field 'latitude'"),
        ("user", {**RAW_USER, "age": "twenty"}, "field 'age'"),
        ("user", {**RAW_USER, "first_name": 5}, "field 'first_name'"),
    ],
)
def test_structural_problems_are_refused_with_a_reason(
    kind: str, record: Any, problem: str
) -> None:
    with pytest.raises(InvalidRecord) as refused:
        validate_record(kind, record)
    assert problem in refused.value.reason


def test_validation_does_not_touch_the_record() -> None:
    record = {**RAW_PIN, "index": "7528", "extra": {"nested": [1, 2.5, None]}}
    before = repr(record)
    validate_record("pin", record)
    assert repr(record) == before


_SAMPLES: list[Any] = [
    None, 0, 7528, -3, 1.5, True, False, "", "7528", " 12 ", "-1", "12a", "12k", "1e3",
    "-89.9787", "north", "2020-08-28 03:52:47", "2015-10-24T11:23:51", "2020-13-45 00:00:00",
    "User Info Error", [1], {"n": 1},
]  # fmt: skip


@pytest.mark.parametrize("kind", ["pin", "geo", "user"])
def test_fast_path_only_accepts_what_the_model_accepts(kind: str) -> None:
    """The API's fast check must never let in a record the pydantic model would refuse,
    nor key it differently; it may only defer to the model."""
    base = {"pin": RAW_PIN, "geo": RAW_GEO, "user": RAW_USER}[kind]
    assert fast_post_key(kind, dict(base)) == 7528, "the fast path must take plain records"
    assert fast_post_key_json(kind, orjson.dumps(base)) == 7528
    rng = random.Random(kind)
    fields = [*MODELS[kind].model_fields, "extra", "_private", "model_x"]
    deferred = 0
    for _ in range(3000):
        record = dict(base)
        for name in rng.sample(fields, rng.randint(1, 3)):
            if rng.random() < 0.1:
                record.pop(name, None)
            else:
                record[name] = rng.choice(_SAMPLES)
        fast = fast_post_key(kind, record)
        fast_json = fast_post_key_json(kind, orjson.dumps(record))
        if fast_json is not None:
            assert MODELS[kind].model_validate(record).post_key == fast_json, record
        if fast is None:
            deferred += 1
            continue
        assert MODELS[kind].model_validate(record).post_key == fast, record
    assert 0 < deferred < 3000
