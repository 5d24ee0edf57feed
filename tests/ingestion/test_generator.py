"""The synthetic generator: deterministic, aligned, and as dirty as the real source."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from ingestion import calibration as cal
from ingestion.generator import generate
from ingestion.source_db import make_engine, max_ind, read_posts

SEED_DATA = Path(__file__).parents[2].parent / "shared" / "seed-data" / "aicore-rds"
POSTS = 20_000
FOLLOWER_FORMATS = {
    "plain": re.compile(r"^\d+$"),
    "k": re.compile(r"^\d+k$"),
    "M": re.compile(r"^\d+M$"),
    "error": re.compile(r"^User Info Error$"),
}


def _engine(folder: Path, name: str) -> Engine:
    return make_engine(f"sqlite:///{folder / name}")


def _all(engine: Engine, kind: str) -> list[dict[str, Any]]:
    return list(read_posts(engine, kind, after_ind=None, batch_size=5000))


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """One generated source of 20,000 posts, read back, for the distribution tests."""
    engine = _engine(tmp_path_factory.mktemp("generated"), "source.db")
    assert generate(engine, posts=POSTS, seed=11, progress=False) == POSTS
    return {kind: _all(engine, kind) for kind in ("pin", "geo", "user")}


def _rate(rows: list[dict[str, Any]], column: str, value: str) -> float:
    return sum(r[column] == value for r in rows) / len(rows)


def test_same_seed_same_rows_different_seed_different_rows(tmp_path: Path) -> None:
    rows = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        engine = _engine(tmp_path, f"{name}.db")
        generate(engine, posts=300, seed=seed, progress=False)
        rows[name] = {kind: _all(engine, kind) for kind in ("pin", "geo", "user")}
    assert rows["a"] == rows["b"]
    for kind in ("pin", "geo", "user"):
        assert rows["a"][kind] != rows["c"][kind]


def test_three_tables_are_aligned_by_index(tables: dict[str, list[dict[str, Any]]]) -> None:
    assert [r["index"] for r in tables["pin"]] == list(range(POSTS))
    assert [r["ind"] for r in tables["geo"]] == list(range(POSTS))
    assert [r["ind"] for r in tables["user"]] == list(range(POSTS))


def test_all_categories_and_save_locations(tables: dict[str, list[dict[str, Any]]]) -> None:
    pins = tables["pin"]
    assert {p["category"] for p in pins} == set(cal.CATEGORY_WEIGHTS)
    assert len(cal.CATEGORY_WEIGHTS) == 13
    assert all(p["save_location"] == f"Local save in /data/{p['category']}" for p in pins)
    assert len({p["unique_id"] for p in pins}) == POSTS


def test_every_placeholder_string_occurs(tables: dict[str, list[dict[str, Any]]]) -> None:
    values = {v for p in tables["pin"] for v in p.values()}
    missing = set(cal.PLACEHOLDERS.values()) - values
    assert not missing


def test_placeholders_follow_the_media_type(tables: dict[str, list[dict[str, Any]]]) -> None:
    story = "multi-video(story page format)"
    for p in tables["pin"]:
        if p["description"] == cal.PLACEHOLDERS["description_story"]:
            assert p["is_image_or_video"] == story
        if p["image_src"] == cal.PLACEHOLDERS["image_src_error"]:
            assert p["is_image_or_video"] == story
            assert p["downloaded"] == 0
        if p["poster_name"] == cal.PLACEHOLDERS["user_info_error"]:
            assert p["follower_count"] == cal.PLACEHOLDERS["user_info_error"]
    assert {p["is_image_or_video"] for p in tables["pin"]} == {"image", "video", story}
    assert {p["downloaded"] for p in tables["pin"]} == {0, 1}


def test_follower_counts_are_dirty_strings(tables: dict[str, list[dict[str, Any]]]) -> None:
    seen: Counter[str] = Counter()
    for p in tables["pin"]:
        kinds = [k for k, pattern in FOLLOWER_FORMATS.items() if pattern.match(p["follower_count"])]
        assert len(kinds) == 1, p["follower_count"]
        seen[kinds[0]] += 1
    assert set(seen) == set(FOLLOWER_FORMATS)
    assert seen["k"] > seen["plain"] > seen["M"] > seen["error"]


def test_text_looks_like_pins(tables: dict[str, list[dict[str, Any]]]) -> None:
    pins = tables["pin"]
    assert all(len(p["description"]) <= cal.DESCRIPTION_MAX_CHARS for p in pins)
    assert any(p["description"].endswith("…") for p in pins)
    tagged = [p for p in pins if p["tag_list"] != cal.PLACEHOLDERS["tags_missing"]]
    assert 0.9 * len(pins) < len(tagged) < len(pins)
    for p in tagged:
        tags = p["tag_list"].split(",")
        assert len(set(tags)) == 9 and set(tags) <= set(cal.TAGS[p["category"]])
    sources = [
        p["image_src"] for p in pins if p["image_src"] != cal.PLACEHOLDERS["image_src_error"]
    ]
    assert all(s.startswith("https://i.pinimg.com/") and s.endswith(".jpg") for s in sources)


def test_users_and_geo_are_in_the_real_ranges(tables: dict[str, list[dict[str, Any]]]) -> None:
    joined_from, joined_to = (datetime.fromisoformat(t) for t in cal.JOINED_RANGE)
    posted_from, posted_to = (datetime.fromisoformat(t) for t in cal.TIMESTAMP_RANGE)
    ages = {u["age"] for u in tables["user"]}
    assert min(ages) == 20 and max(ages) == 60
    for user, geo in zip(tables["user"], tables["geo"], strict=True):
        assert joined_from <= user["date_joined"] <= joined_to
        assert posted_from <= geo["timestamp"] <= posted_to
        assert geo["timestamp"] > user["date_joined"]
        assert -90 <= geo["latitude"] <= 90 and -180 <= geo["longitude"] <= 180
    assert {g["country"] for g in tables["geo"]} <= set(cal.COUNTRIES)


def test_people_post_repeatedly_and_some_share_a_name(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    person = [(u["first_name"], u["last_name"], u["date_joined"]) for u in tables["user"]]
    posts_per_person = Counter(person)
    assert 0.3 * POSTS < len(posts_per_person) < 0.7 * POSTS
    assert max(posts_per_person.values()) >= 50
    once = sum(n == 1 for n in posts_per_person.values()) / len(posts_per_person)
    assert 0.6 < once < 0.85
    names = Counter((first, last) for first, last, _ in posts_per_person)
    assert any(n > 1 for n in names.values()), "some different people share a name"
    # A person is one person: same age and the same home location on all their posts.
    home: dict[tuple[str, str, datetime], tuple[Any, ...]] = {}
    for key, user, geo in zip(person, tables["user"], tables["geo"], strict=True):
        where = (user["age"], geo["latitude"], geo["longitude"], geo["country"])
        assert home.setdefault(key, where) == where


def test_append_continues_after_the_highest_index(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "source.db")
    generate(engine, posts=200, seed=3, progress=False)
    first = _all(engine, "pin")
    highest = max_ind(engine)
    assert highest is not None
    start = highest + 1
    assert generate(engine, posts=150, seed=3, start_ind=start, progress=False) == 150
    pins = _all(engine, "pin")
    assert [p["index"] for p in pins] == list(range(350))
    assert pins[:200] == first
    assert [u["ind"] for u in _all(engine, "user")] == list(range(350))
    # The appended batch is new posts, not a copy of the first one.
    assert {p["unique_id"] for p in pins[200:]}.isdisjoint(p["unique_id"] for p in first)


def _real(name: str) -> list[dict[str, str]]:
    with (SEED_DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(not SEED_DATA.exists(), reason="real seed data is not beside the project")
def test_matches_the_real_data(tables: dict[str, list[dict[str, Any]]]) -> None:
    real_pins = _real("pinterest_data_partial.csv")
    real_geo = _real("geolocation_data.csv")
    real_users = _real("user_data.csv")
    pins = tables["pin"]

    assert {p["category"] for p in pins} == {p["category"] for p in real_pins}
    real_countries = {g["country"] for g in real_geo}
    countries = {g["country"] for g in tables["geo"]}
    assert countries <= real_countries and len(countries) >= 0.95 * len(real_countries)
    assert {int(u["age"]) for u in real_users} == {u["age"] for u in tables["user"]}

    for column, key in [
        ("title", "title_missing"),
        ("description", "description_story"),
        ("description", "description_missing"),
        ("tag_list", "tags_missing"),
        ("image_src", "image_src_error"),
        ("poster_name", "user_info_error"),
    ]:
        value = cal.PLACEHOLDERS[key]
        real, ours = _rate(real_pins, column, value), _rate(pins, column, value)
        assert abs(ours - real) <= max(0.35 * real, 0.003), (column, value, real, ours)

    def formats(rows: list[dict[str, Any]]) -> dict[str, float]:
        counts = Counter(
            next((k for k, p in FOLLOWER_FORMATS.items() if p.match(r["follower_count"])), "other")
            for r in rows
        )
        return {k: counts[k] / len(rows) for k in FOLLOWER_FORMATS}

    real_mix, our_mix = formats(real_pins), formats(pins)
    for kind in FOLLOWER_FORMATS:
        assert abs(real_mix[kind] - our_mix[kind]) < 0.06, (kind, real_mix, our_mix)

    def share_posting_once(users: list[dict[str, Any]]) -> float:
        counts = Counter((u["first_name"], u["last_name"], str(u["date_joined"])) for u in users)
        return sum(n == 1 for n in counts.values()) / len(counts)

    assert abs(share_posting_once(real_users) - share_posting_once(tables["user"])) < 0.08


def test_shared_fixture_holds_500_aligned_posts(generated_source_url: str) -> None:
    engine = make_engine(generated_source_url)
    assert max_ind(engine) == 499
    assert [u["ind"] for u in read_posts(engine, "user", after_ind=489)] == list(range(490, 500))


def test_driver_level_and_core_inserts_store_the_same_rows(tmp_path: Path) -> None:
    """SQLite's fast path must store exactly what the portable Core executemany stores."""
    import numpy as np

    from ingestion.generator import _insert
    from ingestion.source_db import create_tables, user_data

    columns = {
        "ind": [0, 1],
        "first_name": ["Ann", "Bo"],
        "last_name": ["Lee", "Ray"],
        "age": [20, 60],
        "date_joined": np.array(["2015-10-21T03:17:47", "2017-10-20T10:44:26"], "datetime64[s]"),
    }
    stored = []
    for name, driver_level in (("fast.db", True), ("core.db", False)):
        engine = _engine(tmp_path, name)
        create_tables(engine)
        with engine.begin() as conn:
            _insert(conn, user_data, columns, driver_level=driver_level)
        stored.append(_all(engine, "user"))
    assert stored[0] == stored[1]
    assert stored[0][1]["date_joined"] == datetime(2017, 10, 20, 10, 44, 26)
