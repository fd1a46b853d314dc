"""Renegotiation what-if: the real history priced again under proposed terms.

:func:`what_if` decides and invoices the actual appointments twice, under the
terms in force and under proposed ones (an :class:`~ppa_core.domain.contract.Amendment`
not signed yet, effective from a date, or a whole alternative contract), and
returns a frozen :class:`WhatIf`: each appointment whose decision changed with
the reason (the two traces compared, rule by rule), each period's invoice total
under both, the totals and the cost per meeting under both (the definitions of
:func:`~ppa_core.billing.figures.compute_figures`).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.figures import Figures, compute_figures
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.periods import _own_periods
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Amendment, BillingPeriod, Contract
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine
from ppa_core.rules.verdict import Decision, DecisionStatus, Verdict

__all__ = ["DecisionChange", "PeriodChange", "WhatIf", "proposed_contract", "what_if"]


@attrs.frozen
class DecisionChange:
    """One appointment decided under the terms in force and under the proposed ones.

    Attributes:
        appointment_id: the appointment.
        meeting_start: its meeting start.
        period: the contract's billing period the meeting falls in.
        current_status, proposed_status: the decision's status under each.
        current_amount, proposed_amount: the amount billed under each.
        current_codes, proposed_codes: the decisions' reason codes.
        reasons: why the decision changed: each rule whose outcome or code differs
            between the two traces, or, when none does (the same rules passed at another
            price), each whose reason differs; empty when the status, the amount and
            the reason codes are all the same.
    """

    appointment_id: str
    meeting_start: pendulum.DateTime
    period: BillingPeriod
    current_status: DecisionStatus
    proposed_status: DecisionStatus
    current_amount: Money
    proposed_amount: Money
    current_codes: tuple[str, ...]
    proposed_codes: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def difference(self) -> Money:
        """Proposed minus current amount."""
        return self.proposed_amount - self.current_amount

    @property
    def changed(self) -> bool:
        """True when the status, the amount or the reason codes differ."""
        return bool(self.reasons)


@attrs.frozen
class PeriodChange:
    """One billing period invoiced under the terms in force and under the proposed ones.

    Attributes:
        period: the contract's billing period.
        current_total, proposed_total: the invoice totals (fees and credits included).
        current_billable, proposed_billable: billable appointments under each.
    """

    period: BillingPeriod
    current_total: Money
    proposed_total: Money
    current_billable: int
    proposed_billable: int

    @property
    def difference(self) -> Money:
        """Proposed minus current total."""
        return self.proposed_total - self.current_total


@attrs.frozen
class WhatIf:
    """The history of a span priced under the terms in force and under proposed ones.

    Attributes:
        contract_id: the contract in force.
        period: the span re-priced.
        as_of: the moment the facts were read.
        proposal: what was proposed, in words.
        appointments: every appointment with its meeting in the span, under both.
        periods: every billing period of the span, under both.
        current, proposed: the figures over the span under each (cost per meeting =
            billed / billable; effective cost per held meeting = total cost /
            qualified meetings held).
    """

    contract_id: str
    period: BillingPeriod
    as_of: pendulum.DateTime
    proposal: str
    appointments: tuple[DecisionChange, ...]
    periods: tuple[PeriodChange, ...]
    current: Figures
    proposed: Figures

    @property
    def current_total(self) -> Money:
        """The span's invoices' total under the terms in force."""
        return Money.total((p.current_total for p in self.periods), self.current.billed.currency)

    @property
    def proposed_total(self) -> Money:
        """The span's invoices' total under the proposed terms."""
        return Money.total((p.proposed_total for p in self.periods), self.current.billed.currency)

    @property
    def difference(self) -> Money:
        """Proposed minus current total."""
        return self.proposed_total - self.current_total

    @property
    def changed(self) -> tuple[DecisionChange, ...]:
        """The appointments whose decision changed."""
        return tuple(a for a in self.appointments if a.changed)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """Tables for Jupyter."""
        return _rendering.html(self)


def proposed_contract(contract: Contract, proposal: Amendment | Contract) -> Contract:
    """The contract as it would be under ``proposal``.

    An amendment replaces every amendment effective at or after its own moment (the
    proposed terms hold from then on); a contract is taken as it is.

    Raises:
        ValidationError: a proposal that is neither, or a contract in another currency.
    """
    given: object = proposal  # callers are not always typed
    if isinstance(given, Contract):
        if given.currency != contract.currency:
            raise ValidationError(
                "proposal.currency", given.currency.code, f"{contract.currency.code}"
            )
        return given
    if not isinstance(given, Amendment):
        raise ValidationError("proposal", given, "an Amendment or a Contract")
    start = contract.effective_from(given)
    kept = tuple(a for a in contract.amendments if contract.effective_from(a) < start)
    return attrs.evolve(contract, amendments=(*kept, given))


def what_if(
    contract: Contract,
    appointments: Iterable[Appointment],
    proposal: Amendment | Contract,
    *,
    period: BillingPeriod,
    as_of: pendulum.DateTime,
) -> WhatIf:
    """Price the appointments of ``period`` under the terms in force and under ``proposal``.

    Args:
        contract: the contract in force.
        appointments: all its appointments (earlier ones too: duplicates need them).
        proposal: an amendment not signed yet (its terms hold for appointments booked
            from its ``effective_from``: date it back to the span's start to re-price
            the span) or a whole alternative contract (same currency).
        period: the span to re-price, e.g. last quarter.
        as_of: the moment the facts are read.

    Raises:
        ValidationError: a naive ``as_of``, a bad proposal or period.
    """
    moment = v.to_datetime(as_of, "as_of")
    if not isinstance(period, BillingPeriod):
        raise ValidationError("period", period, "a BillingPeriod")
    alternative = proposed_contract(contract, proposal)
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    current_engine, proposed_engine = BillingEngine(contract), BillingEngine(alternative)
    now = current_engine.decide_all(listed, as_of=moment, trace=True)
    then = {
        d.appointment_id: d for d in proposed_engine.decide_all(listed, as_of=moment, trace=True)
    }
    changes = tuple(
        _change(contract, d, then[d.appointment_id])
        for d in now
        if period.start <= d.meeting_start < period.end and d.appointment_id in then
    )
    periods = tuple(
        _period(contract, alternative, listed, p, moment, current_engine, proposed_engine, changes)
        for p in _own_periods(contract, period)
    )
    described = (
        f"contract {alternative.id}"
        if isinstance(proposal, Contract)
        else f"amendment from {contract.effective_from(proposal).to_iso8601_string()}"
        + (f" ({proposal.note})" if proposal.note else "")
    )
    return WhatIf(
        contract.id,
        period,
        moment,
        described,
        changes,
        periods,
        compute_figures(contract, listed, as_of=moment, period=period, engine=current_engine),
        compute_figures(alternative, listed, as_of=moment, period=period, engine=proposed_engine),
    )


def _period(  # noqa: PLR0917 - private helper, every argument is needed
    contract: Contract,
    alternative: Contract,
    listed: list[Appointment],
    period: BillingPeriod,
    moment: pendulum.DateTime,
    current_engine: BillingEngine,
    proposed_engine: BillingEngine,
    changes: tuple[DecisionChange, ...],
) -> PeriodChange:
    before = build_invoice(contract, listed, period, as_of=moment, engine=current_engine)
    after = build_invoice(alternative, listed, period, as_of=moment, engine=proposed_engine)
    inside = [c for c in changes if period.start <= c.meeting_start < period.end]
    return PeriodChange(
        period,
        before.total,
        after.total,
        sum(c.current_status is DecisionStatus.BILLABLE for c in inside),
        sum(c.proposed_status is DecisionStatus.BILLABLE for c in inside),
    )


def _change(contract: Contract, now: Decision, then: Decision) -> DecisionChange:
    return DecisionChange(
        now.appointment_id,
        now.meeting_start,
        contract.period_containing(now.meeting_start),
        now.status,
        then.status,
        now.amount,
        then.amount,
        now.reason_codes,
        then.reason_codes,
        _reasons(now, then),
    )


def _reasons(now: Decision, then: Decision) -> tuple[str, ...]:
    """Why the decision changed: the rules whose outcome or code differs between the traces.

    When none does (the same rules passed, at another price), the rules whose reason
    differs; nothing when the status, the amount and the codes are all the same.
    """
    if (now.status, now.amount, now.reason_codes) == (then.status, then.amount, then.reason_codes):
        return ()
    before = {verdict.rule_id: verdict for verdict in now.trace or ()}
    after = {verdict.rule_id: verdict for verdict in then.trace or ()}
    outcomes: list[str] = []
    texts: list[str] = []
    for rule_id in [*before, *(r for r in after if r not in before)]:
        old, new = before.get(rule_id), after.get(rule_id)
        if old is None or new is None:
            side = "proposed" if old is None else "current"
            only = new if old is None else old
            outcomes.append(f"{rule_id}: only under the {side} terms: {_said(only)}")
        elif (old.outcome, old.code) != (new.outcome, new.code):
            outcomes.append(f"{rule_id}: {_said(old)} -> {_said(new)}")
        elif old.reason != new.reason:
            texts.append(f"{rule_id}: {_said(old)} -> {_said(new)}")
    found = outcomes or texts
    if not found:  # pragma: no cover - a different amount always shows in the price rule
        found = [f"amount: {now.amount.format()} -> {then.amount.format()}"]
    return tuple(found)


def _said(verdict: Verdict | None) -> str:
    if verdict is None:  # pragma: no cover - both sides are looked up before
        return ""
    code = f" {verdict.code}" if verdict.code else ""
    return f"{verdict.outcome.value}{code} ({verdict.reason})"
