"""Synthetic posts for the source database, with the real data's shape and dirt.

The pipeline downstream has to cope with what the original source really held:
follower counts as ``12k``/``2M``/``User Info Error`` strings, scraper placeholders
instead of nulls, one person posting many times, different people with the same
name. The frequencies come from ``ingestion.calibration`` (derived from real rows).

Determinism: everything is drawn from numpy generators seeded by ``(seed, start_ind)``
(and the chunk number for per-post columns), and chunks have a fixed size, so the
same seed and start index give the same rows whatever the database or the machine.
An append (``start_ind`` after the current maximum) is a new, independent batch of
posts by a new pool of people.

Speed: columns are drawn as numpy arrays per chunk; only string assembly is a Python
loop, and rows go in with one executemany per table per chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Connection, Engine, Table

from ingestion import calibration as cal
from ingestion.source_db import create_tables, geolocation_data, pinterest_data, user_data

CHUNK_POSTS = 20_000
"""Posts generated and inserted per transaction; fixed, because the draws depend on it."""

PERSON_POST_EXPONENT = 2.4
"""Zipf exponent of posts per person: ~72% post once, a few post hundreds of times
(real data: 73% once, mean 2.1, max 244)."""

POSTER_POST_EXPONENT = 2.5
"""Zipf exponent of pins per poster account (real data: mean 1.76 pins per poster)."""

NAME_RANK_EXPONENT = 0.7
"""Name popularity falls with rank as 1/rank**0.7, which matches the real top and median
name counts and makes some different people share a name."""

POSTER_HOME_CATEGORY_SHARE = 0.9
"""Share of an account's pins in its own category; the rest are anywhere."""

_CATEGORIES: list[str] = sorted(cal.CATEGORY_WEIGHTS)
_MEDIA_TYPES: list[str] = list(cal.MEDIA_TYPE_WEIGHTS)
_STORY_TYPE = "multi-video(story page format)"
_IMAGE, _VIDEO, _STORY = (_MEDIA_TYPES.index(k) for k in ("image", "video", _STORY_TYPE))
_P = cal.PLACEHOLDERS
_CONNECTORS = ["and", "for", "with", "the", "to", "of", "in", "your", "|", "-", "DIY", "How to"]
_DESCRIPTION_GLUE = [
    "the",
    "and",
    "to",
    "a",
    "of",
    "for",
    "your",
    "with",
    "this",
    "is",
    "you",
    "in",
]
_EPOCH = np.datetime64("1970-01-01T00:00:00", "s")


def _seconds(text: str) -> int:
    return int((np.datetime64(text.replace(" ", "T"), "s") - _EPOCH).astype(np.int64))


def _probabilities(weights: Sequence[float] | NDArray[np.floating]) -> NDArray[np.float64]:
    array = np.asarray(weights, dtype=np.float64)
    return array / array.sum()


def _from_quantiles(rng: np.random.Generator, quantiles: Sequence[float], n: int) -> NDArray:
    """Draw values by interpolating evenly spaced quantiles (a piecewise-linear inverse CDF)."""
    levels = np.linspace(0.0, 1.0, len(quantiles))
    return np.interp(rng.random(n), levels, quantiles)


@dataclass(frozen=True)
class People:
    """The pool of persons who post: one row per person, columns as arrays."""

    first_name: NDArray[np.int64]
    last_name: NDArray[np.int64]
    age: NDArray[np.int64]
    joined: NDArray[np.int64]  # epoch seconds
    latitude: NDArray[np.float64]
    longitude: NDArray[np.float64]
    country: NDArray[np.int64]


@dataclass(frozen=True)
class Posters:
    """The pool of accounts whose pins are posted (``poster_name``/``follower_count``)."""

    name: list[str]
    follower_count: list[str]
    category: NDArray[np.int64]


def _rank_weights(size: int) -> NDArray[np.float64]:
    return _probabilities(1.0 / np.arange(1, size + 1) ** NAME_RANK_EXPONENT)


def _sextile_uniform(
    rng: np.random.Generator, weights: Sequence[int], low: float, n: int
) -> NDArray:
    """Coordinates skewed like the real ones: pick one of six equal bins, uniform inside it."""
    width = -2 * low / 6
    bins = rng.choice(6, size=n, p=_probabilities(weights))
    return low + (bins + rng.random(n)) * width


