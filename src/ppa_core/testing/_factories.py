"""Factories: one realistic domain object in one call, with keyword overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.contract import (
    Contract,
    ContractTerms,
    Term,
)
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.money import Money, currency
from ppa_core.domain.pricing import PerAppointment
from ppa_core.domain.prospect import (
    AuthorityRole,
    BantEvidence,
    BuyingStage,
    Channel,
    Company,
    Prospect,
    Seniority,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import ValidationError

A = TypeVar("A", bound=attrs.AttrsInstance)
S = AppointmentState

DEFAULT_START = pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin")
"""The factories' meeting start: Monday 2 March 2026, 10:00 in Berlin."""


def _build(kind: type[A], defaults: dict[str, Any], overrides: dict[str, Any]) -> A:
    fields = tuple(f.name for f in attrs.fields(kind) if f.init)
    for name, value in overrides.items():
        if name not in fields:
            known = ", ".join(fields)
            raise ValidationError(name, value, f"a {kind.__name__} field; known: {known}")
    return kind(**{**defaults, **overrides})


def make_prospect(**overrides: Any) -> Prospect:
    """A VP of Engineering at a 450-person British software company, fully qualified.

    The evidence meets :func:`make_criteria` for a meeting on 2 March 2026: budget
    confirmed (EUR 50,000), decision maker, need confirmed, decision on 15 April 2026,
    intent 80, decision stage, sourced by email.

    Args:
        **overrides: any :class:`~ppa_core.domain.prospect.Prospect` field (``seniority="manager"``,
            ``company=Company(...)``, ``bant=BantEvidence()`` ...).

    Returns:
        The prospect.

    Raises:
        ValidationError: an override that is not a Prospect field, or a bad value.
    """
    defaults: dict[str, Any] = {
        "id": "p-1",
        "name": "Ada Lovelace",
        "job_title": "VP Engineering",
        "seniority": Seniority.VP,
        "function": "Engineering",
        "company": Company(
            name="Analytical Engines Ltd",
            employee_count=450,
            annual_revenue=Money.of(40_000_000, "EUR"),
            industry="software",
            country="GB",
            domain="analytical-engines.example",
        ),
        "bant": BantEvidence(
            budget_confirmed=True,
            budget_amount=Money.of(50_000, "EUR"),
            authority=AuthorityRole.DECISION_MAKER,
            need_confirmed=True,
            need="pipeline coverage",
            decision_date=pendulum.Date(2026, 4, 15),
        ),
        "intent_score": 80,
        "buying_stage": BuyingStage.DECISION,
        "source_channel": Channel.EMAIL,
    }
    return _build(Prospect, defaults, overrides)


def make_criteria(**overrides: Any) -> QualificationCriteria:
    """Typical criteria: director or above, 50+ employees, decision maker, 3 of 4 BANT.

    Timeline holds when the decision is at most 90 days after the meeting.

    Args:
        **overrides: any :class:`~ppa_core.domain.qualification.QualificationCriteria` field.

    Returns:
        The criteria.

    Raises:
        ValidationError: an override that is not a criteria field, or a bad value.
    """
    defaults: dict[str, Any] = {
        "minimum_seniority": Seniority.DIRECTOR,
        "min_employees": 50,
        "bant": BantRequirements(
            required={BantElement.AUTHORITY}, minimum_met=3, max_days_to_decision=90
        ),
    }
    return _build(QualificationCriteria, defaults, overrides)


def _moment(given: dt.datetime | None, default: pendulum.DateTime) -> pendulum.DateTime:
    return default if given is None else v.to_datetime(given, "outcome_at")


