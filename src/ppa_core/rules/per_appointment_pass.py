"""The per-appointment pass: each appointment through the rules of its terms.

Each appointment, as known at ``as_of``, goes through the per-appointment rules
of the terms in force when it was booked (:class:`~ppa_core.rules.rule_set.RuleSet`:
the built-in rules, then the contract's ``extra_rules``, then the engine's), in
the order given. The pass also finds each appointment's local day and billing
period, and notes what the across-appointment pass reads of it.

A traced run renders each distinct trace line once (per ``trace_key``, or per
state outside a rule's ``applies_to``) and shares it between decisions; an
untraced run calls only the rules that can find something in each state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

import pendulum

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import day_start, start_of_day
from ppa_core.domain.contract import BillingPeriod, Contract
from ppa_core.domain.history import HistoryEntry
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.exceptions import RuleDefinitionError, ValidationError
from ppa_core.rules._item import _BILLABLE, _FAIL, _NOT, _Item
from ppa_core.rules.context import Rule, RuleContext
from ppa_core.rules.rule_set import _applies, _TermsInfo
from ppa_core.rules.verdict import Finding, ReasonCode, RuleOutcome, Verdict, rendered

__all__: list[str] = []


class _Shared:
    """One run's shared trace lines for one version of the terms (private, per run).

    A rule's verdict is a function of its ``trace_key`` (and, outside the states it
    ``applies_to``, of the state alone), so each distinct verdict is rendered once
    per run and every decision with the same facts holds the same object.
    """

    __slots__ = ("info", "memos", "templates")

    def __init__(self, info: _TermsInfo) -> None:
        self.info = info
        self.memos: list[dict[Hashable, tuple[Finding | None, Verdict]]] = [{} for _ in info.rules]
        self.templates: dict[AppointmentState, _Template] = {}

    def __len__(self) -> int:
        """The lines kept (for bounding a store of them)."""
        return sum(map(len, self.memos))

    def template(self, ctx: RuleContext) -> _Template:
        """The trace of ``ctx``'s state with the state-only lines filled in."""
        state = ctx.appointment.state
        lines: list[Verdict | None] = []
        live: list[_Live] = []
        for index, rule in enumerate(self.info.rules):
            if _applies(rule, state):
                lines.append(None)
                key_of = getattr(rule, "trace_key", None)
                live.append((index, rule, key_of, getattr(rule, "judge", None), self.memos[index]))
                continue
            finding = rule(ctx)
            if finding is not None and finding.outcome is not RuleOutcome.SKIP:
                raise RuleDefinitionError(
                    rule.rule_id,
                    f"its applies_to leaves out {state}, yet it found {finding.outcome} there",
                )
            lines.append(rendered(rule, ctx, finding))
        found = self.templates[state] = (lines, tuple(live))
        return found


_Live = tuple[int, Rule, Any, Any, dict[Hashable, tuple["Finding | None", Verdict]]]
_Template = tuple[list[Verdict | None], tuple[_Live, ...]]


_Day = tuple[pendulum.DateTime, pendulum.DateTime, pendulum.Date, BillingPeriod, float, bool]
"""A local day: its first instant and the next day's, its date, its billing period, its
first instant as a POSIX time, and whether it is 24 hours of one UTC offset."""


Calendar = tuple[
    dict[int | tuple[int, int], tuple[_Day, ...]],
    dict[pendulum.DateTime, BillingPeriod],
    dict[int, object],
]
"""A contract's local days around each calendar day of a start (keyed as in
``_evaluate``), its billing periods by start (one object per period), and the other
zones those keys name by identity, kept alive so that no other zone takes their id."""

CALENDAR_LIMIT = 4096
"""Calendar days an engine keeps before it starts a fresh calendar (bounds memory)."""

Lines = dict[int, _Shared]
"""An engine's trace lines kept between runs, by the id of the terms' info (built-in
rules only: their trace keys hold every fact a line depends on, the moment included)."""

LINES_LIMIT = 65536
"""Trace lines an engine keeps between runs before it starts afresh (bounds memory)."""


def new_calendar() -> Calendar:
    """An empty calendar."""
    return {}, {}, {}