def _draw_people(rng: np.random.Generator, n: int) -> People:
    age = 20 + rng.choice(len(cal.AGE_WEIGHTS), size=n, p=_probabilities(cal.AGE_WEIGHTS))
    band = np.digitize(age, [26, 36, 46])  # the calibration's bands: 20-25, 26-35, 36-45, 46-60
    quarter = np.empty(n, dtype=np.int64)
    for b, weights in enumerate(cal.JOIN_QUARTER_WEIGHTS_BY_AGE_BAND):
        members = np.flatnonzero(band == b)
        quarter[members] = rng.choice(len(weights), size=members.size, p=_probabilities(weights))
    quarter_starts = np.array(
        [_seconds(f"{q[:4]}-{(int(q[-1]) - 1) * 3 + 1:02d}-01 00:00:00") for q in cal.JOIN_QUARTERS]
        + [_seconds(f"{int(cal.JOIN_QUARTERS[-1][:4]) + 1}-01-01 00:00:00")]
    )
    low, high = _seconds(cal.JOINED_RANGE[0]), _seconds(cal.JOINED_RANGE[1])
    start = np.maximum(quarter_starts[quarter], low)
    end = np.minimum(quarter_starts[quarter + 1], high)
    joined = start + (rng.random(n) * (end - start)).astype(np.int64)
    return People(
        first_name=rng.choice(len(cal.FIRST_NAMES), size=n, p=_rank_weights(len(cal.FIRST_NAMES))),
        last_name=rng.choice(len(cal.LAST_NAMES), size=n, p=_rank_weights(len(cal.LAST_NAMES))),
        age=age,
        joined=joined,
        latitude=np.round(_sextile_uniform(rng, cal.LATITUDE_SEXTILE_WEIGHTS, -90.0, n), 4),
        longitude=np.round(_sextile_uniform(rng, cal.LONGITUDE_SEXTILE_WEIGHTS, -180.0, n), 3),
        country=rng.integers(0, len(cal.COUNTRIES), size=n),
    )


def _assign_posts(rng: np.random.Generator, posts: int, exponent: float, cap: int) -> NDArray:
    """Owner number of each post: owners get Zipf-distributed post counts summing to ``posts``.

    Owners are numbered so that owner 0 has the most posts; the posts are shuffled so an
    owner's posts are spread over the index range, as in the real table.
    """
    counts = np.minimum(rng.zipf(exponent, size=posts), cap)
    owners = int(np.searchsorted(np.cumsum(counts), posts)) + 1
    counts = np.sort(counts[:owners])[::-1]
    owner_of_post = np.repeat(np.arange(owners), counts)[:posts]
    return rng.permutation(owner_of_post)


def _person_order(rng: np.random.Generator, people: People) -> NDArray[np.int64]:
    """Order persons so the busiest posters tend to be early joiners, as in the real data."""
    joined_rank = np.argsort(np.argsort(people.joined)) / max(len(people.joined), 1)
    return np.argsort(joined_rank + rng.normal(0.0, 0.3, size=len(people.joined)))


def _title_case(words: list[str]) -> list[str]:
    return [w if w.isupper() else w[:1].upper() + w[1:] for w in words]


def _follower_count(rng: np.random.Generator, n: int) -> list[str]:
    formats = list(cal.FOLLOWER_FORMAT_WEIGHTS)
    kind = rng.choice(
        len(formats), size=n, p=_probabilities(list(cal.FOLLOWER_FORMAT_WEIGHTS.values()))
    )
    thousands = np.maximum(_from_quantiles(rng, cal.FOLLOWER_K_QUANTILES, n).astype(np.int64), 1)
    plain = _from_quantiles(rng, cal.FOLLOWER_PLAIN_QUANTILES, n).astype(np.int64)
    millions = rng.choice(
        list(cal.FOLLOWER_M_WEIGHTS),
        size=n,
        p=_probabilities(list(cal.FOLLOWER_M_WEIGHTS.values())),
    )
    out = []
    for f, k, p, m in zip(
        kind.tolist(), thousands.tolist(), plain.tolist(), millions.tolist(), strict=True
    ):
        fmt = formats[f]
        out.append(f"{k}k" if fmt == "k" else f"{m}M" if fmt == "M" else str(p))
    return out


