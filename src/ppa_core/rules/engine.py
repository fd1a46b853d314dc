"""The billing engine: decide every appointment of a contract, explainably.

Deciding runs in two stages. First each appointment, as known at ``as_of``,
goes through the per-appointment rules of the terms in force when it was
booked (:mod:`ppa_core.rules.builtin`, then the contract's ``extra_rules``,
then the engine's ``extra_rules``), in the order given. Then, in order of
meeting start as an instant (ties by id), the rules that look across
appointments: ``duplicate`` (a prospect is billed once), ``cap`` (at most N
billable per billing period) and ``price`` (unit price by seniority or volume
tier, times any fraction a rule charged, rounded once to the minor unit).

Decisions do not depend on the order appointments are given in, and the
trace is only built when asked for (``trace=True``). Both paths run the very
same rule objects, so the trace always matches the decision; a traced run
renders each distinct line once (per ``trace_key``, or per state outside a
rule's ``applies_to``) and shares it between decisions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import types
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

import attrs
import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import start_of_day
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms, DuplicateScope
from ppa_core.domain.history import HistoryEntry
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.pricing import Hybrid, PerAppointment, TierMode
from ppa_core.domain.prospect import Seniority
from ppa_core.exceptions import RuleDefinitionError, ValidationError
from ppa_core.rules.builtin import _CLOCK_SLACK, builtin_rules
from ppa_core.rules.context import Rule, RuleContext
from ppa_core.rules.verdict import (
    Decision,
    DecisionStatus,
    Finding,
    ReasonCode,
    RuleOutcome,
    Verdict,
    rendered,
)

__all__ = ["BillingEngine", "RuleSet", "decide", "decide_all"]

_FAIL, _PENDING, _CHARGE = RuleOutcome.FAIL, RuleOutcome.PENDING, RuleOutcome.CHARGE
_BILLABLE, _NOT, _WAIT = (
    DecisionStatus.BILLABLE,
    DecisionStatus.NOT_BILLABLE,
    DecisionStatus.PENDING,
)
_NONE: tuple[str, ...] = ()


@attrs.frozen
class RuleSet:
    """The per-appointment rules for one version of a contract's terms, in order."""

    rules: tuple[Rule, ...]

    @classmethod
    def build(cls, contract: Contract, terms: ContractTerms, extra: Iterable[Any] = ()) -> RuleSet:
        """Configure the built-in rules from ``terms`` and append the custom ones.

        Raises:
            RuleDefinitionError: a rule without a string ``rule_id``, not callable, or
                whose id is already taken.
        """
        rules: list[Rule] = []
        seen: set[str] = set()
        reserved = {"duplicate", "cap", "price"}
        for rule in (*builtin_rules(contract, terms), *terms.extra_rules, *extra):
            rule_id = getattr(rule, "rule_id", None)
            if not isinstance(rule_id, str) or not rule_id or not callable(rule):
                raise RuleDefinitionError(repr(rule), "a rule is a callable with a str rule_id")
            if rule_id in seen or rule_id in reserved:
                raise RuleDefinitionError(rule_id, "another rule already has this rule_id")
            seen.add(rule_id)
            rules.append(rule)
        return cls(tuple(rules))


@attrs.frozen
class _TermsInfo:
    """What the engine derives once per version of the terms."""

    terms: ContractTerms
    rules: tuple[Rule, ...]
    per_appointment: PerAppointment | None
    terms_from: pendulum.DateTime | None
    # True when some seniority could have no price (no default, not tiered).
    may_lack_price: bool = attrs.field(init=False)
    # True when duplicates are judged per person, False per company.
    by_person: bool = attrs.field(init=False)
    # The fast path's rules for each state: those whose applies_to excludes the
    # state cannot find anything there.
    by_state: Mapping[AppointmentState, tuple[Rule, ...]] = attrs.field(init=False)

    @by_state.default
    def _by_state(self) -> Mapping[AppointmentState, tuple[Rule, ...]]:
        return MappingProxyType(
            {
                state: tuple(_callable(rule) for rule in self.rules if _applies(rule, state))
                for state in AppointmentState
            }
        )

    @by_person.default
    def _by_person(self) -> bool:
        return self.terms.duplicates.scope is DuplicateScope.PERSON

    @may_lack_price.default
    def _may_lack_price(self) -> bool:
        p = self.per_appointment
        return p is not None and not p.is_tiered and p.price is None