def _evaluate(  # noqa: PLR0915 - one hot loop: a helper call per appointment costs more
    contract: Contract,
    infos: dict[int, _TermsInfo],
    numbered: Iterable[tuple[int, Appointment]],
    moment: pendulum.DateTime,
    trace: bool,
    *,
    calendar: Calendar | None = None,
    lines: Lines | None = None,
) -> tuple[list[_Item], list[tuple[float, str]], list[bool]]:
    """Check, take as of ``moment`` and run the per-appointment rules, in the order given.

    ``infos``: what the engine derived from each version of ``contract``'s terms, by
    the terms' id. ``numbered``: each appointment with its position in the caller's
    input (for errors). ``calendar``: the engine's days and periods, kept between
    runs (None: a fresh one for this run). ``lines``: the engine's trace lines of
    built-in rules, kept between runs (None: this run's only).

    Returns:
        The work items, and for each its meeting order and whether it is still
        billable: gathered while each item is at hand, since at a million items a
        second pass to read them misses the cache on every one.
    """
    terms_at = contract.terms_at
    # One conversion to UTC up front: appointments compare instants in UTC.
    utc = moment.astimezone(dt.UTC)
    ids: set[str] = set()
    items: list[_Item] = []
    orders: list[tuple[float, str]] = []
    billable: list[bool] = []
    shares: dict[int, _Shared] = {}
    shared: _Shared | None = None
    # Keyed by calendar day of the start in its zone (the zone's id when it is not
    # the contract's: hashing a pendulum zone runs Python code).
    days, periods, zones = new_calendar() if calendar is None else calendar
    tz = contract.tzinfo
    # Without amendments every appointment has the same terms: skip the look-up.
    only = infos[id(contract.terms)] if not contract.amendments else None
    for i, given in numbered:
        if not isinstance(given, Appointment):
            raise ValidationError(f"appointments[{i}]", given, "an Appointment")
        appointment_id = given.id
        if appointment_id in ids:
            raise ValidationError(f"appointments[{i}].id", appointment_id, "unique")
        ids.add(appointment_id)
        # _as_of_utc's common case inline (its whole history known, no dispute): utc is
        # checked and in UTC already.
        facts = given._facts
        if facts.last_utc <= utc and facts.first_utc <= utc and not given.disputes:
            appointment = given
        else:
            known = given._as_of_utc(utc)
            if known is None:
                continue
            appointment, facts = known, known._facts
        info = only or infos[id(terms_at(appointment.booked_at))]
        late: tuple[HistoryEntry, ...] = ()
        if facts.corrected:  # a correction after the window does not count
            window = info.terms.policy.correction_window_days
            appointment, late = appointment.within_correction_window(window)
        if trace and (shared is None or shared.info is not info):
            shared = shares.get(id(info))
            if shared is None:
                kept = lines if lines is not None and info.builtin_only else {}
                shared = kept.get(id(info))
                if shared is None:
                    shared = kept[id(info)] = _Shared(info)
                shares[id(info)] = shared
        # The local day and billing period through a cache of the contract's days
        # around each calendar day of the start: converting every start is slow.
        start = appointment.start
        zone = start.tzinfo
        wall = start.toordinal() if zone is tz else (start.toordinal(), id(zone))
        around = days.get(wall)
        if around is None:
            around = days[wall] = _days_around(contract, start, periods)
            if zone is not tz:
                zones[id(zone)] = zone
        for first, after, day, period, first_at, steady in around:  # noqa: B007 - finds it
            if first <= start < after:
                break
        else:  # pragma: no cover - the days around a calendar day cover all of it
            raise AssertionError(f"no local day holds {start}")
        # The start as a POSIX time, for sorting by instant: on a steady day, from
        # the wall clock since midnight (timestamp() and pendulum's subtraction
        # run Python code).
        when = (
            first_at
            + (start.hour * 3600 + start.minute * 60 + start.second)
            + start.microsecond / 1e6
            if steady and zone is tz
            else start.timestamp()
        )
        item = _Item(appointment, info, contract, moment, day, period, late, (when, appointment_id))
        try:  # free unless raised (Python 3.11+)
            if shared is not None:
                _trace(item, shared)
            else:
                fused = info.fused
                if fused is not None:
                    fused(item)
                if info.others:
                    for rule in info.by_state[appointment.state]:
                        finding = rule(item)
                        if finding is not None:
                            item.add(finding)
        except RuleDefinitionError:
            raise  # names its rule already
        except Exception as error:  # a library error too: Money / 2 inside a custom rule
            culprit = _broken_rule(info, item)
            if culprit is None:
                raise
            raise culprit from error
        if info.may_lack_price and item.status is not _NOT:
            _check_price(item)
        still = item.status is _BILLABLE
        if still:
            # What the rules across appointments read of the prospect, taken while
            # it is at hand: they visit appointments in meeting order, not in
            # memory order.
            prospect = appointment.prospect
            item.seniority = prospect.seniority
            item.who = prospect.id if info.by_person else prospect.company.key
        items.append(item)
        orders.append(item.order)
        billable.append(still)
    return items, orders, billable


