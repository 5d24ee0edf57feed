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

import re
from datetime import datetime
from typing import Annotated, Any

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


def validate_record(kind: str, record: Any) -> int:
    """Check one decoded record of ``kind`` and return its post key.

    Raises :class:`InvalidRecord` with a reason fit to show the client.
    """
    if not isinstance(record, dict):
        raise InvalidRecord(f"a record must be a JSON object, got {_json_type(record)}")
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
