"""Billing periods: half-open intervals in the contract's timezone that tile time.

A period starts at the first instant of its anchor day (midnight, or the first
instant after a midnight that daylight saving skips) and ends where the next
one starts, so consecutive periods never overlap or leave a gap.

>>> rule = BillingPeriodRule()  # calendar months
>>> rule.period_containing(pendulum.datetime(2026, 3, 31, 22, 30, tz="UTC"), "Europe/Berlin").label
'2026-04'
>>> weekly = BillingPeriodRule(kind="weekly", anchor_day=0)  # Monday to Monday
>>> weekly.period_containing(pendulum.datetime(2026, 3, 4, tz="UTC"), "UTC").label
'2026-03-02..2026-03-09'
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pendulum
from dateutil.relativedelta import relativedelta

from ppa_core import _validation as v
from ppa_core.exceptions import ValidationError

__all__ = ["BillingPeriod", "BillingPeriodRule", "PeriodKind", "day_start", "start_of_day"]


class PeriodKind(enum.StrEnum):
    """How billing periods recur."""

    MONTHLY = "monthly"
    WEEKLY = "weekly"


def _period_start(value: Any) -> pendulum.DateTime:
    return v.to_datetime(value, "period.start", v.CALENDAR)


def _period_end(value: Any) -> pendulum.DateTime:
    return v.to_datetime(value, "period.end", v.CALENDAR)


def _after_start(instance: BillingPeriod, _attribute: Any, value: pendulum.DateTime) -> None:
    if not value > instance.start:
        raise ValidationError("period.end", value, f"an instant after the start {instance.start}")


@attrs.frozen
class BillingPeriod:
    """A half-open interval ``[start, end)`` in the contract's timezone.

    Raises:
        NaiveDatetime: ``start`` or ``end`` without a timezone.
        ValidationError: ``end`` not after ``start``.
    """

    start: pendulum.DateTime = attrs.field(converter=_period_start)
    end: pendulum.DateTime = attrs.field(converter=_period_end, validator=_after_start)

    def __contains__(self, moment: object) -> bool:
        if not isinstance(moment, dt.datetime):
            return False
        # A naive datetime is refused rather than silently reported outside.
        return self.start <= v.to_datetime(moment, "moment", v.CALENDAR) < self.end

    @property
    def label(self) -> str:
        """A short human label: ``2026-03`` for a calendar month, else ``start..end``."""
        s, e = self.start, self.end
        # Compare with the day's first instant, not 00:00: midnight may be skipped (DST).
        day, tz = s.date(), s.tzinfo
        if (
            day.day == 1
            and tz is not None
            and s == start_of_day(day, tz)
            and e == start_of_day(day.add(months=1), tz)
        ):
            return s.format("YYYY-MM")
        return f"{s.to_date_string()}..{e.to_date_string()}"


def _anchor(instance: BillingPeriodRule, _attribute: Any, value: Any) -> None:
    if instance.kind is PeriodKind.MONTHLY:
        v.check_int("billing_period.anchor_day", value, minimum=1, maximum=31)
    else:
        v.check_int("billing_period.anchor_day", value, minimum=0, maximum=6)


def _to_billing_period_kind(value: Any) -> PeriodKind:
    return v.enum_converter(PeriodKind, "billing_period.kind")(value)


@attrs.frozen
class BillingPeriodRule:
    """When billing periods start.

    Attributes:
        kind: monthly (default) or weekly.
        anchor_day: monthly: the day of the month a period starts (1-31, default 1;
            a day a month lacks falls on its last day). Weekly: the weekday a period
            starts, 0 = Monday (default) to 6 = Sunday.
    """

    kind: PeriodKind = attrs.field(default=PeriodKind.MONTHLY, converter=_to_billing_period_kind)
    anchor_day: int = attrs.field(validator=_anchor)

    @anchor_day.default
    def _default_anchor(self) -> int:
        return 1 if self.kind is PeriodKind.MONTHLY else 0

    def period_containing(self, moment: pendulum.DateTime, tz: str) -> BillingPeriod:
        """The period that contains ``moment``, read in timezone ``tz``.

        Raises:
            ValidationError: ``tz`` is not an IANA zone name, or ``moment`` is naive or
                outside the years the calendar reads (a year beyond the supported ones).
        """
        zone = v.to_zone(tz, "tz")
        local = v.to_datetime(moment, "moment", v.CALENDAR).in_timezone(zone)
        day = local.date()
        if self.kind is PeriodKind.WEEKLY:
            back = (day.weekday() - self.anchor_day) % 7
            first = day - relativedelta(days=back)
            start_day, end_day = first, first + relativedelta(weeks=1)
        else:
            start_day = self._month_anchor(day, 0)
            if start_day > day:
                start_day = self._month_anchor(day, -1)
            end_day = self._month_anchor(start_day, 1)
        return BillingPeriod(start_of_day(start_day, zone), start_of_day(end_day, zone))

    def _month_anchor(self, day: pendulum.Date, months: int) -> pendulum.Date:
        # relativedelta clamps day=31 to the month's last day (30 April, 28 February).
        moved = day + relativedelta(months=months, day=self.anchor_day)
        return pendulum.Date(moved.year, moved.month, moved.day)

    def periods(
        self, start: pendulum.DateTime, end: pendulum.DateTime, tz: str
    ) -> tuple[BillingPeriod, ...]:
        """The periods overlapping ``[start, end)``, in order, tiling time without gaps."""
        start = v.to_datetime(start, "start", v.CALENDAR)
        end = v.to_datetime(end, "end", v.CALENDAR)
        v.zone_name(tz, "tz")
        if end <= start:
            return ()
        found = [self.period_containing(start, tz)]
        while found[-1].end < end:
            found.append(self.period_containing(found[-1].end, tz))
        return tuple(found)


def start_of_day(day: Any, tz: str | dt.tzinfo) -> pendulum.DateTime:
    """The first instant of ``day`` in ``tz``.

    Midnight may occur twice when DST ends at 01:00 (America/Havana): the day starts
    at the first one (fold=0). It may not exist when DST starts at 00:00
    (America/Santiago): fold=0 then lands on the previous day, and pendulum's
    default (fold=1) moves it forward to the first instant after the gap.

    Raises:
        ValidationError: ``tz`` is a name not in the IANA database.
    """
    if isinstance(tz, str):
        tz = v.to_zone(tz, "tz")
    year, month, date = day.year, day.month, day.day
    if type(tz) is _ZONE and _steady_midnight(dt.date(year, month, date), tz) is not None:
        return _DateTime(year, month, date, 0, 0, 0, 0, tz)
    first = pendulum.datetime(year, month, date, tz=tz, fold=0)
    if first.day == date:
        return first
    return pendulum.datetime(year, month, date, tz=tz)


def _steady_midnight(day: dt.date, tz: dt.tzinfo) -> dt.timedelta | None:
    """The UTC offset at midnight of ``day`` when that midnight exists once, else None.

    Both folds then read the same offset, and the wall time is the instant: built
    directly, in a fifth of the time of pendulum.datetime (which converts through
    Python code). Positional arguments only: a keyword makes datetime's C
    constructors look up every parameter by name.
    """
    offset = tz.utcoffset(_combine(day, _MIDNIGHT))
    return offset if offset == tz.utcoffset(_combine(day, _SECOND_MIDNIGHT)) else None


# Only pendulum's own zones take the direct path: pendulum.datetime keeps them as
# given, where it would swap a plain tzinfo for one of its own.
_ZONE = pendulum.Timezone
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_MIDNIGHT, _SECOND_MIDNIGHT = dt.time(0), dt.time(0, fold=1)
_combine = dt.datetime.combine
_DateTime = pendulum.DateTime


def day_start(ordinal: int, tz: dt.tzinfo) -> tuple[pendulum.DateTime, float, dt.timedelta | None]:
    """The first instant of the local day ``ordinal`` (proleptic Gregorian) in ``tz``.

    As :func:`start_of_day`, with the instant as a POSIX time and its UTC offset: a
    midnight that exists once is read from plain datetimes (reading a pendulum
    DateTime's offset or timestamp goes through its Python attributes, ten times slower).
    """
    day = dt.date.fromordinal(ordinal)
    offset = _steady_midnight(day, tz) if type(tz) is _ZONE else None
    if offset is not None:
        first = _DateTime(day.year, day.month, day.day, 0, 0, 0, 0, tz)
        return first, (ordinal - _EPOCH_DAY) * 86400 - offset.total_seconds(), offset
    first = start_of_day(day, tz)
    return first, first.timestamp(), first.utcoffset()