def _draw_posters(rng: np.random.Generator, n: int) -> Posters:
    """Accounts named like the real ones: brands made of topic words, or a person's name."""
    category = rng.choice(
        len(_CATEGORIES), size=n, p=_probabilities([cal.CATEGORY_WEIGHTS[c] for c in _CATEGORIES])
    )
    style = rng.integers(0, 6, size=n)
    picks = rng.random((n, 4))
    first = rng.choice(len(cal.FIRST_NAMES), size=n, p=_rank_weights(len(cal.FIRST_NAMES)))
    last = rng.choice(len(cal.LAST_NAMES), size=n, p=_rank_weights(len(cal.LAST_NAMES)))
    pools = [_title_case(cal.TITLE_WORDS[c]) for c in _CATEGORIES]
    names = []
    for i in range(n):
        pool = pools[category[i]]
        a, b, c, d = (pool[int(x * len(pool))] for x in picks[i])
        person = f"{cal.FIRST_NAMES[first[i]]} {cal.LAST_NAMES[last[i]]}"
        names.append(
            (
                f"{a} {b}",
                f"The {a} {b}",
                f"{a}{b}",
                f"{person}",
                f"{person} {c}",
                f"{a} & {b} | {c} {d} Ideas",
            )[style[i]]
        )
    return Posters(name=names, follower_count=_follower_count(rng, n), category=category)


