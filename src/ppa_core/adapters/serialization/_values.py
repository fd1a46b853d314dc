"""Hooks for single values: strings, numbers, decimals, currencies, datetimes, dates, enums.

Each structure hook accepts exactly the form :func:`~ppa_core.adapters.serialization.dump`
writes (and nothing a JSON parser would coerce: a float is never a whole number,
a number never a string) and raises :class:`Invalid` naming what it expected.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import functools
import itertools
import re
import reprlib
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

import cattrs
import pendulum

from ppa_core._validation import finite_decimal, iana_zones, to_zone
from ppa_core.domain.money import CURRENCIES, Currency
from ppa_core.exceptions import ValidationError


class Invalid(Exception):
    """Problems a hook found, each ``(path, message)`` relative to the value it was given."""

    def __init__(self, *problems: tuple[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


class Unserialisable(Exception):
    """An object with no document form (custom rules, a naive datetime ...)."""


MAX_PROBLEMS: Final = 100
"""The most problems one load reports: every item of a long list may be wrong, and each
problem costs time and memory to find and to print (a 1 MiB line of 500,000 wrong items
took a minute and 1.3 GB). The report then says more follow."""

MORE_PROBLEMS = f"more problems follow: at most {MAX_PROBLEMS} are reported"

# The problems a load may still find: set by load_data for the length of one load.
_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "ppa_core_problem_budget", default=None
)


class TooManyProblems(Exception):
    """The load found :data:`MAX_PROBLEMS` problems and stopped looking."""


def spend_problem() -> bool:
    """Count one more problem against the load's budget: False when it was already spent."""
    budget = _BUDGET.get()
    if budget is None:
        return True
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    return True


@contextlib.contextmanager
def problem_budget(limit: int = MAX_PROBLEMS) -> Iterator[None]:
    """Within the block, a load stops looking after ``limit`` problems."""
    token = _BUDGET.set([limit])
    try:
        yield
    finally:
        _BUDGET.reset(token)


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60


def shown(value: object) -> str:
    """A short repr of ``value`` as a document writes it (enum values, ISO dates)."""
    return _REPR.repr(_as_written(value))


def _as_written(value: object, level: int = 0) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        # Only what the repr shows: a few items, a few levels (a hostile list may hold
        # millions, or nest a hundred thousand deep).
        if level > _REPR.maxlevel:
            return value
        shown_items = itertools.islice(value, _REPR.maxlist + 1)
        return [_as_written(item, level + 1) for item in shown_items]
    return value


def expected(what: str, value: object) -> Invalid:
    """The problem "must be ``what`` (got ``value``)" at the value itself."""
    return Invalid(("", f"must be {what} (got {shown(value)})"))


def _structure_str(value: object, _: object) -> str:
    if isinstance(value, str):
        return value
    raise expected("a string", value)


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise expected("a whole number", value)


def _structure_bool(value: object, _: object) -> bool:
    if isinstance(value, bool):
        return value
    raise expected("true or false", value)


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise Unserialisable(f"{value} has no exact decimal form")
    text = str(value)
    # str() writes 1E+2 and 1E-7: plain digits read better and keep the value (and any
    # trailing zeros); an astronomically large exponent stays in short scientific form.
    if "E" in text and -30 <= value.adjusted() <= 30:
        text = format(value, "f")
    return text


def _structure_decimal(value: object, _: object) -> Decimal:
    if isinstance(value, str | int):
        parsed = finite_decimal(value)
        if parsed is not None:
            return parsed
    raise expected("an exact decimal written as a string, e.g. '350.00' (never a float)", value)


def _structure_currency(value: object, _: object) -> Currency:
    found = CURRENCIES.get(value) if isinstance(value, str) else None
    if found is None:
        raise expected("an ISO 4217 currency code such as 'EUR', 'USD' or 'JPY'", value)
    return found


def _currency_code(value: Currency) -> str:
    return value.code


def _zone_name(tz: dt.tzinfo | None) -> str | None:
    # pendulum's named zones are ZoneInfo subclasses; a fixed offset has no name to keep,
    # nor has a zone outside the IANA list (a system's "posix/UTC", "right/UTC"): the
    # loader would refuse its name, so only the offset (and the instant) is written.
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key in iana_zones():
        return str(tz.key)
    return None