def _callable(rule: Rule) -> Rule:
    """``rule``, or its bound ``__call__`` when a Python class defines it.

    Calling an instance goes through ``type(rule).__call__`` and builds an argument
    tuple per call; the bound method is called directly (a tenth of a rule's cost).
    """
    call = type(rule).__dict__.get("__call__")
    if isinstance(call, types.FunctionType):
        return cast("Rule", rule.__call__)
    return rule


def _applies(rule: Rule, state: AppointmentState) -> bool:
    """Whether ``rule`` can find anything in ``state`` (its ``applies_to``; all states if none)."""
    return state in getattr(rule, "applies_to", (state,))


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


_UNTRACED: list[Verdict] = []


class _Item(RuleContext):
    """One appointment's context plus its progress through the engine (private, short-lived)."""

    __slots__ = (
        "codes",
        "factor",
        "info",
        "meeting_date",
        "order",
        "period",
        "price",
        "price_note",
        "seniority",
        "status",
        "tier",
        "unit",
        "verdicts",
        "who",
    )

    meeting_date: pendulum.Date  # a plain slot over RuleContext's property

    def __init__(  # noqa: PLR0917 - private, built in one place
        self,
        appointment: Appointment,
        info: _TermsInfo,
        contract: Contract,
        as_of: pendulum.DateTime,
        meeting_date: pendulum.Date,
        period: BillingPeriod,
        late: tuple[HistoryEntry, ...],
    ) -> None:
        # RuleContext's fields, set here rather than through super().__init__: this runs
        # once per appointment, and the call costs as much as the assignments.
        self.appointment = appointment
        self.contract = contract
        self.terms = info.terms
        self.as_of = as_of
        self.late_corrections = late
        self._local_start = None
        self._qualification = None
        self._meeting_date = meeting_date
        self.meeting_date = meeting_date  # the rules read it several times each
        self.info = info
        self.period = period
        self.status = _BILLABLE
        self.codes: list[str] | tuple[str, ...] = _NONE
        self.factor: Decimal | None = None
        # The trace so far; the shared empty list (never appended to) when not tracing.
        self.verdicts: list[Verdict] = _UNTRACED
        self.unit: int | None = None
        self.tier: int | None = None
        self.price: Money | None = None
        self.price_note = ""
        # The meeting start as a POSIX time, then the id: the meeting order.
        self.order: tuple[float, str] = (0.0, "")
        self.seniority: Seniority | None = None
        self.who = ""

    def add(self, finding: Finding) -> None:
        outcome = finding.outcome
        if outcome is _FAIL:
            self.status = _NOT
        elif outcome is _PENDING:
            if self.status is _BILLABLE:
                self.status = _WAIT
        elif outcome is _CHARGE:
            if finding.factor is not None:
                self.factor = finding.factor
        else:
            return
        if finding.code is not None:
            if self.codes is _NONE:
                self.codes = []
            self.codes.append(finding.code)  # type: ignore[union-attr]


