"""Converters and validators shared by the domain objects (private).

Each one raises :class:`ValidationError` naming the field, what was given and
what is allowed, so bad input never escapes as a bare ``TypeError``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import pendulum

from ppa_core.exceptions import NaiveDatetime, ValidationError

E = TypeVar("E", bound=enum.Enum)


def aware(field: str) -> Callable[[Any], pendulum.DateTime]:
    """A converter to a timezone-aware pendulum DateTime; naive datetimes are refused."""

    def convert(value: Any) -> pendulum.DateTime:
        return to_datetime(value, field)

    return convert


def to_datetime(value: Any, field: str) -> pendulum.DateTime:
    """Convert an aware datetime or ISO 8601 string with offset to a pendulum DateTime."""
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise NaiveDatetime(field, value)
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetime(field, value)
        return pendulum.instance(value)
    if isinstance(value, str):
        try:
            parsed = pendulum.parse(value, exact=True, tz=None)  # no offset stays naive
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            parsed = None
        if isinstance(parsed, pendulum.DateTime) and parsed.tzinfo is not None:
            return parsed
        raise ValidationError(
            field, value, "an ISO 8601 datetime with a UTC offset, e.g. '2026-03-02T10:00:00+01:00'"
        )
    raise ValidationError(field, value, "a timezone-aware datetime")


def optional_aware(field: str) -> Callable[[Any], pendulum.DateTime | None]:
    """Like :func:`aware`, letting None through."""

    def convert(value: Any) -> pendulum.DateTime | None:
        return None if value is None else to_datetime(value, field)

    return convert


def to_date(value: Any, field: str) -> pendulum.Date:
    """Convert a date or ISO 8601 date string to a pendulum Date (a datetime is refused)."""
    if isinstance(value, dt.datetime):
        raise ValidationError(field, value, "a calendar date, not a datetime")
    if isinstance(value, pendulum.Date):
        return value
    if isinstance(value, dt.date):
        return pendulum.Date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(field, value, "an ISO 8601 date, e.g. '2026-03-31'") from None
        return pendulum.Date(parsed.year, parsed.month, parsed.day)
    raise ValidationError(field, value, "a date")


def optional_date(field: str) -> Callable[[Any], pendulum.Date | None]:
    """A converter to an optional pendulum Date."""

    def convert(value: Any) -> pendulum.Date | None:
        return None if value is None else to_date(value, field)

    return convert


def to_enum(enum_type: type[E], field: str, value: Any) -> E:
    """Convert a member or its value (e.g. ``"c_level"``) to a member of ``enum_type``."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except (ValueError, TypeError):
        allowed = tuple(m.value for m in enum_type)
        raise ValidationError(field, value, f"one of {allowed}") from None


def enum_converter(enum_type: type[E], field: str) -> Callable[[Any], E]:
    """A converter from a member or its value to a member of ``enum_type``."""

    def convert(value: Any) -> E:
        return to_enum(enum_type, field, value)

    return convert


def optional_enum(enum_type: type[E], field: str) -> Callable[[Any], E | None]:
    """Like :func:`enum_converter`, letting None through."""

    def convert(value: Any) -> E | None:
        return None if value is None else to_enum(enum_type, field, value)

    return convert


def enum_set(enum_type: type[E], field: str) -> Callable[[Any], frozenset[E]]:
    """A converter from any iterable of members or values to a frozenset of members."""

    def convert(value: Any) -> frozenset[E]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            allowed = tuple(m.value for m in enum_type)
            raise ValidationError(field, value, f"a collection of {allowed}")
        return frozenset(to_enum(enum_type, f"{field}[{i}]", v) for i, v in enumerate(value))

    return convert


def str_tuple(field: str, *, lower: bool = False) -> Callable[[Any], tuple[str, ...]]:
    """A converter from an iterable of strings to a tuple (lower-cased when asked)."""

    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise ValidationError(field, value, "a collection of strings")
        items = tuple(value)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise ValidationError(f"{field}[{i}]", item, "a non-empty string")
        return tuple(i.strip().casefold() for i in items) if lower else items

    return convert


def check_int(
    field: str, value: Any, *, minimum: int | None = 0, maximum: int | None = None
) -> int:
    """Return ``value`` if it is an int within the bounds, else raise ValidationError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, value, _bounds_text("a whole number", minimum, maximum))
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValidationError(field, value, _bounds_text("a whole number", minimum, maximum))
    return value


def _bounds_text(kind: str, minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{kind} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{kind} >= {minimum}"
    if maximum is not None:
        return f"{kind} <= {maximum}"
    return kind


def int_field(
    field: str, *, minimum: int | None = 0, maximum: int | None = None
) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: an int within ``[minimum, maximum]``."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        check_int(field, value, minimum=minimum, maximum=maximum)

    return validate


def optional_int_field(
    field: str, *, minimum: int | None = 0, maximum: int | None = None
) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: None, or an int within ``[minimum, maximum]``."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None:
            check_int(field, value, minimum=minimum, maximum=maximum)

    return validate


def text(field: str, *, allow_empty: bool = False) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: a string (non-blank unless ``allow_empty``)."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise ValidationError(field, value, "a non-empty string")

    return validate


def optional_text(field: str) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: None or a non-blank string."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValidationError(field, value, "None or a non-empty string")

    return validate


def instance_of(field: str, kind: type[Any], what: str) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: an instance of ``kind`` (described as ``what`` in the error)."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(field, value, what)

    return validate


def optional_instance_of(field: str, kind: type[Any], what: str) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: None or an instance of ``kind``."""

    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            raise ValidationError(field, value, f"None or {what}")

    return validate


def iterable(value: Any, field: str, what: str) -> Iterable[Any]:
    """``value`` when it is a collection (not text), else a ValidationError naming ``field``."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(field, value, f"a collection of {what}")
    return value


def tuple_of(field: str, kind: type[Any], what: str) -> Callable[[Any], tuple[Any, ...]]:
    """A converter from an iterable to a tuple whose items are all ``kind``."""

    def convert(value: Any) -> tuple[Any, ...]:
        items = tuple(iterable(value, field, what))
        for i, item in enumerate(items):
            if not isinstance(item, kind):
                raise ValidationError(f"{field}[{i}]", item, what)
        return items

    return convert


def finite_decimal(value: object) -> Decimal | None:
    """``value`` as a finite Decimal (from a Decimal, an int or decimal text), else None.

    A bool is not a number here (``True`` EUR is a bug), nor is a float: its
    binary value is not the decimal that was typed.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except decimal.InvalidOperation:
            return None
        return parsed if parsed.is_finite() else None
    return None


def fraction(field: str, value: object, allowed: str) -> Decimal:
    """``value`` as a Decimal from 0 to 1 inclusive, else ValidationError(field, value, allowed)."""
    number = finite_decimal(value)
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise ValidationError(field, value, allowed)
    return number
