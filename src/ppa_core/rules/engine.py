"""The billing engine: decide every appointment of a contract, explainably.

Deciding runs in two stages. First each appointment, as known at ``as_of``,
goes through the per-appointment rules of the terms in force when it was
booked (:mod:`ppa_core.rules.builtin`, then the contract's ``extra_rules``,
then the engine's ``extra_rules``), in the order given
(:mod:`ppa_core.rules.per_appointment_pass`). Then, in order of meeting start
as an instant (ties by id), the rules that look across appointments:
``duplicate`` (a prospect is billed once), ``cap`` (at most N billable per
billing period) and ``price`` (unit price by seniority or volume tier, times
any fraction a rule charged, rounded once to the minor unit)
(:mod:`ppa_core.rules.across_appointment_pass`).

Decisions do not depend on the order appointments are given in, and the
trace is only built when asked for (``trace=True``). Both paths run the very
same rule objects, so the trace always matches the decision; a traced run
renders each distinct line once (per ``trace_key``, or per state outside a
rule's ``applies_to``) and shares it between decisions. When every rule is
built-in, an engine keeps those lines between runs (up to ``LINES_LIMIT``), as
it keeps the contract's calendar: a back end re-deciding a month renders its
lines once. A qualified prospect's criteria are put into words when the
qualification line's facts are first read.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

import attrs
import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.rules._item import _BILLABLE, _UNTRACED, _WAIT, _Item
from ppa_core.rules.across_appointment_pass import (
    _CAP_SKIPPED,
    _DUPLICATE_SKIPPED,
    _amount,
    _Amounts,
    _apply_duplicates_cap_and_price,
    _price_skipped,
)
from ppa_core.rules.per_appointment_pass import (
    CALENDAR_LIMIT,
    LINES_LIMIT,
    Calendar,
    Lines,
    _evaluate,
    new_calendar,
)
from ppa_core.rules.rule_set import RuleSet, _per_appointment, _TermsInfo
from ppa_core.rules.verdict import (
    Decision,
    DecisionParts,
    ReasonCode,
    RuleOutcome,
    Verdict,
)

# RuleSet is defined in ppa_core.rules.rule_set; it stays importable from here.
__all__ = ["BillingEngine", "RuleSet", "decide", "decide_all"]

_new = object.__new__


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
        # The contract's local days and periods, kept between runs: a simulation decides
        # thousands of small months with one engine, and deriving the days was a quarter
        # of each run. Replaced (never cleared) when full, so a run in another thread
        # keeps one period object per period.
        self._calendar: Calendar = new_calendar()
        # The built-in rules' trace lines, kept between runs as the calendar is: a back
        # end re-deciding the month every night renders mostly the same lines.
        self._lines: Lines = {}
        # Keyed by identity: hashing Money (a Decimal and a Currency) costs more
        # than the rounding it saves; prices are few and long-lived objects.
        self._amounts: _Amounts = {}

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
        others: Iterable[Appointment] | None = None,
        trace: bool = False,
    ) -> Decision:
        """Decide one appointment; ``others`` are the contract's other appointments.

        Duplicates, the cap and volume tiers need the others. Without ``others=``
        the appointment is judged as if it were the only one, and a decision that
        ranks it (``unit``, ``tier``) says so with ``provisional=True``: the invoice
        may make it unit 3, over the cap, or a later tier. ``others=()`` states that
        there are none, and the decision is final. ``others`` may hold the
        appointment itself (all the contract's appointments): it is decided once.
        """
        given = () if others is None else v.iterable(others, "others", "Appointment")
        rest = [other for other in given if other is not appointment and other != appointment]
        for decision in self.decide_all([appointment, *rest], as_of=as_of, trace=trace):
            if decision.appointment_id == appointment.id:
                if others is None and (decision.unit is not None or decision.tier is not None):
                    return attrs.evolve(decision, provisional=True)
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
        # The loop of _each_decision written out: resuming a generator per decision
        # costs more than the loop's body.
        items, ranks, billable = self._prepare(appointments, moment, trace)
        decisions: list[Decision | None] = [None] * len(items)
        decide = self._decision
        index = 0
        while items:
            item = items.pop()
            if trace and not billable[index]:
                item.verdicts += (_DUPLICATE_SKIPPED, _CAP_SKIPPED, _price_skipped(item))
            decisions[ranks[index]] = decide(item)
            index += 1
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
        items, ranks, billable = self._prepare(appointments, moment, trace)
        index = 0
        while items:
            item = items.pop()
            if trace and not billable[index]:
                item.verdicts += (_DUPLICATE_SKIPPED, _CAP_SKIPPED, _price_skipped(item))
            yield ranks[index], item.appointment, self._decision(item)
            index += 1

    def _prepare(
        self, appointments: Iterable[Appointment], moment: pendulum.DateTime, trace: bool
    ) -> tuple[list[_Item], list[int], list[bool]]:
        """Both passes: the work items (last first, to pop), their ranks and billable flags.

        Ranks and flags are in the order the items were made (first first).
        """
        # The rules across appointments take the billable ones in meeting order; all the
        # rest walks them in the order given, usually the order they sit in memory:
        # walking a million appointments by meeting time jumps around gigabytes. A
        # traced run walks them in meeting order instead: neighbours then share most
        # trace lines while they are in cache, and the decisions are laid out in the
        # order they are returned and read.
        numbered = _by_meeting(appointments) if trace else enumerate(appointments)
        calendar = self._calendar
        if len(calendar[0]) > CALENDAR_LIMIT:
            calendar = self._calendar = new_calendar()
        lines = self._lines
        if trace and sum(map(len, lines.values())) > LINES_LIMIT:
            lines = self._lines = {}  # replaced, not cleared: a run in another thread keeps its own
        items, orders, billable = _evaluate(
            self.contract, self._infos, numbered, moment, trace, calendar=calendar, lines=lines
        )
        # By id, then (stable) by instant: the meeting order, in two sorts of plain
        # strings and floats, which compare in a fraction of the time of the tuples.
        ranked = sorted(range(len(items)), key=list(map(_SECOND, orders)).__getitem__)
        ranked.sort(key=list(map(_FIRST, orders)).__getitem__)
        del orders
        ranks = [0] * len(items)
        for rank, index in enumerate(ranked):
            ranks[index] = rank
        _apply_duplicates_cap_and_price(
            self.contract, self._amounts, [items[i] for i in ranked if billable[i]], trace
        )
        del ranked
        items.reverse()
        return items, ranks, billable

    # -- results ----------------------------------------------------------------------

    def _decision(self, item: _Item) -> Decision:
        amount = self._zero
        price = item.price
        if item.status is _BILLABLE and price is not None:
            # _amount() inline: this runs once per appointment billed.
            found = self._amounts.get((id(price), item.factor, item.terms.rounding))
            if item.amount is not None:  # a sub-minor price's share, set by the pass
                amount = item.amount
            elif found is None or found[0] is not price:
                amount = _amount(self._amounts, price, item.factor, item.terms)
            else:
                amount = found[1]
        verdicts = item.verdicts
        trace = None if verdicts is _UNTRACED else tuple(verdicts)
        # Filled as DecisionParts, then made a Decision: this runs once per appointment.
        appointment = item.appointment
        decision = _new(DecisionParts)
        decision.appointment_id = appointment.id
        decision.meeting_start = appointment.start
        decision.state = appointment.state
        decision.status = item.status
        decision.amount = amount
        decision.reason_codes = tuple(item.codes)
        decision.unit_price = price
        decision.tier = item.tier
        decision.unit = item.unit
        decision.period_start = item.period.start
        decision.terms_from = item.info.terms_from
        decision.provisional = False  # a run's decisions are final
        decision.trace = trace
        decision.__class__ = Decision  # type: ignore[assignment]
        return decision  # type: ignore[return-value]

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
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


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
    others: Sequence[Appointment] | None = None,
    trace: bool = True,
) -> Decision:
    """Decide one appointment under ``contract`` (with its trace by default).

    A shortcut for ``BillingEngine(contract).decide(...)``: without ``others=``
    a billable decision is ``provisional`` (its unit, tier and cap position
    assume no other appointment in the period).
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
