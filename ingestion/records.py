"""What a pin, geo or user record must look like to be let into Kafka.

The models are strict about *structure* and lenient about *dirt*. Structure is what
every later stage relies on: a record is a JSON object and it names its post with
``ind`` or ``index`` (an integer or a string of digits), so the three records of a post
can be keyed, ordered and joined. Dirt is what the source systems really send and
what dbt cleans later: ``follower_count`` as ``"12k"`` or ``437``, placeholders such as
``"User Info Error"``, datetimes with a ``T`` or a space, missing (null) fields. A field
of the wrong *type* (a title that is a list, a latitude that is ``"north"``) is
rejected, because no cleaning rule could recover it.

Validation never rewrites a record: the bytes forwarded to Kafka are the client's
own record, and fields the models do not know are kept.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import datetime
from functools import reduce
from typing import Annotated, Any, NamedTuple

import msgspec
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictStr,
    ValidationError,
    model_validator,
)

_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


def _post_key(value: Any) -> int:
    """``ind``/``index``: an integer, or a string of digits as some exports write it."""
    if isinstance(value, bool):
        raise ValueError("must be an integer or a string of digits, not a boolean")
    if isinstance(value, int):
        key = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value):
        key = int(value)
    else:
        raise ValueError("must be an integer or a string of digits")
    if key < 0:
        raise ValueError("must not be negative")
    return key


def _integer_or_digits(value: Any) -> Any:
    """Counts such as ``age`` may arrive as ``42`` or ``"42"``; anything else is a type error."""
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _INTEGER.fullmatch(value))
    ):
        raise ValueError("must be an integer or a string of digits")
    return value


def _number_or_numeric_string(value: Any) -> Any:
    if isinstance(value, bool) or not (
        isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value))
    ):
        raise ValueError("must be a number or a numeric string")
    return value


def _count_text(value: Any) -> Any:
    """``follower_count`` is text in the source (``"12k"``, ``"User Info Error"``) or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be a string or a number")
    return value


def _flag(value: Any) -> Any:
    """``downloaded`` is 0/1 in the source; booleans and ``"0"``/``"1"`` mean the same."""
    if isinstance(value, bool):
        return value
    return _integer_or_digits(value)


def _iso_datetime(value: Any) -> Any:
    """Datetimes travel as ISO strings; ``2020-08-28T03:52:47`` and ``2020-08-28 03:52:47``."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO datetime string such as '2020-08-28T03:52:47'")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO datetime string such as '2020-08-28T03:52:47'") from None
    return value


PostKey = Annotated[int, BeforeValidator(_post_key)]
IntegerLike = Annotated[Any, BeforeValidator(_integer_or_digits)]
NumberLike = Annotated[Any, BeforeValidator(_number_or_numeric_string)]
IsoDatetime = Annotated[Any, BeforeValidator(_iso_datetime)]
CountText = Annotated[Any, BeforeValidator(_count_text)]
Flag = Annotated[Any, BeforeValidator(_flag)]
Text = StrictStr | None


class PostRecord(BaseModel):
    """Fields every kind shares: the post key, under either of its two historical names."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    ind: PostKey | None = None
    index: PostKey | None = None

    @model_validator(mode="after")
    def _has_one_post_key(self) -> PostRecord:
        if self.ind is None and self.index is None:
            raise ValueError("the record has no post key: 'ind' or 'index' is required")
        if self.ind is not None and self.index is not None and self.ind != self.index:
            raise ValueError(f"'ind' ({self.ind}) and 'index' ({self.index}) disagree")
        return self

    @property
    def post_key(self) -> int:
        key = self.ind if self.ind is not None else self.index
        assert key is not None  # guaranteed by _has_one_post_key
        return key


class PinRecord(PostRecord):
    """A post as the pin table holds it; dirty strings (``"User Info Error"``) are fine."""

    unique_id: Text = None
    title: Text = None
    description: Text = None
    poster_name: Text = None
    follower_count: CountText | None = None
    tag_list: Text = None
    is_image_or_video: Text = None
    image_src: Text = None
    downloaded: Flag | None = None
    save_location: Text = None
    category: Text = None