def _hex_strings(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.bytes(16 * n).hex()
    return [raw[i : i + 32] for i in range(0, 32 * n, 32)]


def _uuid4(h: str) -> str:
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def _texts(
    rng: np.random.Generator,
    category: NDArray[np.int64],
    pools: list[list[str]],
    glue: list[str],
    lengths: NDArray[np.int64],
    glue_share: float,
) -> list[str]:
    """Word salad from a category's pool, with small glue words inside (never at the ends)."""
    n, width = len(category), int(lengths.max(initial=1))
    vocabulary = np.array(glue + [w for pool in pools for w in pool], dtype=object)
    sizes = np.array([len(pool) for pool in pools])
    offsets = len(glue) + np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(width)
    interior = (position > 0) & (position < lengths[:, None] - 1)
    use_glue = interior & (rng.random((n, width)) < glue_share)
    topic = offsets[category][:, None] + (rng.random((n, width)) * sizes[category][:, None])
    tokens = vocabulary[
        np.where(use_glue, rng.integers(0, len(glue), (n, width)), topic.astype(np.int64))
    ]
    return [
        " ".join(row[:length])
        for row, length in zip(tokens.tolist(), lengths.tolist(), strict=True)
    ]


def _descriptions(rng: np.random.Generator, category: NDArray[np.int64]) -> list[str]:
    """Sentences of topic words; like the scraper's, long ones are cut with an ellipsis."""
    n, limit = len(category), cal.DESCRIPTION_MAX_CHARS
    truncated = rng.random(n) < cal.RATES["description_truncated"]
    lengths = np.where(truncated, 40, rng.integers(6, 26, size=n))
    pools = [cal.DESCRIPTION_WORDS[c] for c in _CATEGORIES]
    out = []
    for text, cut in zip(
        _texts(rng, category, pools, _DESCRIPTION_GLUE, lengths, 0.35),
        truncated.tolist(),
        strict=True,
    ):
        text = text[:1].upper() + text[1:]
        cut = cut or len(text) >= limit
        out.append(text[: limit - 3] + "…" if cut else text + ".")
    return out


def _pick(mask: NDArray[np.bool_], placeholder: str, values: list[str]) -> list[str]:
    return [placeholder if m else v for m, v in zip(mask.tolist(), values, strict=True)]


def _category_choice(rng: np.random.Generator, n: int) -> NDArray[np.int64]:
    weights = [cal.CATEGORY_WEIGHTS[c] for c in _CATEGORIES]
    return rng.choice(len(_CATEGORIES), size=n, p=_probabilities(weights))


def _pins(
    rng: np.random.Generator, start: int, posters: Posters, poster_of_post: NDArray[np.int64]
) -> dict[str, list[Any]]:
    """Columns of ``pinterest_data`` for one chunk of posts."""
    n, rates = len(poster_of_post), cal.RATES
    media_weights = list(cal.MEDIA_TYPE_WEIGHTS.values())
    media = rng.choice(len(_MEDIA_TYPES), size=n, p=_probabilities(media_weights))
    at_home = rng.random(n) < POSTER_HOME_CATEGORY_SHARE
    category = np.where(at_home, posters.category[poster_of_post], _category_choice(rng, n))
    story, video, image = media == _STORY, media == _VIDEO, media == _IMAGE
    u = rng.random((n, 6))

    title_quantiles = (2.0, *cal.TITLE_WORDS_PER_TITLE, 18.0)
    title_lengths = np.maximum(_from_quantiles(rng, title_quantiles, n).round(), 2).astype(np.int64)
    title_pools = [_title_case(cal.TITLE_WORDS[c]) for c in _CATEGORIES]
    titles = _texts(rng, category, title_pools, _CONNECTORS, title_lengths, 0.25)
    titles = _pick(u[:, 0] > 1 - rates["untitled"], _P["title_untitled"], titles)
    titles = _pick(story & (u[:, 0] < rates["title_missing_story"]), _P["title_missing"], titles)

    descriptions = _descriptions(rng, category)
    descriptions = _pick(
        ~story & (u[:, 1] < rates["description_missing_image"]),
        _P["description_missing"],
        descriptions,
    )
    descriptions = _pick(
        story & (u[:, 1] < rates["description_story"]), _P["description_story"], descriptions
    )

    tag_rate = np.select(
        [image, video, story],
        [rates["tags_missing_image"], rates["tags_missing_video"], rates["tags_missing_story"]],
    )
    tag_pools = [cal.TAGS[c] for c in _CATEGORIES]
    tag_picks = np.argsort(rng.random((n, len(tag_pools[0]))), axis=1)[:, :9].tolist()
    tags = [
        ",".join([tag_pools[c][j] for j in picks])
        for c, picks in zip(category.tolist(), tag_picks, strict=True)
    ]
    tags = _pick(u[:, 2] < tag_rate, _P["tags_missing"], tags)

    src_error = story & (u[:, 3] < rates["image_src_error_story"])
    hashes = _hex_strings(rng, n)
    sources = [
        f"https://i.pinimg.com/originals/{h[:2]}/{h[2:4]}/{h[4:6]}/{h}.jpg"
        if is_image
        else f"https://i.pinimg.com/videos/thumbnails/originals/{h[:2]}/{h[2:4]}/{h[4:6]}/{h}.0000001.jpg"
        for h, is_image in zip(hashes, image.tolist(), strict=True)
    ]
    sources = _pick(src_error, _P["image_src_error"], sources)
    downloaded = np.where(src_error | (u[:, 4] < rates["not_downloaded_valid_src"]), 0, 1)

    user_error = u[:, 5] < rates["user_info_error"]
    poster_list = poster_of_post.tolist()
    names = _CATEGORIES
    return {
        "index": list(range(start, start + n)),
        "unique_id": [_uuid4(h) for h in _hex_strings(rng, n)],
        "title": titles,
        "description": descriptions,
        "poster_name": _pick(
            user_error, _P["user_info_error"], [posters.name[p] for p in poster_list]
        ),
        "follower_count": _pick(
            user_error, _P["user_info_error"], [posters.follower_count[p] for p in poster_list]
        ),
        "tag_list": tags,
        "is_image_or_video": [_MEDIA_TYPES[m] for m in media.tolist()],
        "image_src": sources,
        "downloaded": downloaded.tolist(),
        "save_location": [f"Local save in /data/{names[c]}" for c in category.tolist()],
        "category": [names[c] for c in category.tolist()],
    }


def _geos(
    rng: np.random.Generator, start: int, people: People, person_of_post: NDArray[np.int64]
) -> dict[str, Any]:
    """Columns of ``geolocation_data``: where the poster lives, when the post was made."""
    n = len(person_of_post)
    low, high = _seconds(cal.TIMESTAMP_RANGE[0]), _seconds(cal.TIMESTAMP_RANGE[1])
    posted = low + (rng.random(n) * (high - low)).astype(np.int64)
    posted = np.maximum(posted, people.joined[person_of_post] + 3600)
    return {
        "ind": list(range(start, start + n)),
        "timestamp": posted.astype("datetime64[s]"),
        "latitude": people.latitude[person_of_post].tolist(),
        "longitude": people.longitude[person_of_post].tolist(),
        "country": [cal.COUNTRIES[c] for c in people.country[person_of_post].tolist()],
    }


def _users(start: int, people: People, person_of_post: NDArray[np.int64]) -> dict[str, Any]:
    """Columns of ``user_data``: the person behind each post (the same person on many rows)."""
    n = len(person_of_post)
    return {
        "ind": list(range(start, start + n)),
        "first_name": [cal.FIRST_NAMES[i] for i in people.first_name[person_of_post].tolist()],
        "last_name": [cal.LAST_NAMES[i] for i in people.last_name[person_of_post].tolist()],
        "age": people.age[person_of_post].tolist(),
        "date_joined": people.joined[person_of_post].astype("datetime64[s]"),
    }


def _insert(conn: Connection, table: Table, columns: dict[str, Any], driver_level: bool) -> None:
    """One executemany of a chunk; datetime columns arrive as numpy ``datetime64[s]`` arrays.

    ``driver_level`` (used for SQLite) hands the rows straight to the driver as tuples,
    with datetimes already in the table's storage format (``2019-01-01 07:21:13``):
    SQLAlchemy's per-row parameter processing would otherwise cost as much as generating
    the data. Otherwise rows take the ordinary Core executemany with typed values.
    """
    values: dict[str, list[Any]] = {}
    for name, column in columns.items():
        if isinstance(column, np.ndarray) and np.issubdtype(column.dtype, np.datetime64):
            if driver_level:
                values[name] = np.char.replace(
                    np.datetime_as_string(column, unit="s"), "T", " "
                ).tolist()
            else:
                values[name] = column.astype(object).tolist()
        else:
            values[name] = column
    if driver_level:
        statement = str(table.insert().compile(dialect=conn.dialect))
        ordered = [values[c.name] for c in table.columns]
        conn.exec_driver_sql(statement, list(zip(*ordered, strict=True)))
    else:
        keys = list(values)
        rows = [dict(zip(keys, row, strict=True)) for row in zip(*values.values(), strict=True)]
        conn.execute(table.insert(), rows)


def _bulk_load_pragmas(conn: Connection, on: bool) -> None:
    """Skip fsyncs during the load on SQLite (a crash only loses this generated batch)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql(f"PRAGMA synchronous={'OFF' if on else 'NORMAL'}")


def generate(
    engine: Engine,
    posts: int,
    seed: int,
    start_ind: int = 0,
    progress: bool = True,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Insert ``posts`` synthetic posts with indexes ``start_ind ..``; return the count.

    The three tables get one aligned row per post. ``on_chunk`` is told the number of
    posts written after each chunk (for callers that report progress themselves).
    """
    if posts < 0 or start_ind < 0:
        raise ValueError("posts and start_ind must be non-negative")
    create_tables(engine)
    if posts == 0:
        return 0
    setup = np.random.default_rng([seed, start_ind])
    person_of_post = _assign_posts(
        setup, posts, PERSON_POST_EXPONENT, cap=int(cal.POSTS_PER_PERSON["max"])
    )
    people = _draw_people(setup, int(person_of_post.max()) + 1)
    # Person 0 posts most; map owner numbers onto persons so that early joiners post most.
    person_of_post = _person_order(setup, people)[person_of_post]
    poster_of_post = _assign_posts(setup, posts, POSTER_POST_EXPONENT, cap=150)
    posters = _draw_posters(setup, int(poster_of_post.max()) + 1)

    columns = [
        TextColumn("[bold]generating posts"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, disable=not progress, transient=False) as bar, engine.connect() as conn:
        task = bar.add_task("posts", total=posts)
        driver_level = conn.dialect.name == "sqlite"
        _bulk_load_pragmas(conn, on=True)
        conn.commit()
        try:
            for chunk, offset in enumerate(range(0, posts, CHUNK_POSTS)):
                size = min(CHUNK_POSTS, posts - offset)
                rng = np.random.default_rng([seed, start_ind, chunk])
                start = start_ind + offset
                persons = person_of_post[offset : offset + size]
                pins = _pins(rng, start, posters, poster_of_post[offset : offset + size])
                geos = _geos(rng, start, people, persons)
                users = _users(start, people, persons)
                with conn.begin():
                    _insert(conn, pinterest_data, pins, driver_level)
                    _insert(conn, geolocation_data, geos, driver_level)
                    _insert(conn, user_data, users, driver_level)
                bar.advance(task, size)
                if on_chunk is not None:
                    on_chunk(offset + size)
        finally:
            _bulk_load_pragmas(conn, on=False)
            conn.commit()
    return posts