class BillingEngine:
    """Decides and prices the appointments of one contract.

    Args:
        contract: the contract, with its amendments.
        extra_rules: custom rules applied to every appointment after the
            built-in ones and the contract's own ``extra_rules``.

    Raises:
        RuleDefinitionError: a broken rule, found here rather than mid-run.
    """

    def __init__(self, contract: Contract, extra_rules: Iterable[Any] = ()) -> None:
        if not isinstance(contract, Contract):
            raise ValidationError("contract", contract, "a Contract")
        self.contract = contract
        self._extra = tuple(extra_rules)
        self._rule_sets: dict[int, RuleSet] = {}
        self._infos: dict[int, _TermsInfo] = {}
        versions = [(None, contract.terms)] + [
            (contract.effective_from(a), a.terms) for a in contract.amendments
        ]
        for since, terms in versions:
            rules = self.rule_set(terms).rules
            self._infos[id(terms)] = _TermsInfo(terms, rules, _per_appointment(terms), since)
        self._zero = Money.zero(contract.currency)
        # Keyed by identity: hashing Money (a Decimal and a Currency) costs more
        # than the rounding it saves; prices are few and long-lived objects.
        self._amounts: dict[tuple[int, Decimal | None, RoundingMode], tuple[Money, Money]] = {}

    def rule_set(self, terms: ContractTerms) -> RuleSet:
        """The rules configured by ``terms`` (one of this contract's versions)."""
        found = self._rule_sets.get(id(terms))
        if found is None:
            found = self._rule_sets[id(terms)] = RuleSet.build(self.contract, terms, self._extra)
        return found

    def decide(
        self,
        appointment: Appointment,
        *,
        as_of: pendulum.DateTime,
        others: Iterable[Appointment] = (),
        trace: bool = False,
    ) -> Decision:
        """Decide one appointment; ``others`` are the contract's other appointments.

        Duplicates, the cap and volume tiers need the others: without them the
        appointment is judged as if it were the only one. ``others`` may hold the
        appointment itself (all the contract's appointments): it is decided once.
        """
        rest = [
            other
            for other in v.iterable(others, "others", "Appointment")
            if other is not appointment and other != appointment
        ]
        for decision in self.decide_all([appointment, *rest], as_of=as_of, trace=trace):
            if decision.appointment_id == appointment.id:
                return decision
        return self._unborn(appointment, as_of)

    def decide_all(
        self,
        appointments: Iterable[Appointment],
        *,
        as_of: pendulum.DateTime,
        trace: bool = False,
    ) -> tuple[Decision, ...]:
        """Decide every appointment known at ``as_of``, in order of meeting start then id.

        Args:
            appointments: all the contract's appointments (any order; unique ids).
            as_of: the moment of the decision: later history, disputes and bookings
                are not known yet.
            trace: also build every decision's trace.

        Raises:
            ValidationError: two appointments share an id, or ``as_of`` is naive.
        """
        moment = v.to_datetime(as_of, "as_of")
        given = v.iterable(appointments, "appointments", "Appointment")
        with _gc.paused():
            return self._decide_all(given, moment, trace)

    def _decide_all(
        self, appointments: Iterable[Appointment], moment: pendulum.DateTime, trace: bool
    ) -> tuple[Decision, ...]:
        # A function of its own so the working objects are freed on return, before the
        # collector resumes: it then scans only the decisions, not the scaffolding too.
        decisions: list[Decision | None] = []
        for rank, _appointment, decision in self._each_decision(appointments, moment, trace):
            if len(decisions) <= rank:  # ranks come in the order given, not in order
                decisions.extend([None] * (rank + 1 - len(decisions)))
            decisions[rank] = decision
        return cast("tuple[Decision, ...]", tuple(decisions))

    def _each_decision(
        self, appointments: Iterable[Appointment], moment: pendulum.DateTime, trace: bool
    ) -> Iterator[tuple[int, Appointment, Decision]]:
        """Each appointment known at ``moment`` as ``(rank, appointment, decision)``.

        In the order given, or by meeting when tracing; the rank is the decision's
        place in meeting order. Each work item is let go once its decision is made,
        so a caller that keeps only what it needs (an invoice line) never holds every
        decision at once: fewer pages to fault in at a million appointments.
        """
        # The rules across appointments take the billable ones in meeting order; all the
        # rest walks them in the order given, usually the order they sit in memory:
        # walking a million appointments by meeting time jumps around gigabytes. A
        # traced run walks them in meeting order instead: neighbours then share most
        # trace lines while they are in cache, and the decisions are laid out in the
        # order they are returned and read.
        numbered = _by_meeting(appointments) if trace else enumerate(appointments)
        items, orders, billable = self._evaluate(numbered, moment, trace)
        ranked = sorted(range(len(items)), key=orders.__getitem__)
        del orders
        ranks = [0] * len(items)
        for rank, index in enumerate(ranked):
            ranks[index] = rank
        self._apply_duplicates_cap_and_price([items[i] for i in ranked if billable[i]], trace)
        del ranked
        items.reverse()
        index = 0
        while items:
            item = items.pop()
            if trace and not billable[index]:
                item.verdicts += (_DUPLICATE_SKIPPED, _CAP_SKIPPED, _price_skipped(item))
            yield ranks[index], item.appointment, self._decision(item)
            index += 1

    # -- stage 1: per-appointment rules --------------------------------------------------

    def _evaluate(  # noqa: PLR0915 - one hot loop: a helper call per appointment costs more
        self,
        numbered: Iterable[tuple[int, Appointment]],
        moment: pendulum.DateTime,
        trace: bool,
    ) -> tuple[list[_Item], list[tuple[float, str]], list[bool]]:
        """Check, take as of ``moment`` and run the per-appointment rules, in the order given.

        ``numbered``: each appointment with its position in the caller's input (for errors).

        Returns:
            The work items, and for each its meeting order and whether it is still
            billable: gathered while each item is at hand, since at a million items a
            second pass to read them misses the cache on every one.
        """
        contract = self.contract
        terms_at = contract.terms_at
        infos = self._infos
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
        days: dict[int | tuple[int, int], tuple[_Day, ...]] = {}
        tz = contract.tzinfo
        periods: dict[pendulum.DateTime, BillingPeriod] = {}
        # Without amendments every appointment has the same terms: skip the look-up.
        only = infos[id(contract.terms)] if not contract.amendments else None
        for i, given in numbered:
            if not isinstance(given, Appointment):
                raise ValidationError(f"appointments[{i}]", given, "an Appointment")
            appointment_id = given.id
            if appointment_id in ids:
                raise ValidationError(f"appointments[{i}].id", appointment_id, "unique")
            ids.add(appointment_id)
            appointment = given._as_of_utc(utc)  # utc is checked and in UTC already
            if appointment is None:
                continue
            info = only or infos[id(terms_at(appointment.booked_at))]
            late: tuple[HistoryEntry, ...] = ()
            if appointment.is_corrected:  # a correction after the window does not count
                window = info.terms.policy.correction_window_days
                appointment, late = appointment.within_correction_window(window)
            if trace and (shared is None or shared.info is not info):
                shared = shares.get(id(info))
                if shared is None:
                    shared = shares[id(info)] = _Shared(info)
            # The local day and billing period through a cache of the contract's days
            # around each calendar day of the start: converting every start is slow.
            start = appointment.start
            zone = start.tzinfo
            wall = start.toordinal() if zone is tz else (start.toordinal(), id(zone))
            around = days.get(wall)
            if around is None:
                around = days[wall] = self._days_around(start, periods)
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
            item = _Item(appointment, info, contract, moment, day, period, late)
            item.order = (when, appointment_id)
            try:  # free unless raised (Python 3.11+)
                if shared is not None:
                    _trace(item, shared)
                else:
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
                self._check_price(item)
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
        self, start: pendulum.DateTime, periods: dict[pendulum.DateTime, BillingPeriod]
    ) -> tuple[_Day, ...]:
        """The contract's local days overlapping the calendar day of ``start`` in its zone.

        Each with its first instant and the next day's, its date, its billing period (one
        object per period: stage 2 tells periods apart by identity), its first instant as
        a POSIX time, and whether the day is steady (24 hours of one UTC offset).
        """
        tz = self.contract.tzinfo
        if start.tzinfo is tz:
            first_day = last_day = start.toordinal()
        else:  # the day in another zone overlaps one or two (three around DST) local days
            zone = start.tzinfo or dt.UTC
            own = start_of_day(start, zone)
            first_day = self.contract.local(own).toordinal()
            # The next calendar day's start: adding 24 hours falls short on a 25-hour day.
            following = pendulum.Date.fromordinal(start.toordinal() + 1)
            last_day = self.contract.local(start_of_day(following, zone)).toordinal()
        found: list[_Day] = []
        first = start_of_day(pendulum.Date.fromordinal(first_day), tz)
        for ordinal in range(first_day, last_day + 1):
            after = start_of_day(pendulum.Date.fromordinal(ordinal + 1), tz)
            first_at, after_at = first.timestamp(), after.timestamp()
            steady = after_at - first_at == 86400 and first.utcoffset() == after.utcoffset()
            day = pendulum.Date.fromordinal(ordinal)
            found.append((first, after, day, self._period(first, periods), first_at, steady))
            first = after
        return tuple(found)

    def _period(
        self, moment: pendulum.DateTime, periods: dict[pendulum.DateTime, BillingPeriod]
    ) -> BillingPeriod:
        """The period holding ``moment``, one object per period within a run."""
        for period in periods.values():
            if period.start <= moment < period.end:
                return period
        period = self.contract.period_containing(moment)
        return periods.setdefault(period.start, period)

    def _check_price(self, item: _Item) -> None:
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

    # -- stage 2: across appointments ----------------------------------------------------

    def _check_duplicate(
        self,
        item: _Item,
        billed: dict[tuple[DuplicateScope, str], _Item],
        trace: bool,
    ) -> tuple[DuplicateScope, str] | None:
        """Fail ``item`` if its prospect was billed already; else the key to record once billed."""
        rule = item.terms.duplicates
        value = item.who
        key = (rule.scope, value)
        previous = billed.get(key)
        window = rule.window_days
        if previous is not None and (window is None or self._within(previous, item, window)):
            what = "prospect" if rule.scope is DuplicateScope.PERSON else "company"
            reason = f"{what} {value} was already billed for appointment {previous.order[1]}"
            if window is not None:
                reason += f" within {window} days"
            item.add(Finding(_FAIL, ReasonCode.DUPLICATE, reason))
            if trace:
                item.verdicts.append(Verdict("duplicate", _FAIL, ReasonCode.DUPLICATE, reason))
            return None
        if trace:
            item.verdicts.append(_first_billable(rule.scope, window))
        return key

    def _within(self, earlier: _Item, later: _Item, days: int) -> bool:
        """Whether ``later`` starts within ``days`` calendar days (contract clock) of ``earlier``.

        Seconds decide away from the boundary; near it, pendulum's calendar arithmetic
        (a day is 23 or 25 hours across a clock change).
        """
        elapsed = later.order[0] - earlier.order[0]
        if abs(elapsed - days * 86400) > _CLOCK_SLACK:
            return elapsed < days * 86400
        deadline = self.contract.local(earlier.appointment.start).add(days=days)
        return later.appointment.start < deadline

    def _apply_duplicates_cap_and_price(self, items: list[_Item], trace: bool) -> None:
        # ``items``: the billable ones so far, in meeting order. One pass: a prospect
        # counts as billed only once a meeting of theirs has passed the cap too (an
        # over-cap meeting was never billed). Each is priced in the same pass, except
        # under volume tiers, whose price needs the period's count of units first.
        billed: dict[tuple[DuplicateScope, str], _Item] = {}
        counts: dict[pendulum.DateTime, int] = {}
        cap_lines: dict[tuple[int, int | None], Verdict] = {}
        price_lines: dict[tuple[object, ...], Verdict] = {}
        by_volume: list[_Item] = []
        period: BillingPeriod | None = None
        for item in items:
            if item.period is not period:
                self._price_by_volume(by_volume, counts, trace, price_lines)
                by_volume = []
                period = item.period
            prospect_key = self._check_duplicate(item, billed, trace)
            if prospect_key is None:
                if trace:
                    item.verdicts += (_CAP_SKIPPED, _price_skipped(item))
                continue
            key = item.period.start
            count = counts.get(key, 0)
            cap = item.terms.cap
            if cap is not None and count >= cap:
                reason = f"over the cap of {cap} billable appointments in {item.period.label}"
                item.add(Finding(_FAIL, ReasonCode.OVER_CAP, reason))
                if trace:
                    over = Verdict("cap", _FAIL, ReasonCode.OVER_CAP, reason)
                    item.verdicts += (over, _price_skipped(item))
                continue
            counts[key] = item.unit = count + 1
            billed[prospect_key] = item
            if trace:
                # Without a cap the line is the same for the whole period: share it.
                line_key = (id(item.period), None if cap is None else item.unit)
                line = cap_lines.get(line_key)
                if line is None:
                    line = cap_lines[line_key] = _within_cap(item.unit, cap, item.period.label)
                item.verdicts.append(line)
            pricing = item.info.per_appointment
            if pricing is not None and pricing.tiers and pricing.tier_mode is TierMode.VOLUME:
                by_volume.append(item)
            else:
                self._price(item, 0, trace, price_lines)
        self._price_by_volume(by_volume, counts, trace, price_lines)

    def _price_by_volume(
        self,
        items: list[_Item],
        counts: dict[pendulum.DateTime, int],
        trace: bool,
        lines: dict[tuple[object, ...], Verdict],
    ) -> None:
        """Price a period's units under volume tiers, now that the period's count is known."""
        for item in items:
            self._price(item, counts.get(item.period.start, 0), trace, lines)

    def _price(
        self, item: _Item, units: int, trace: bool, lines: dict[tuple[object, ...], Verdict]
    ) -> None:
        """Price one unit billed; ``units``: the period's count (read by volume tiers only)."""
        pricing = item.info.per_appointment
        if pricing is None:
            item.price = None
            if trace:
                model = type(item.terms.pricing).__name__
                reason = f"{model} pricing bills per period, not per appointment"
                item.verdicts.append(Verdict("price", RuleOutcome.PASS, None, reason))
            return
        unit: int = item.unit  # type: ignore[assignment] # set by the cap pass
        seniority = item.seniority
        price = item.price = pricing.unit_price(seniority, unit, units)
        graduated = pricing.tier_mode is TierMode.GRADUATED
        if pricing.tiers:
            item.tier = pricing.tier_index(unit if graduated else units) + 1
        if trace and price is not None:
            # The words depend on the price, the fraction, the tier and (tiered) the
            # rank only: equal ones share a line.
            counted = None if not pricing.tiers else unit if graduated else units
            priced_by = seniority if seniority in pricing.seniority_prices else None
            # The factor as written: 0.5 and 0.50 are equal but read differently.
            factor = None if item.factor is None else str(item.factor)
            line_key = (id(item.info), id(price), factor, item.tier, counted, priced_by)
            priced = lines.get(line_key)
            if priced is None:
                reason = self._price_reason(item, price, pricing, units)
                priced = lines[line_key] = Verdict("price", RuleOutcome.PASS, None, reason)
            item.verdicts.append(priced)

    def _price_reason(self, item: _Item, price: Money, pricing: PerAppointment, units: int) -> str:
        if pricing.is_tiered:
            tier = pricing.tiers[(item.tier or 1) - 1]
            bound = f"up to {tier.up_to}" if tier.up_to is not None else "open-ended"
            how = (
                f"unit {item.unit} falls in tier {item.tier} ({bound})"
                if pricing.tier_mode.value == "graduated"
                else f"{units} units reach tier {item.tier} ({bound}); volume prices all units"
            )
        elif item.seniority in pricing.seniority_prices:
            how = f"price for seniority {item.seniority}"
        else:
            how = "flat price"
        text = f"{how}: {price.format()}"
        if item.factor is not None:
            text += f" x {item.factor}"
        amount = self._amount(price, item.factor, item.terms)
        return f"{text} = {amount.format()} (rounded {item.terms.rounding.value})"

    # -- results ----------------------------------------------------------------------

    def _amount(self, price: Money, factor: Decimal | None, terms: ContractTerms) -> Money:
        key = (id(price), factor, terms.rounding)
        found = self._amounts.get(key)
        if found is None or found[0] is not price:
            exact = price if factor is None else price * factor
            found = self._amounts[key] = (price, exact.rounded(terms.rounding))
        return found[1]

    def _decision(self, item: _Item) -> Decision:
        amount = self._zero
        price = item.price
        if item.status is _BILLABLE and price is not None:
            # _amount() inline: this runs once per appointment billed.
            found = self._amounts.get((id(price), item.factor, item.terms.rounding))
            if found is None or found[0] is not price:
                amount = self._amount(price, item.factor, item.terms)
            else:
                amount = found[1]
        verdicts = item.verdicts
        trace = None if verdicts is _UNTRACED else tuple(verdicts)
        return Decision(
            item.appointment.id,
            item.appointment.start,
            item.appointment.state,
            item.status,
            amount,
            tuple(item.codes),
            price,
            item.tier,
            item.unit,
            item.period.start,
            item.info.terms_from,
            trace,
        )

    def _unborn(self, appointment: Appointment, as_of: pendulum.DateTime) -> Decision:
        reason = f"booked at {appointment.booked_at}, after {as_of}"
        verdict = Verdict("outcome", RuleOutcome.PENDING, ReasonCode.PENDING_OUTCOME, reason)
        return Decision(
            appointment.id,
            appointment.start,
            appointment.history[0].state,
            _WAIT,
            self._zero,
            (ReasonCode.PENDING_OUTCOME,),
            trace=(verdict,),
        )


