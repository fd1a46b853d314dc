"""Converters and validators shared by the domain objects (private).

Each one raises :class:`ValidationError` naming the field, what was given and
what is allowed, so bad input never escapes as a bare ``TypeError``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import re
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pendulum

from ppa_core.exceptions import NaiveDatetime, ValidationError

E = TypeVar("E", bound=enum.Enum)

# -- the supported years ----------------------------------------------------------------------

MIN_YEAR = 1900
"""The first year of a date or moment the library accepts (docs/limits.md)."""

MAX_YEAR = 9000
"""The last year accepted: the ~1000 years to datetime's 9999 hold every window and period
the library adds to an accepted date (windows are capped at :data:`MAX_WINDOW_DAYS`)."""

MAX_WINDOW_DAYS = 36_600
"""The longest window (correction, dispute, reschedule, notice ...) a contract may set:
100 years, far inside the headroom above :data:`MAX_YEAR`, so no date arithmetic overflows."""


@attrs.frozen
class Years:
    """A half-open span of instants ``[low, high)`` in UTC, with its description."""

    low: dt.datetime
    high: dt.datetime
    allowed: str


SUPPORTED = Years(
    dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC),
    dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=dt.UTC),
    f"a moment in the years {MIN_YEAR} to {MAX_YEAR} (UTC)",
)
"""What facts and ``as_of`` arguments may be: the documented range."""

CALENDAR = Years(
    dt.datetime(MIN_YEAR - 1, 1, 1, tzinfo=dt.UTC),
    dt.datetime(MAX_YEAR + 2, 1, 1, tzinfo=dt.UTC),
    f"a moment in the years {MIN_YEAR - 1} to {MAX_YEAR + 1} (UTC)",
)
"""What the calendar helpers (billing periods, terms_at) accept: a year more on each side,
so the ends of periods and windows around accepted dates (the midnight after a term ending
on 31 December 9000) are moments they can still read."""


def check_moment(
    moment: dt.datetime, field: str, years: Years = SUPPORTED, given: Any = None
) -> None:
    """Raise ValidationError naming ``field`` unless the aware ``moment`` lies in ``years``.

    Aware datetimes compare as instants without converting either side, so even
    9999-12-31T23:59:59-14:00 (past datetime's maximum in UTC) is refused, not overflowed.
    The error reports ``given`` (the text it was parsed from) when there is one.
    """
    # A wall-clock year strictly inside the span settles it (offsets are under a day):
    # comparing instants costs two zone lookups, and this runs for every fact.
    if years.low.year < moment.year < years.high.year - 1:
        return
    if not years.low <= moment < years.high:
        raise ValidationError(field, moment if given is None else given, years.allowed)


def check_day(day: dt.date, field: str, given: Any = None) -> None:
    """Raise ValidationError naming ``field`` unless ``day`` is in the supported years."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        shown = day if given is None else given
        raise ValidationError(field, shown, f"a date in the years {MIN_YEAR} to {MAX_YEAR}")


# -- time zones -------------------------------------------------------------------------------

ZONE_ALLOWED = "an IANA timezone name such as 'Europe/Berlin'"


@functools.cache
def iana_zones() -> frozenset[str]:
    """Every zone name of the IANA database installed (computed once).

    ``zoneinfo.available_timezones()`` lists the system's database and the ``tzdata``
    package (https://docs.python.org/3/library/zoneinfo.html). Left out: ``localtime``
    and ``posixrules``, files some systems keep beside the zones that name the machine's
    own setting, not a zone, so a contract would bill differently on another machine.
    """
    return frozenset(zoneinfo.available_timezones() - {"localtime", "posixrules"})


def zone_name(value: Any, field: str) -> str:
    """``value`` when it is a zone name of the IANA database, else ValidationError.

    The name is looked up in :func:`iana_zones` before any zone is loaded, so
    ``"Europe"`` (a folder), ``"../../etc/passwd"`` or a 300-character name never
    reaches the file system.
    """
    if isinstance(value, str) and value in iana_zones():
        return value
    allowed = ZONE_ALLOWED
    if isinstance(value, str) and len(value) <= 64:  # a bounded search: names are short
        folded = value.strip().casefold()
        near = sorted(z for z in iana_zones() if z.casefold() == folded)
        if near:
            allowed += f"; names are case-sensitive: {near[0]!r}"
    raise ValidationError(field, value, allowed)


def to_zone(value: Any, field: str) -> pendulum.Timezone:
    """The pendulum zone named by ``value`` (checked by :func:`zone_name` first)."""
    name = zone_name(value, field)
    try:
        return pendulum.timezone(name)
    except (ValueError, OSError):  # a name listed but unreadable: a broken installation
        raise ValidationError(field, value, f"{ZONE_ALLOWED} (its data did not load)") from None


def aware(field: str) -> Callable[[Any], pendulum.DateTime]:
    """A converter to a timezone-aware pendulum DateTime in the supported years.

    Naive datetimes are refused (:class:`NaiveDatetime`), and so are moments outside
    :data:`SUPPORTED`.
    """

    def convert(value: Any) -> pendulum.DateTime:
        return to_datetime(value, field)

    return convert


def to_datetime(value: Any, field: str, years: Years = SUPPORTED) -> pendulum.DateTime:
    """Convert an aware datetime or ISO 8601 string with offset to a pendulum DateTime.

    Args:
        value: the value given.
        field: its name, for the error.
        years: the span of instants allowed (default :data:`SUPPORTED`, the documented
            years; :data:`CALENDAR` for the calendar helpers).

    Raises:
        NaiveDatetime: a datetime without a UTC offset.
        ValidationError: not a datetime, or a moment outside ``years``.
    """
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise NaiveDatetime(field, value)
        check_moment(value, field, years)
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetime(field, value)
        check_moment(value, field, years)
        return pendulum.instance(value)
    if isinstance(value, str):
        try:
            parsed = pendulum.parse(value, exact=True, tz=None)  # no offset stays naive
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            parsed = None
        if isinstance(parsed, pendulum.DateTime) and parsed.tzinfo is not None:
            check_moment(parsed, field, years, given=value)
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
    """Convert a date or ISO 8601 date string to a pendulum Date in the supported years.

    Raises:
        ValidationError: a datetime, not a date, or a year outside ``MIN_YEAR..MAX_YEAR``.
    """
    if isinstance(value, dt.datetime):
        raise ValidationError(field, value, "a calendar date, not a datetime")
    if isinstance(value, pendulum.Date):
        check_day(value, field)
        return value
    if isinstance(value, dt.date):
        check_day(value, field)
        return pendulum.Date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(field, value, "an ISO 8601 date, e.g. '2026-03-31'") from None
        check_day(parsed, field, given=value)
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


# What ppa_core reads as a decimal number: ASCII digits, one optional sign, one optional
# point, an optional exponent. Python's Decimal() also takes surrounding spaces,
# underscores ("1_000") and any Unicode digit (Arabic-Indic or fullwidth); in a billing
# document those are typos or tricks, so they are refused rather than guessed at.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

DECIMAL_TEXT = (
    "ASCII digits with one optional sign, one optional decimal point and an optional "
    "exponent, e.g. '350.00', '-0.067' or '1.5E+3' (no spaces, underscores or other digits)"
)
"""What :func:`is_decimal_text` accepts, in words for error messages."""

# Parsing needs a context only for its traps; this one is ours, so a caller's changed
# global context (say, InvalidOperation untrapped) cannot turn bad text into NaN.
_PARSING = decimal.Context(
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
)


def is_decimal_text(value: str) -> bool:
    """True when ``value`` is written as :data:`DECIMAL_TEXT` says (nothing else)."""
    return _DECIMAL_TEXT.fullmatch(value) is not None


def parse_decimal(value: str) -> Decimal | None:
    """``value`` as a Decimal when it is :data:`DECIMAL_TEXT`, else None.

    The exponent is not bounded here (``"1e999999"`` parses, cheaply): callers that
    compute with the number bound it. An exponent beyond what Decimal itself can hold
    (more than about 10**18) gives None.
    """
    if not is_decimal_text(value):
        return None
    try:
        return Decimal(value, _PARSING)
    except decimal.DecimalException:
        return None


def finite_decimal(value: object) -> Decimal | None:
    """``value`` as a finite Decimal (from a Decimal, an int or decimal text), else None.

    A bool is not a number here (``True`` EUR is a bug), nor is a float: its
    binary value is not the decimal that was typed. Text must be
    :data:`DECIMAL_TEXT`: no surrounding spaces, underscores or non-ASCII digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_decimal(value)
    return None


def fraction(field: str, value: object, allowed: str) -> Decimal:
    """``value`` as a Decimal from 0 to 1 inclusive, else ValidationError(field, value, allowed)."""
    number = finite_decimal(value)
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise ValidationError(field, value, allowed)
    return number
