"""The periodic review: the agreed service levels and exit clauses judged on the facts.

:func:`review` is pure: the contract, its appointments and the invoices issued
in, a frozen :class:`Review` out. Each service level (and each exit clause) in
force is judged over every window that ends in the reviewed span; each
judgement carries its :class:`~ppa_core.billing.measurement.Measurement` (value,
numerator, denominator and the ids of the appointments behind them), so a
client can check every figure. A breached service level whose consequence is a
service credit yields a credit :class:`~ppa_core.billing.lines.InvoiceLine`
(rounded once, with the terms' rounding); :func:`add_service_credits` puts the
review's credits on an invoice. ``docs/reviews.md`` explains windows, period
boundaries and time zones.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.lines import Invoice, InvoiceLine, LineKind
from ppa_core.billing.measurement import Measurement, _measure, _Row, _row, _rows_in
from ppa_core.billing.periods import _own_periods, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms
from ppa_core.domain.exit_clause import ExitClause
from ppa_core.domain.money import Money
from ppa_core.domain.service_level import Consequence, ServiceLevel, Target, Window
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine, engine_for

__all__ = [
    "SERVICE_LEVEL_BREACH",
    "ExitRight",
    "Judgement",
    "JudgementStatus",
    "Review",
    "add_service_credits",
    "review",
]

SERVICE_LEVEL_BREACH = "SERVICE_LEVEL_BREACH"
"""The first reason code of a service credit line (the second is the service level's id)."""


class JudgementStatus(enum.StrEnum):
    """How a window did against a target."""

    MET = "met"
    BREACHED = "breached"
    NOT_MEASURABLE = "not_measurable"


@attrs.frozen
class Judgement:
    """One service level or exit clause judged over one window.

    Attributes:
        subject: the service level's or exit clause's id.
        target: what the window had to meet.
        window: the span measured: the first period's start to the last period's end.
        periods: the contract's billing periods in the window.
        status: met, breached, or not measurable yet.
        measurement: the value and the appointments behind it.
        reason: why, in words (the value against the threshold, or why not measurable).
        consequence: for a service level, what its breach means; None for an exit clause.
        credit: the service credit line a breach yields (None otherwise).
        already_credited: True when a given invoice already carries that credit.
    """

    subject: str
    target: Target
    window: BillingPeriod
    periods: tuple[BillingPeriod, ...]
    status: JudgementStatus
    measurement: Measurement
    reason: str
    consequence: Consequence | None = None
    credit: InvoiceLine | None = None
    already_credited: bool = False

    @property
    def breached(self) -> bool:
        """True when the window missed the target."""
        return self.status is JudgementStatus.BREACHED


@attrs.frozen
class ExitRight:
    """The client's right to exit, from when, and the judgements behind it.

    Attributes:
        subject: the exit clause (or service level with an exit consequence).
        condition: the condition in words.
        notice_from: the first instant notice may be given (the end of the window
            that completed the condition).
        exit_from: the earliest exit date if notice is given then (``notice_days``
            later, in the contract's timezone).
        notice_days: the notice period that applies.
        judgements: the missed windows that completed the condition.
    """

    subject: str
    condition: str
    notice_from: pendulum.DateTime
    exit_from: pendulum.Date
    notice_days: int
    judgements: tuple[Judgement, ...]


@attrs.frozen
class Review:
    """A periodic review of one contract over a span of billing periods.

    Attributes:
        contract_id: the contract reviewed.
        period: the span reviewed (windows ending in it are judged).
        as_of: the moment the facts were read.
        service_levels: every service level judged over each window ending in the span.
        exit_clauses: every exit clause judged over each window ending in the span.
        exit_rights: the rights to exit that arose in the span.
        credits: the service credit lines due and not already on a given invoice.
    """

    contract_id: str
    period: BillingPeriod
    as_of: pendulum.DateTime
    service_levels: tuple[Judgement, ...]
    exit_clauses: tuple[Judgement, ...]
    exit_rights: tuple[ExitRight, ...]
    credits: tuple[InvoiceLine, ...]

    @property
    def breaches(self) -> tuple[Judgement, ...]:
        """The service level judgements that were breached."""
        return tuple(j for j in self.service_levels if j.breached)

    @property
    def not_measurable(self) -> tuple[Judgement, ...]:
        """The service level judgements that could not be measured yet."""
        return tuple(j for j in self.service_levels if j.status is JudgementStatus.NOT_MEASURABLE)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """Tables for Jupyter."""
        return _rendering.html(self)


@attrs.frozen
class _Facts:
    """The contract's decided appointments in meeting order, and its periods."""

    contract: Contract
    rows: tuple[_Row, ...]
    starts: tuple[pendulum.DateTime, ...]
    periods: tuple[BillingPeriod, ...]
    as_of: pendulum.DateTime


def review(
    contract: Contract,
    appointments: Iterable[Appointment],
    invoices: Sequence[Invoice] = (),
    *,
    period: BillingPeriod,
    as_of: pendulum.DateTime,
    engine: BillingEngine | None = None,
) -> Review:
    """Judge the contract's service levels and exit clauses over ``period``.

    Args:
        contract: the contract; its terms say the service levels and exit clauses.
        appointments: all the contract's appointments (earlier periods too: rolling
            windows and exit conditions reach back, duplicates need history).
        invoices: invoices issued for the contract; a service credit already on one
            of them is not due again.
        period: the span reviewed, e.g. a quarter: ``BillingPeriod(start, end)``.
            Every window (of the contract's billing periods, counted from the term's
            start) whose last period ends in it is judged.
        as_of: the moment the facts are read; a window not over then is not
            measurable yet.
        engine: an engine to reuse (it must be for ``contract``).

    Raises:
        ValidationError: a naive ``as_of``, a ``period`` that is not a BillingPeriod, an
            invoice of another contract.
    """
    moment = v.to_datetime(as_of, "as_of")
    if not isinstance(period, BillingPeriod):
        raise ValidationError("period", period, "a BillingPeriod")
    issued = tuple(v.iterable(invoices, "invoices", "Invoice"))
    for i, given in enumerate(issued):
        invoice: object = given  # callers are not always typed
        if not isinstance(invoice, Invoice) or invoice.contract_id != contract.id:
            raise ValidationError(f"invoices[{i}]", invoice, f"an Invoice of {contract.id!r}")
    facts = _facts(contract, appointments, period, moment, engine)
    credited = {
        (line.period, line.reason_codes)
        for invoice in issued
        for line in invoice.lines
        if line.kind is LineKind.SERVICE_CREDIT
    }
    levels: list[Judgement] = []
    clauses: list[Judgement] = []
    rights: list[ExitRight] = []
    history: dict[str, list[Judgement]] = {}
    for index, last in enumerate(facts.periods):
        in_span = period.start < last.end <= period.end
        terms = _terms_of(contract, last)
        if in_span:
            for level in terms.service_levels:
                found = _judge(facts, level.id, level.target, level.window, index)
                if found is not None:
                    levels.append(_consequence(facts, level, found, credited))
        for subject, target, window, notice in _exit_conditions(contract, terms):
            found = _judge(facts, subject, target, window, index)
            if found is None:
                continue
            # None: a service level whose breach gives the right (its own namespace of ids).
            clause = next((c for c in terms.exit_clauses if c.id == subject), None)
            if in_span and clause is not None:
                clauses.append(found)
            runs = history.setdefault(f"{clause is None}:{subject}", [])
            runs.append(found)
            behind = _completed(runs, clause)
            already = any(r.subject == subject for r in rights)
            if in_span and behind and not already:
                rights.append(_right(contract, subject, target, clause, behind, notice))
    credits = tuple(j.credit for j in levels if j.credit is not None and not j.already_credited)
    return Review(
        contract.id, period, moment, tuple(levels), tuple(clauses), tuple(rights), credits
    )


def _facts(
    contract: Contract,
    appointments: Iterable[Appointment],
    span: BillingPeriod,
    moment: pendulum.DateTime,
    engine: BillingEngine | None,
) -> _Facts:
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    engine = engine_for(contract, engine)
    by_id = {a.id: a for a in listed}
    rows: list[_Row] = []
    for decision in engine.decide_all(listed, as_of=moment):  # in meeting order
        known = by_id[decision.appointment_id].as_of(moment)
        if known is not None:
            rows.append(_row(known, decision))
    term_start = contract.term_start
    periods = (
        _own_periods(contract, BillingPeriod(term_start, span.end)) if term_start < span.end else []
    )
    return _Facts(
        contract,
        tuple(rows),
        tuple(r.decision.meeting_start for r in rows),
        tuple(periods),
        moment,
    )


def _judge(
    facts: _Facts, subject: str, target: Target, window: Window, index: int
) -> Judgement | None:
    """The judgement of the window ending with period ``index``; None if none ends there."""
    size = window.periods
    if not window.rolling and (index + 1) % size:
        return None  # a block is judged when its last period ends
    periods = facts.periods[max(0, index - size + 1) : index + 1]
    span = BillingPeriod(periods[0].start, periods[-1].end)
    rows = _rows_in(facts.rows, facts.starts, span)
    rounding = _terms_of(facts.contract, periods[-1]).rounding
    measured = _measure(target, rows, facts.contract, periods, rounding, span)
    status, reason = JudgementStatus.NOT_MEASURABLE, measured.reason or ""
    if len(periods) < size:
        reason = f"the window needs {size} periods; the term has run {len(periods)}"
    elif facts.as_of < span.end:
        reason = f"the window ends {span.end.to_iso8601_string()}, after the review's as_of"
    elif measured.number is not None:
        met = target.met_by(measured.number)
        status = JudgementStatus.MET if met else JudgementStatus.BREACHED
        shown = (
            measured.value.format() if isinstance(measured.value, Money) else _num(measured.number)
        )
        verdict = "meets" if met else "misses"
        reason = f"{target.kpi} {shown} {verdict} {target.comparator} {target.threshold}"
    return Judgement(subject, target, span, periods, status, measured, reason)


def _num(value: Decimal) -> str:
    """A measured number, shown to 4 decimals (the exact value stays in the measurement)."""
    return _plain(value.quantize(Decimal("0.0001")))


def _consequence(
    facts: _Facts,
    level: ServiceLevel,
    found: Judgement,
    credited: set[tuple[BillingPeriod | None, tuple[str, ...]]],
) -> Judgement:
    found = attrs.evolve(found, consequence=level.consequence)
    if not found.breached or level.consequence is not Consequence.SERVICE_CREDIT:
        return found
    judged = found.periods[-1] if level.window.rolling else found.window
    billed = Money.total(
        (r.decision.amount for r in _rows_in(facts.rows, facts.starts, judged)),
        facts.contract.currency,
    )
    amount = billed * (level.credit_share or 0)
    if level.credit_amount is not None:
        amount += level.credit_amount
    amount = amount.rounded(_terms_of(facts.contract, found.periods[-1]).rounding)
    if amount.is_zero:
        return found
    codes = (SERVICE_LEVEL_BREACH, level.id)
    line = InvoiceLine(
        LineKind.SERVICE_CREDIT,
        f"service credit {level.id} {judged.label}: {found.reason}",
        -amount,
        reason_codes=codes,
        period=judged,
    )
    return attrs.evolve(found, credit=line, already_credited=(judged, codes) in credited)


def _exit_conditions(
    contract: Contract, terms: ContractTerms
) -> list[tuple[str, Target, Window, int]]:
    """Each exit condition of ``terms``: (subject, target, window, notice days)."""
    found: list[tuple[str, Target, Window, int]] = []
    notice = contract.term.notice_days
    for clause in terms.exit_clauses:
        days = notice if clause.notice_days is None else clause.notice_days
        found.append((clause.id, clause.target, clause.window, days))
    for level in terms.service_levels:
        if level.consequence is Consequence.EXIT:
            days = notice if level.notice_days is None else level.notice_days
            found.append((level.id, level.target, level.window, days))
    return found


def _completed(runs: list[Judgement], clause: ExitClause | None) -> tuple[Judgement, ...]:
    """The missed windows that complete the condition with the latest one, or ()."""
    breaches = 1 if clause is None else clause.breaches
    if not runs[-1].breached:
        return ()
    if clause is None or clause.out_of is None:
        last = runs[-breaches:]
        if len(last) == breaches and all(j.breached for j in last):
            return tuple(last)
        return ()
    recent = [j for j in runs[-clause.out_of :] if j.breached]
    return tuple(recent) if len(recent) >= breaches else ()


def _right(  # noqa: PLR0917 - private helper, every argument is needed
    contract: Contract,
    subject: str,
    target: Target,
    clause: ExitClause | None,
    behind: tuple[Judgement, ...],
    notice: int,
) -> ExitRight:
    condition = clause.describe() if clause is not None else f"{target.describe()} missed"
    notice_from = behind[-1].window.end
    exit_from = contract.local(notice_from).date().add(days=notice)
    return ExitRight(subject, condition, notice_from, exit_from, notice, behind)


def add_service_credits(invoice: Invoice, found: Review) -> Invoice:
    """``invoice`` with the review's service credits it does not carry yet, added as lines.

    Raises:
        ValidationError: a review of another contract.
    """
    if found.contract_id != invoice.contract_id:
        raise ValidationError(
            "review.contract_id", found.contract_id, f"the invoice's ({invoice.contract_id!r})"
        )
    carried = {
        (line.period, line.reason_codes)
        for line in invoice.lines
        if line.kind is LineKind.SERVICE_CREDIT
    }
    new = [c for c in found.credits if (c.period, c.reason_codes) not in carried]
    return attrs.evolve(invoice, lines=(*invoice.lines, *new))


def _plain(number: Decimal) -> str:
    """``number`` without trailing zeros or an exponent: 10, 0.75, 0.7667."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