def make_appointment(
    state: AppointmentState | str = S.HELD,
    start: dt.datetime = DEFAULT_START,
    *,
    id: str = "a-1",
    prospect: Prospect | None = None,
    booked_at: dt.datetime | None = None,
    duration_minutes: int = 30,
    rescheduled_from: Iterable[dt.datetime] = (),
    confirmed: bool = False,
    outcome_at: dt.datetime | None = None,
    actor: Actor | None = None,
    attendance: Attendance | None = None,
    absent: Actor | frozenset[Actor] = Actor.PROSPECT,
) -> Appointment:
    """An appointment in ``state``, driven through the real transitions.

    Booked a week before its first start and scheduled at once (the prospect accepted);
    confirmed then when asked; rescheduled one minute apart through ``rescheduled_from``
    to ``start``; confirmed last when the state is confirmed. A cancelled or void
    appointment leaves from scheduled (or confirmed).

    Args:
        state: the final state (default held).
        start: the meeting start after any reschedules (default :data:`DEFAULT_START`).
        id: the appointment's id.
        prospect: the prospect (default :func:`make_prospect`).
        booked_at: when it was proposed (default 7 days before the earliest start).
        duration_minutes: the planned length (default 30).
        rescheduled_from: earlier starts, oldest first: proposed at the first, moved to
            each next one and finally to ``start``.
        confirmed: the prospect re-confirmed right after scheduling, before any reschedule.
        outcome_at: when the outcome was recorded (default: held at the planned end,
            no-show 15 minutes after the start, cancelled or void 2 days before it).
        actor: who recorded the outcome (default: the prospect cancels, the agency
            records everything else).
        attendance: the attendance of a held meeting (default: both attended in full).
        absent: who missed a no-show (default the prospect).

    Returns:
        The appointment.

    Raises:
        ValidationError: an unknown state, a naive datetime, attendance, absence,
            reschedules or confirmation given for a state they cannot lead to, or
            timestamps that go backwards.
        TransitionNotAllowed: an outcome recorded before the start.
    """
    target = v.to_enum(AppointmentState, "state", state)
    meeting = v.to_datetime(start, "start")
    earlier = [v.to_datetime(s, f"rescheduled_from[{i}]") for i, s in enumerate(rescheduled_from)]
    if attendance is not None and target is not S.HELD:
        raise ValidationError("attendance", attendance, "given only for state 'held'")
    if absent is not Actor.PROSPECT and target is not S.NO_SHOW:
        raise ValidationError("absent", absent, "given only for state 'no_show'")
    booked = (
        v.to_datetime(booked_at, "booked_at")
        if booked_at is not None
        else min([meeting, *earlier]).subtract(days=7)
    )
    appointment = Appointment.propose(
        id,
        prospect if prospect is not None else make_prospect(),
        start=earlier[0] if earlier else meeting,
        at=booked,
        duration_minutes=duration_minutes,
    )
    if target is S.PROPOSED and (earlier or confirmed):
        name, value = ("rescheduled_from", earlier) if earlier else ("confirmed", confirmed)
        raise ValidationError(name, value, "left out for state 'proposed' (it is not scheduled)")
    if target is S.PROPOSED:
        return appointment
    appointment = appointment.schedule(at=booked)
    if confirmed:
        appointment = appointment.confirm(at=booked)
    moves = [*earlier[1:], meeting] if earlier else []
    for i, new_start in enumerate(moves, start=1):
        appointment = appointment.reschedule(to=new_start, at=booked.add(minutes=i))
    if target is S.CONFIRMED and appointment.state is not S.CONFIRMED:
        appointment = appointment.confirm(at=booked.add(minutes=len(moves) + 1))
    if target is S.SCHEDULED and appointment.state is not S.SCHEDULED:
        raise ValidationError(
            "confirmed", confirmed, "False for state 'scheduled', unless rescheduled after"
        )
    if target is S.HELD:
        return appointment.hold(
            at=_moment(outcome_at, appointment.end),
            attendance=attendance or Attendance(attended_minutes=duration_minutes),
            actor=actor or Actor.AGENCY,
        )
    if target is S.NO_SHOW:
        return appointment.no_show(
            at=_moment(outcome_at, meeting.add(minutes=15)),
            absent=absent,
            actor=actor or Actor.AGENCY,
        )
    if target is S.CANCELLED:
        return appointment.cancel(
            at=_moment(outcome_at, meeting.subtract(days=2)), actor=actor or Actor.PROSPECT
        )
    if target is S.VOID:
        return appointment.void(
            at=_moment(outcome_at, meeting.subtract(days=2)), actor=actor or Actor.AGENCY
        )
    return appointment


_TERMS_FIELDS = frozenset(f.name for f in attrs.fields(ContractTerms) if f.init)


def make_contract(**overrides: Any) -> Contract:
    """Outbound Co books meetings for Acme GmbH at EUR 350 each, from 1 January 2026 in Berlin.

    The terms use :func:`make_criteria` and the market defaults of the no-show policy;
    billing periods are calendar months.

    Args:
        **overrides: any :class:`~ppa_core.domain.contract.Contract` field, or any
            :class:`~ppa_core.domain.contract.ContractTerms` field (``cap=10``,
            ``pricing=...``) applied to the initial terms. A ``currency`` override
            alone moves the default price to that currency.

    Returns:
        The contract.

    Raises:
        ValidationError: an override that is neither a Contract nor a ContractTerms
            field, both ``terms`` and a term field, or a bad value.
    """
    term_changes = {k: overrides.pop(k) for k in list(overrides) if k in _TERMS_FIELDS}
    if term_changes and "terms" in overrides:
        name = sorted(term_changes)[0]
        raise ValidationError(name, term_changes[name], "not given together with 'terms'")
    cur = currency(overrides.get("currency", "EUR"))
    terms = _build(
        ContractTerms,
        {"pricing": PerAppointment(price=Money.of(350, cur)), "criteria": make_criteria()},
        term_changes,
    )
    defaults: dict[str, Any] = {
        "id": "c-1",
        "agency": "Outbound Co",
        "client": "Acme GmbH",
        "currency": cur,
        "timezone": "Europe/Berlin",
        "term": Term(start=pendulum.Date(2026, 1, 1)),
        "terms": terms,
    }
    return _build(Contract, defaults, overrides)