_Day = tuple[pendulum.DateTime, pendulum.DateTime, pendulum.Date, BillingPeriod, float, bool]
"""A local day: its first instant and the next day's, its date, its billing period, its
first instant as a POSIX time, and whether it is 24 hours of one UTC offset."""


def _per_appointment(terms: ContractTerms) -> PerAppointment | None:
    pricing = terms.pricing
    if isinstance(pricing, PerAppointment):
        return pricing
    if isinstance(pricing, Hybrid):
        return pricing.per_appointment
    return None


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


def _first_billable(scope: DuplicateScope, window: int | None) -> Verdict:
    line = _FIRST_BILLABLE.get((scope, window))
    if line is not None:
        return line
    who = "this prospect" if scope is DuplicateScope.PERSON else "this company"
    if window is None:
        reason = f"first billable appointment of {who}"
    else:
        reason = f"no billable appointment of {who} in the previous {window} days"
    line = _FIRST_BILLABLE.get((scope, window))
    if line is None:
        line = _FIRST_BILLABLE[scope, window] = Verdict("duplicate", RuleOutcome.PASS, None, reason)
    return line


def _within_cap(unit: int | None, cap: int | None, label: str) -> Verdict:
    if cap is None:
        return Verdict("cap", RuleOutcome.PASS, None, f"no cap on billable appointments in {label}")
    return Verdict("cap", RuleOutcome.PASS, None, f"unit {unit} of the cap of {cap} in {label}")