def datetime_text(value: dt.datetime) -> str:
    """ISO 8601 with the UTC offset, then the IANA zone in brackets when it has one."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Unserialisable(f"the naive datetime {value} has no UTC offset")
    text = dt.datetime.isoformat(value)
    zone = _zone_name(value.tzinfo)
    return f"{text}[{zone}]" if zone else text


_ZONED = re.compile(r"(?P<at>[^\[\]]+?)(?:\[(?P<zone>[^\[\]]*)\])?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_FORM = (
    "an ISO 8601 datetime with its UTC offset, optionally followed by its IANA zone, "
    "e.g. '2026-03-02T10:00:00+01:00[Europe/Berlin]'"
)


def _structure_datetime(value: object, _: object) -> pendulum.DateTime:
    match = _ZONED.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise expected(_DATETIME_FORM, value)
    try:
        parsed = dt.datetime.fromisoformat(match["at"])
    except ValueError:
        raise expected(_DATETIME_FORM, value) from None
    offset = parsed.utcoffset()
    if offset is None:
        raise expected(f"{_DATETIME_FORM}; a naive datetime is refused", value)
    if offset % dt.timedelta(seconds=1):
        raise expected("a UTC offset in whole seconds", value)
    fields = (*parsed.timetuple()[:6], parsed.microsecond)
    zone = match["zone"]
    if zone is not None and not zone.strip():
        raise expected(f"{_DATETIME_FORM}; empty brackets name no zone", value)
    if zone is None:
        fixed = pendulum.FixedTimezone(int(offset.total_seconds()))
        return pendulum.DateTime(*fields, tzinfo=fixed)
    try:
        # Checked against the IANA list before anything is loaded: a name is never a path.
        tz = to_zone(zone, "zone")
    except ValidationError as exc:
        raise expected(exc.allowed, zone) from None
    # The wall time and the zone come back as written, and the offset picks the fold: a
    # local time repeated when the clocks go back keeps its side of the change.
    for fold in (0, 1):
        moment = pendulum.DateTime(*fields, tzinfo=tz, fold=fold)
        if moment.utcoffset() == offset:
            return moment
    raise expected(f"a UTC offset that {zone} has at that local time", value)


def _structure_date(value: object, _: object) -> pendulum.Date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return pendulum.Date(day.year, day.month, day.day)
    raise expected("an ISO 8601 date such as '2026-03-31'", value)


def _date_text(value: dt.date) -> str:
    return value.isoformat()


_DayOrMoment = pendulum.DateTime | pendulum.Date


def _day_or_moment_text(value: pendulum.DateTime | pendulum.Date) -> str:
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    return value.isoformat()


def _structure_day_or_moment(value: object, _: object) -> pendulum.DateTime | pendulum.Date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        return _structure_date(value, None)
    return _structure_datetime(value, None)


@functools.cache
def _members(cls: type[enum.Enum]) -> tuple[dict[tuple[type, object], enum.Enum], tuple[Any, ...]]:
    return {(type(m.value), m.value): m for m in cls}, tuple(m.value for m in cls)


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    members, allowed = _members(cls)
    try:
        member = members.get((type(value), value))
    except TypeError:  # unhashable: a list or a mapping
        member = None
    if member is None:
        raise expected(f"one of {allowed}", value)
    return member


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def register_values(converter: cattrs.Converter) -> None:
    """Register the value hooks on ``converter``."""
    structure_hooks: list[tuple[type[Any], Any]] = [
        (str, _structure_str),
        (int, _structure_int),
        (bool, _structure_bool),
        (Decimal, _structure_decimal),
        (Currency, _structure_currency),
        (pendulum.DateTime, _structure_datetime),
        (pendulum.Date, _structure_date),
        # StrEnum too: its MRO reaches str before Enum, so the str hook would take it.
        (enum.Enum, _structure_enum),
        (enum.StrEnum, _structure_enum),
    ]
    for tp, structure in structure_hooks:
        converter.register_structure_hook(tp, structure)
    unstructure_hooks: list[tuple[type[Any], Any]] = [
        (Decimal, _decimal_text),
        (Currency, _currency_code),
        (dt.datetime, datetime_text),
        (dt.date, _date_text),
        (enum.Enum, _enum_value),
        (enum.StrEnum, _enum_value),
    ]
    for tp, unstructure in unstructure_hooks:
        converter.register_unstructure_hook(tp, unstructure)
    converter.register_structure_hook(_DayOrMoment, _structure_day_or_moment)
    converter.register_unstructure_hook(_DayOrMoment, _day_or_moment_text)
