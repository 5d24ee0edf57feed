"""A small hand-written bronze fixture: every cleaning rule and every tie or boundary case.

Each post below is described by the record kinds that have "arrived" for it, written as
the JSON a client would send, with the dirt of the real data: `index` or `ind`, numbers
as strings, both datetime formats and fractions, placeholder strings, re-arrivals where
the later one wins, exact duplicates, and payloads that are not records at all.

The people (user records):
    A   Abigail Ali   age 20 (18-24)  joined 2015-10-24 11:23:51
    A2  Abigail Ali   age 40 (36-50)  joined 2016-06-06 06:06:06  (same name, other person)
    B   Bob Brown     age 24 (18-24)  joined 2016-02-01 10:00:00
    C   Cara Cruz     age 25 (25-35)  joined 2017-05-05T05:05:05
    D   Dan Diaz      age 35 (25-35)  joined 2020-12-31 23:59:59
    E   Eve Evans     age 36 (36-50)  joined 2021-01-01 00:00:00  (outside 2015-2020)
    F   Fay Fox       age 50 (36-50)  joined 2018-03-03T03:03:03
    G   Gus Gray      age 51 (50+)    joined 2019-07-07 07:07:07.5
    I   Ivy Ice       age 17 (none)   joined 2015-01-01 00:00:00

The posts (final state after deduplication):
    ind  category  poster        followers         country  posted at             user
    1    art       Alpha         "12k" = 12000     Albania  2018-01-01 00:00:00   A
    2    art       Alpha         "1.5k" = 1500     Albania  2017-12-31 23:59:59   A
    3    travel    Beta          "2M" = 2000000    Albania  2022-12-31T23:59:59   B
    4    travel    Gamma         2000000 (number)  Aruba    2023-01-01 00:00:00   C
    5    quotes    User Info Error (null, null)    Aruba    2020-05-05 12:00:00.25 D
    6    quotes    Delta         "437"             Aruba    2020-06-06 06:06:06   E
    7    beauty    Echo          "900"             Chad     2021-03-03 03:03:03   F
    8    beauty    Echo          "950"             Chad     2019-09-09 09:09:09   G
    9    art       Foxtrot       "5k" = 5000       (no geolocation record)      A2
    10   finance   Golf          "950"             Chad     2021-04-04 04:04:04   (no user record)
    11   (no pin record)                           Chad     2018-08-08 08:08:08   B
    12   art       Hotel         "10"              Chad     2020-01-01 00:00:00   I
    13   art       Hotel         "10"              Chad     2020-02-02 02:02:02   I
    14   finance   Juliet        "1.2k" = 1200     Denmark  2018-05-05 05:05:05   F
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Arrival:
    """One bronze row: a payload and where and when it arrived."""

    kind: str
    payload: str
    ingested_at: datetime
    kafka_offset: int | None = None

    @property
    def record_source(self) -> str:
        return "batch" if self.kafka_offset is None else "kafka"


FIRST_LOAD = datetime(2024, 1, 1, 0, 0, 0)
SECOND_LOAD = datetime(2024, 1, 2, 0, 0, 0)


def _json(record: dict[str, Any]) -> str:
    return json.dumps(record)


def _pin(
    key: str,
    ind: int | str,
    category: str,
    poster: str,
    followers: str | int,
    **extra: Any,
) -> dict[str, Any]:
    return {
        key: ind,
        "unique_id": f"00000000-0000-0000-0000-{int(ind):012d}",
        "title": f"Post {ind}",
        "description": f"About post {ind}",
        "poster_name": poster,
        "follower_count": followers,
        "tag_list": "a,b",
        "is_image_or_video": "image",
        "image_src": f"https://i.pinimg.com/originals/{ind}.jpg",
        "downloaded": 1,
        "save_location": f"Local save in /data/{category}",
        "category": category,
        **extra,
    }


def _geo(key: str, ind: int | str, country: str, timestamp: str) -> dict[str, Any]:
    return {
        key: ind,
        "timestamp": timestamp,
        "latitude": -89.9787,
        "longitude": -173.293,
        "country": country,
    }


def _user(ind: int | str, first: str, last: str, age: int | str, joined: str) -> dict[str, Any]:
    return {"ind": ind, "first_name": first, "last_name": last, "age": age, "date_joined": joined}


USERS: dict[str, tuple[str, str, int | str, str]] = {
    "A": ("Abigail", "Ali", 20, "2015-10-24 11:23:51"),
    "A2": ("Abigail", "Ali", 40, "2016-06-06 06:06:06"),
    "B": ("Bob", "Brown", 24, "2016-02-01 10:00:00"),
    "C": ("Cara", "Cruz", "25", "2017-05-05T05:05:05"),
    "D": ("Dan", "Diaz", 35, "2020-12-31 23:59:59"),
    "E": ("Eve", "Evans", "36", "2021-01-01 00:00:00"),
    "F": ("Fay", "Fox", 50, "2018-03-03T03:03:03"),
    "G": ("Gus", "Gray", 51, "2019-07-07 07:07:07.5"),
    "I": ("Ivy", "Ice", 17, "2015-01-01 00:00:00"),
}


def _user_of(ind: int | str, who: str) -> dict[str, Any]:
    return _user(ind, *USERS[who])


def arrivals() -> list[Arrival]:
    """Every bronze row of the fixture, in no particular order."""
    pins = [
        # ind 1: arrived twice; the later record (art, 12k) replaces the earlier one
        Arrival("pin", _json(_pin("index", 1, "travel", "Alpha", "999")), FIRST_LOAD),
        Arrival(
            "pin",
            _json(
                _pin(
                    "index",
                    1,
                    "art",
                    "Alpha",
                    "12k",
                    title="No Title Data Available",
                    description="No description available Story format",
                    tag_list="N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
                    image_src="Image src error.",
                )
            ),
            SECOND_LOAD,
        ),
        # ind 2: keyed `ind` instead of `index`, downloaded as a string
        Arrival("pin", _json(_pin("ind", 2, "art", "Alpha", "1.5k", downloaded="0")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 3, "travel", "Beta", "2M")), FIRST_LOAD),
        # ind 4: follower count as a JSON number, index as a string
        Arrival("pin", _json(_pin("index", "4", "travel", "Gamma", 2000000)), FIRST_LOAD),
        Arrival(
            "pin",
            _json(_pin("index", 5, "quotes", "User Info Error", "User Info Error", title="")),
            FIRST_LOAD,
        ),
        Arrival("pin", _json(_pin("index", 6, "quotes", "Delta", "437")), FIRST_LOAD),
        # ind 7: an exact duplicate (a producer retry)
        Arrival("pin", _json(_pin("index", 7, "beauty", "Echo", "900")), FIRST_LOAD, 10),
        Arrival("pin", _json(_pin("index", 7, "beauty", "Echo", "900")), FIRST_LOAD, 11),
        Arrival("pin", _json(_pin("index", 8, "beauty", "Echo", "950")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 9, "art", "Foxtrot", "5k")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 10, "finance", "Golf", "950")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 12, "art", "Hotel", "10")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 13, "art", "Hotel", "10")), FIRST_LOAD),
        Arrival("pin", _json(_pin("index", 14, "finance", "Juliet", "1.2k")), FIRST_LOAD),
        # garbage: not JSON at all
        Arrival("pin", "this is not json {", SECOND_LOAD),
    ]
    geos = [
        Arrival("geo", _json(_geo("ind", 1, "Albania", "2018-01-01 00:00:00")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 2, "Albania", "2017-12-31 23:59:59")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 3, "Albania", "2022-12-31T23:59:59")), FIRST_LOAD),
        # ind 4: two Kafka arrivals in one micro-batch; the higher offset wins
        Arrival("geo", _json(_geo("ind", 4, "Chad", "2023-01-01 00:00:00")), FIRST_LOAD, 5),
        Arrival("geo", _json(_geo("ind", 4, "Aruba", "2023-01-01 00:00:00")), FIRST_LOAD, 6),
        Arrival("geo", _json(_geo("ind", "5", "Aruba", "2020-05-05 12:00:00.250")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 6, "Aruba", "2020-06-06 06:06:06")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 7, "Chad", "2021-03-03T03:03:03")), FIRST_LOAD),
        # ind 8: keyed `index`, coordinates as strings
        Arrival(
            "geo",
            _json(
                {
                    "index": 8,
                    "timestamp": "2019-09-09 09:09:09",
                    "latitude": "17.5632",
                    "longitude": "112.276",
                    "country": "Chad",
                }
            ),
            FIRST_LOAD,
        ),
        Arrival("geo", _json(_geo("ind", 10, "Chad", "2021-04-04 04:04:04")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 11, "Chad", "2018-08-08 08:08:08")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 12, "Chad", "2020-01-01 00:00:00")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 13, "Chad", "2020-02-02 02:02:02")), FIRST_LOAD),
        Arrival("geo", _json(_geo("ind", 14, "Denmark", "2018-05-05 05:05:05")), FIRST_LOAD),
        # garbage: a JSON object without a post index
        Arrival("geo", _json({"country": "Nowhere", "latitude": 1.0}), SECOND_LOAD),
    ]
    users = [
        Arrival("user", _json(_user_of(1, "A")), FIRST_LOAD),
        Arrival("user", _json(_user_of(2, "A")), FIRST_LOAD),
        Arrival("user", _json(_user_of(3, "B")), FIRST_LOAD),
        Arrival("user", _json(_user_of(4, "C")), FIRST_LOAD),
        Arrival("user", _json(_user_of("5", "D")), FIRST_LOAD),
        # ind 6: first sent with a wrong age (60), corrected by a later arrival
        Arrival("user", _json(_user(6, "Eve", "Evans", 60, "2021-01-01 00:00:00")), FIRST_LOAD),
        Arrival("user", _json(_user_of(6, "E")), SECOND_LOAD),
        Arrival("user", _json(_user_of(7, "F")), FIRST_LOAD),
        # ind 8: delivered by batch and again by Kafka
        Arrival("user", _json(_user_of(8, "G")), FIRST_LOAD),
        Arrival("user", _json(_user_of(8, "G")), SECOND_LOAD, 3),
        Arrival("user", _json(_user_of(9, "A2")), FIRST_LOAD),
        Arrival("user", _json(_user_of(11, "B")), FIRST_LOAD),
        Arrival("user", _json(_user_of(12, "I")), FIRST_LOAD),
        Arrival("user", _json(_user_of(13, "I")), FIRST_LOAD),
        Arrival("user", _json(_user_of(14, "F")), FIRST_LOAD),
        # garbage: an index that is not a number
        Arrival("user", _json({"ind": "abc", "first_name": "X"}), SECOND_LOAD),
    ]
    return pins + geos + users


GARBAGE_ARRIVALS = 3
"""Arrivals staging cannot place (one per kind above): the data test warns about them."""