def _by_meeting(appointments: Iterable[Appointment]) -> list[tuple[int, Appointment]]:
    """The appointments with their input positions, by meeting start then id.

    Anything not an appointment keeps its place first, for ``_evaluate`` to refuse.
    """
    listed = list(appointments)
    # Callers are not always typed. map() keeps the check and the sort keys in C.
    if not all(map(isinstance, listed, itertools.repeat(Appointment))):
        return list(enumerate(listed))
    keys = list(map(_START_THEN_ID, listed))
    return [(i, listed[i]) for i in sorted(range(len(listed)), key=keys.__getitem__)]


_START_THEN_ID = operator.attrgetter("start", "id")


def _price_skipped(item: _Item) -> Verdict:
    if item.price_note:
        return Verdict("price", _FAIL, ReasonCode.NO_PRICE, item.price_note)
    return _NOT_PRICED


_FIRST_BILLABLE: dict[tuple[DuplicateScope, int | None], Verdict] = {}
_DUPLICATE_SKIPPED = Verdict("duplicate", RuleOutcome.SKIP, None, "not billable already")
_CAP_SKIPPED = Verdict("cap", RuleOutcome.SKIP, None, "not billable already")
_NOT_PRICED = Verdict("price", RuleOutcome.SKIP, None, "not billed")