class GeoRecord(PostRecord):
    """Where and when a post was made."""

    timestamp: IsoDatetime | None = None
    latitude: NumberLike | None = None
    longitude: NumberLike | None = None
    country: Text = None


class UserRecord(PostRecord):
    """Who made a post."""

    first_name: Text = None
    last_name: Text = None
    age: IntegerLike | None = None
    date_joined: IsoDatetime | None = None


MODELS: dict[str, type[PostRecord]] = {"pin": PinRecord, "geo": GeoRecord, "user": UserRecord}


class InvalidRecord(ValueError):
    """A record that cannot enter Kafka; ``reason`` names the field and the problem."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _describe(error: ValidationError) -> str:
    """One readable line per problem, e.g. ``field 'age': must be an integer ...``."""
    parts = []
    for item in error.errors(include_url=False, include_input=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        location = ".".join(str(part) for part in item["loc"])
        parts.append(f"field '{location}': {message}" if location else message)
    return "; ".join(parts)


def _is_digits(value: Any) -> bool:
    return type(value) is str and _INTEGER.fullmatch(value) is not None


def _is_numeric_string(value: Any) -> bool:
    return type(value) is str and _NUMBER.fullmatch(value) is not None


def _is_iso_datetime(value: Any) -> bool:
    if type(value) is not str:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_Rule = tuple[frozenset[type], Callable[[Any], bool] | None]
"""A field's rule for :func:`fast_post_key`: types that pass as they are, and a check
for the values of other types that may still pass (digit strings, ISO datetimes)."""

_NONE = type(None)
_TEXT: _Rule = (frozenset({str, _NONE}), None)
_INTEGER_LIKE: _Rule = (frozenset({int, _NONE}), _is_digits)
_NUMBER_LIKE: _Rule = (frozenset({int, float, _NONE}), _is_numeric_string)
_DATETIME: _Rule = (frozenset({_NONE}), _is_iso_datetime)

_FAST_RULES: dict[str, dict[str, _Rule]] = {
    "pin": {
        **dict.fromkeys(
            (
                "unique_id",
                "title",
                "description",
                "poster_name",
                "tag_list",
                "is_image_or_video",
                "image_src",
                "save_location",
                "category",
            ),
            _TEXT,
        ),
        "follower_count": (frozenset({str, int, float, _NONE}), None),
        "downloaded": (frozenset({bool, int, _NONE}), _is_digits),
    },
    "geo": {
        "timestamp": _DATETIME,
        "latitude": _NUMBER_LIKE,
        "longitude": _NUMBER_LIKE,
        "country": _TEXT,
    },
    "user": {
        "first_name": _TEXT,
        "last_name": _TEXT,
        "age": _INTEGER_LIKE,
        "date_joined": _DATETIME,
    },
}
"""The models' field rules as plain type tests (``type(...)``, so booleans are not integers)."""


def _fast_key(value: Any) -> int | None:
    kind = type(value)
    if kind is int:
        return value if value >= 0 else None
    if kind is str and _INTEGER.fullmatch(value):
        key = int(value)
        return key if key >= 0 else None
    return None


def _fast_post_key_of(ind: Any, index: Any) -> int | None:
    """The post key from the raw ``ind`` and ``index`` values (``None`` when absent), if
    they plainly give one: at least one of them, each valid, and equal when both are."""
    ind_key = index_key = None
    if ind is not None:
        ind_key = _fast_key(ind)
        if ind_key is None:
            return None
    if index is not None:
        index_key = _fast_key(index)
        if index_key is None or (ind_key is not None and index_key != ind_key):
            return None
    return ind_key if ind_key is not None else index_key


class _Plan(NamedTuple):
    """What a record of one shape (its field names and value types) still needs checked."""

    checks: tuple[tuple[int, Callable[[Any], bool]], ...]
    ind: int
    index_field: int


_PLANS: dict[tuple[str, tuple[str, ...], tuple[type, ...]], _Plan | None] = {}
_MAX_PLANS = 4096
"""Shapes remembered; clients send few (one per kind and writer), so this bound is only
reached by odd input, which then takes the uncached path."""


