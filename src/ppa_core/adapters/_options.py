"""Values of command-line options: moments (``--as-of``) and billing periods (``--period``).

A moment is ISO 8601, optionally followed by an RFC 9557 zone in brackets
(``2026-04-10T09:00:00+02:00[Europe/Berlin]``); the zone is checked against the IANA
list before it is loaded, and the year against the supported ones before any zone
arithmetic (docs/limits.md, "Time zones and dates").
"""

from __future__ import annotations

import datetime as dt
import re

import pendulum

from ppa_core import _validation as v
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.contract import Contract
from ppa_core.exceptions import ValidationError

__all__ = ["BadOption", "moment", "period"]

_BRACKETED = re.compile(r"(?P<at>[^\[\]]*)\[(?P<zone>[^\[\]]*)\]")
"""RFC 9557's suffix: ``2026-04-10T09:00:00+02:00[Europe/Berlin]``, one zone, nothing after."""

_WHEN = "an ISO 8601 date or datetime such as 2026-04-10T09:00:00+02:00"


def _quoted(text: str) -> str:
    """``text`` quoted, cut to its start and end when long (the message stays one line)."""
    if len(text) > 80:
        return f"{text[:60]!r}...{text[-12:]!r} ({len(text)} characters)"
    return repr(text)


class BadOption(Exception):
    """A command-line value that cannot be used; its message is the line to print.

    Attributes:
        option: the option (``--as-of``).
        allowed: what it must be.
        given: the text given.
    """

    def __init__(self, option: str, allowed: str, given: str) -> None:
        self.option = option
        self.allowed = allowed
        self.given = given
        super().__init__(f"{option}: must be {allowed} (got {_quoted(given)})")


def _bad(option: str, allowed: str, text: str) -> BadOption:
    return BadOption(option, allowed, text)


def _zone(name: str, option: str, text: str) -> pendulum.Timezone:
    """The zone in an RFC 9557 bracket, checked against the IANA list before it is loaded."""
    if not name.strip():
        raise _bad(option, f"{_WHEN}; empty brackets name no zone, leave them out", text)
    try:
        # RFC 9557's "!" (critical) changes nothing here: a bad or inconsistent zone is an
        # error either way.
        return v.to_zone(name.removeprefix("!"), option)
    except ValidationError as exc:
        allowed = f"a date or datetime whose zone in brackets is {exc.allowed}"
        raise _bad(option, allowed, text) from None


def _parse(text: str, contract: Contract, option: str) -> pendulum.DateTime:
    """An ISO 8601 datetime, optionally with an RFC 9557 zone in brackets.

    Without an offset (or a bare date: midnight) it is read in the bracketed zone, else
    in the contract's timezone; with an offset and a zone, the offset must be the
    zone's at that moment. The year is checked before any zone arithmetic, so a moment
    near datetime's limits (9999-12-31T23:59:59-14:00) is refused, never overflowed.
    """
    value = text.strip()
    zone: pendulum.Timezone | None = None
    if "[" in value or "]" in value:
        match = _BRACKETED.fullmatch(value)
        if match is None:
            raise _bad(option, f"{_WHEN}, optionally followed by one zone in brackets", text)
        value = match["at"]
        zone = _zone(match["zone"], option, text)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _bad(option, _WHEN, text) from None
    # A year of margin: the exact instant is checked by the caller, once it is aware.
    if not v.MIN_YEAR - 1 <= parsed.year <= v.MAX_YEAR + 1:
        raise _bad(option, v.SUPPORTED.allowed, text)
    if parsed.tzinfo is None:
        return pendulum.instance(parsed, tz=zone or contract.tzinfo)
    instant = pendulum.instance(parsed)
    if zone is None:
        return instant
    zoned = instant.in_timezone(zone)
    if zoned.utcoffset() != instant.utcoffset():
        raise _bad(option, f"a UTC offset that {zone.name} has at that moment", text)
    return zoned


def moment(text: str, contract: Contract, option: str) -> pendulum.DateTime:
    """The moment ``text`` names (see :func:`_parse`), in the supported years.

    Raises:
        BadOption: not a date or datetime, a bad zone, or outside the years (docs/limits.md).
    """
    when = _parse(text, contract, option)
    try:
        return v.to_datetime(when, option)
    except ValidationError as exc:
        raise _bad(option, exc.allowed, text) from None


def period(text: str, contract: Contract) -> BillingPeriod:
    """The billing period a month (``2026-03``: the one holding its first day) or date falls in.

    The month (or date) must be in the supported years; the period it names may end in
    the next one (December 9000's ends on 1 January 9001).

    Raises:
        BadOption: not a month or date, or outside the supported years.
    """
    value = text.strip()
    if len(value) == 7 and value[4] == "-":
        value += "-01"
    year = int(value[:4]) if value[:4].isdigit() and value[:4].isascii() else None
    if year is not None and not v.MIN_YEAR <= year <= v.MAX_YEAR:
        allowed = f"a month from {v.MIN_YEAR}-01 to {v.MAX_YEAR}-12, or a date in it"
        raise _bad("--period", allowed, text)
    try:
        when = _parse(value, contract, "--period")
    except BadOption:
        raise _bad("--period", "a month such as 2026-03, or a date in it", text) from None
    # Noon, not midnight: a date names a day, whatever daylight saving does to its start.
    if len(value) == 10:
        when = when.set(hour=12)
    return contract.period_containing(when)