def engine_for(contract: object, engine: object) -> BillingEngine:
    """``engine``, or a new one; either way for ``contract`` (both checked)."""
    if not isinstance(contract, Contract):
        raise ValidationError("contract", contract, "a Contract")
    if engine is None:
        return BillingEngine(contract)
    if not isinstance(engine, BillingEngine) or (
        engine.contract is not contract and engine.contract != contract
    ):
        raise ValidationError("engine", engine, f"None or a BillingEngine for {contract.id!r}")
    return engine


def decide(
    contract: Contract,
    appointment: Appointment,
    *,
    as_of: pendulum.DateTime,
    others: Sequence[Appointment] = (),
    trace: bool = True,
) -> Decision:
    """Decide one appointment under ``contract`` (with its trace by default).

    A shortcut for ``BillingEngine(contract).decide(...)``.
    """
    return BillingEngine(contract).decide(appointment, as_of=as_of, others=others, trace=trace)


def decide_all(
    contract: Contract,
    appointments: Iterable[Appointment],
    *,
    as_of: pendulum.DateTime,
    trace: bool = False,
) -> tuple[Decision, ...]:
    """Decide all ``appointments`` under ``contract``; see :meth:`BillingEngine.decide_all`."""
    return BillingEngine(contract).decide_all(appointments, as_of=as_of, trace=trace)