def _plan(kind: str, names: tuple[str, ...], types: tuple[type, ...]) -> _Plan | None:
    """The checks a shape needs, or ``None`` if it cannot pass without the model."""
    rules = _FAST_RULES[kind]
    checks = []
    ind = index = -1
    for position, (name, value_type) in enumerate(zip(names, types, strict=True)):
        rule = rules.get(name)
        if rule is not None:
            allowed, check = rule
            if value_type in allowed:
                continue
            if check is None:
                return None
            checks.append((position, check))
        elif name == "ind":
            ind = position
        elif name == "index":
            index = position
        elif name.startswith(("_", "model_")):
            return None
    return _Plan(tuple(checks), ind, index)


def fast_post_key(kind: str, record: dict[str, Any]) -> int | None:
    """The post key of a record that plainly passes its model, or ``None`` to ask the model.

    Nearly every record a client sends is valid, and running the pydantic model (and its
    Python field validators) per record was one of the API's largest costs. This check
    applies the same rules with plain type tests and only ever *accepts*: anything
    doubtful (an invalid field, an odd extra key, a missing key) returns ``None`` and the
    model decides, and explains. A test holds it to the models on valid and invalid records.

    Records of one client share a shape (field names in order, and value types), so
    the type tests are decided once per shape; per record only the values whose type
    alone does not settle it (digit strings, ISO datetimes, the post key) are looked at.
    """
    names = tuple(record)
    values = tuple(record.values())
    types = tuple(map(type, values))
    shape = (kind, names, types)
    try:
        plan = _PLANS[shape]
    except KeyError:
        plan = _plan(kind, names, types)
        if len(_PLANS) < _MAX_PLANS and len(names) <= 64 and sum(map(len, names)) <= 2048:
            _PLANS[shape] = plan
    if plan is None:
        return None
    for position, check in plan.checks:
        if not check(values[position]):
            return None
    return _fast_post_key_of(
        values[plan.ind] if plan.ind >= 0 else None,
        values[plan.index_field] if plan.index_field >= 0 else None,
    )


def _shape(kind: str) -> type[msgspec.Struct]:
    """A msgspec struct of the kind's known fields, each typed with what its rule may let in.

    A field whose rule has a check is also typed ``str``: the check then looks at the
    string (digits, a number, an ISO datetime) after decoding.
    """
    fields: list[tuple[str, Any, None]] = [
        ("ind", int | str | None, None),
        ("index", int | str | None, None),
    ]
    for name, (allowed, check) in _FAST_RULES[kind].items():
        types = allowed | {str} if check is not None else allowed
        fields.append((name, reduce(operator.or_, sorted(types, key=str)), None))
    return msgspec.defstruct(f"{kind.title()}Shape", fields, forbid_unknown_fields=True, gc=False)


_SHAPES = {kind: msgspec.json.Decoder(_shape(kind)) for kind in _FAST_RULES}
_CHECKED = {
    kind: tuple((name, allowed, check) for name, (allowed, check) in rules.items() if check)
    for kind, rules in _FAST_RULES.items()
}


def fast_post_key_json(kind: str, data: bytes) -> int | None:
    """:func:`fast_post_key` for a record still in its JSON bytes, without building a dict.

    The record is decoded into the kind's msgspec struct, which checks each field's JSON
    type in C; the few values whose type alone does not settle them are then checked as
    :func:`fast_post_key` does. Like it, this only ever accepts: anything doubtful (not
    an object, a wrong type, no post key, a field the kind does not name) returns
    ``None`` and the model decides, and explains, and keeps the extra fields.
    """
    try:
        shape: Any = _SHAPES[kind].decode(data)  # a struct defined at run time
    except msgspec.DecodeError:
        return None
    for name, allowed, check in _CHECKED[kind]:
        value = getattr(shape, name)
        if type(value) not in allowed and not check(value):
            return None
    return _fast_post_key_of(shape.ind, shape.index)


def validate_record(kind: str, record: Any) -> int:
    """Check one decoded record of ``kind`` and return its post key.

    Raises :class:`InvalidRecord` with a reason fit to show the client.
    """
    if not isinstance(record, dict):
        raise InvalidRecord(f"a record must be a JSON object, got {_json_type(record)}")
    key = fast_post_key(kind, record)
    if key is not None:
        return key
    try:
        return MODELS[kind].model_validate(record).post_key
    except ValidationError as error:
        raise InvalidRecord(_describe(error)) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__