def _days_around(
    contract: Contract,
    start: pendulum.DateTime,
    periods: dict[pendulum.DateTime, BillingPeriod],
) -> tuple[_Day, ...]:
    """The contract's local days overlapping the calendar day of ``start`` in its zone.

    Each with its first instant and the next day's, its date, its billing period (one
    object per period: the across-appointment pass tells periods apart by identity), its
    first instant as a POSIX time, and whether the day is steady (24 hours of one UTC offset).
    """
    tz = contract.tzinfo
    if start.tzinfo is tz:
        first_day = last_day = start.toordinal()
    else:  # the day in another zone overlaps one or two (three around DST) local days
        zone = start.tzinfo or dt.UTC
        own = start_of_day(start, zone)
        first_day = contract.local(own).toordinal()
        # The next calendar day's start: adding 24 hours falls short on a 25-hour day.
        following = pendulum.Date.fromordinal(start.toordinal() + 1)
        last_day = contract.local(start_of_day(following, zone)).toordinal()
    found: list[_Day] = []
    first, first_at, offset = day_start(first_day, tz)
    for ordinal in range(first_day, last_day + 1):
        after, after_at, after_offset = day_start(ordinal + 1, tz)
        steady = after_at - first_at == 86400 and offset == after_offset
        day = pendulum.Date(first.year, first.month, first.day)  # a day begins on its date
        found.append((first, after, day, _period(contract, first, periods), first_at, steady))
        first, first_at, offset = after, after_at, after_offset
    return tuple(found)


def _period(
    contract: Contract,
    moment: pendulum.DateTime,
    periods: dict[pendulum.DateTime, BillingPeriod],
) -> BillingPeriod:
    """The period holding ``moment``, one object per period within a run."""
    for period in tuple(periods.values()):  # a copy: another thread may add one
        if period.start <= moment < period.end:
            return period
    period = contract.period_containing(moment)
    return periods.setdefault(period.start, period)  # the first made, if two threads raced


def _check_price(item: _Item) -> None:
    pricing = item.info.per_appointment
    if pricing is None:
        return
    price = pricing.unit_price(item.appointment.prospect.seniority, 1, 1)
    if price is None:
        item.price_note = (
            f"no price for seniority {item.appointment.prospect.seniority or 'unknown'} "
            "and no default price"
        )
        item.add(Finding(_FAIL, ReasonCode.NO_PRICE, item.price_note))


def _explain(rule: Rule, ctx: RuleContext, finding: Finding | None) -> Verdict:
    """The trace line of ``rule``: outcome and code now, words when first read."""
    if finding is None:
        return Verdict.deferred(RuleOutcome.PASS, None, (rule, ctx, None))
    return Verdict.deferred(finding.outcome, finding.code, (rule, ctx, finding))


def _trace(item: _Item, shared: _Shared) -> None:
    """Run every rule on ``item`` and keep its trace, sharing lines with equal facts."""
    state = item.appointment.state
    template = shared.templates.get(state)
    if template is None:
        template = shared.template(item)
    verdicts = template[0].copy()
    for index, rule, key_of, judge, memo in template[1]:
        key = None if key_of is None else key_of(item)
        if key is None:
            if judge is not None:
                finding, verdicts[index] = judge(item)
            else:
                finding = rule(item)
                verdicts[index] = _explain(rule, item, finding)
        else:
            try:
                hit = memo.get(key)
            except TypeError:
                raise RuleDefinitionError(
                    rule.rule_id, f"trace_key() returned {key!r}, which is not hashable"
                ) from None
            if hit is None:
                if judge is not None:
                    hit = memo[key] = judge(item)
                else:
                    finding = rule(item)
                    hit = memo[key] = (finding, rendered(rule, item, finding))
            finding, verdicts[index] = hit
        if finding is not None:
            item.add(finding)
    item.verdicts = verdicts  # type: ignore[assignment] # every rule's place is filled now


def _broken_rule(info: _TermsInfo, item: _Item) -> RuleDefinitionError | None:
    """The rule that raised or returned something other than a Finding on ``item``, if any.

    Only called once a rule went wrong: rules are pure, so running them again on the
    same context finds which one it was without slowing the loop that failed.
    """
    appointment_id = item.appointment.id
    for rule in info.rules:
        name = "__call__"
        try:
            finding: object = rule(item)  # custom rules are not always typed
            if finding is not None and not isinstance(finding, Finding):
                return RuleDefinitionError(
                    rule.rule_id,
                    f"returned {finding!r} for appointment {appointment_id!r}; "
                    "a rule returns a Finding or None",
                )
            for name in ("trace_key", "judge", "explain"):
                method = getattr(rule, name, None)
                if method is not None:
                    method(item, finding) if name == "explain" else method(item)
        except RuleDefinitionError:
            continue
        # Whatever a rule raises is its own failure, reported with its id.
        except Exception as error:
            return RuleDefinitionError(
                rule.rule_id,
                f"{name}() raised {type(error).__name__}: {error} "
                f"on appointment {appointment_id!r}",
            )
    return None
