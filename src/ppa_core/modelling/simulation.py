"""One simulated run of a campaign plan: concrete appointments, priced by the real engine.

A run draws the plan's rates, then every meeting's fate, builds real
:class:`~ppa_core.domain.appointment.Appointment` objects (booked, scheduled, then
held or a no-show, with their attendance facts) and has the
:class:`~ppa_core.rules.engine.BillingEngine` decide them under each model's
contract. Costs are what the invoices of the campaign's billing periods would
total (a test checks that against :func:`~ppa_core.billing.invoice.build_invoice`;
contracts with a guarantee are priced by building those invoices).

**Reproducible everywhere.** Each run draws from its own seeded streams
(:mod:`~ppa_core.modelling.sampling`): a run never depends on the runs before
it, on how runs are split between processes, or on the machine.

**Fast where it can be.** :meth:`Simulator.outcome` prices the meetings of a
contract that decides each appointment alone from the engine's verdict on each
kind of meeting, kept (:mod:`~ppa_core.modelling.verdict_cache`);
:meth:`Simulator.realize` has the engine decide each month whole. Both give the
same figures (tested).

**How facts are laid out.** The plan's qualification rate replaces the
contract's criteria (a qualified prospect has intent score 100, the criteria
ask for 50). Every meeting has its own prospect and company, so the duplicate
rule never fires. Meetings are spread evenly over each billing period
(a van der Corput sequence), booked ``booking_lead_days`` before they start,
and their outcomes are recorded at the end of the meeting; the facts are read
one day after the last period ends.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.pricing import Commission, Hybrid, PayPerLead, PerAppointment, Retainer
from ppa_core.domain.prospect import Company, Prospect, Seniority
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.modelling.sampling import (
    DEALS,
    HOST_NO_SHOW,
    LATE_JOIN,
    NO_SHOW,
    SHORT,
    Draw,
    Kind,
    draw,
    generator,
    stream_seed,
)
from ppa_core.modelling.verdict_cache import Fate, add, decides_alone, fate_of
from ppa_core.rules.engine import BillingEngine

__all__ = [
    "SIMULATED_CRITERIA",
    "Realization",
    "RunOutcome",
    "Simulator",
    "for_simulation",
    "stream_seed",
]

SIMULATED_CRITERIA = QualificationCriteria(min_intent_score=50)
"""The criteria simulated contracts use: qualified prospects score 100, the others 0."""

_QUALIFIED, _UNQUALIFIED = 100, 0


def for_simulation(contract: Contract) -> Contract:
    """``contract`` with :data:`SIMULATED_CRITERIA` in every version of its terms."""

    def swap(terms: ContractTerms) -> ContractTerms:
        return attrs.evolve(terms, criteria=SIMULATED_CRITERIA)

    amendments = tuple(attrs.evolve(a, terms=swap(a.terms)) for a in contract.amendments)
    return attrs.evolve(contract, terms=swap(contract.terms), amendments=amendments)


@attrs.frozen
class RunOutcome:
    """What one simulated run produced, and what it cost under each model.

    Attributes:
        run: the run's number (0-based).
        appointments: meetings set over the campaign.
        leads: leads delivered (equal to ``appointments`` when the plan sets meetings).
        shows: meetings the prospect joined (late or not).
        meetings: qualified meetings held, as the reference contract judges them
            (the common denominator of every model's cost per meeting).
        opportunities: sales opportunities those meetings produced.
        deals: opportunities won.
        revenue: the value of the deals won (zero without a deal value).
        costs: the campaign's cost under each model, in the scenario's model order.
    """

    run: int
    appointments: int
    leads: int
    shows: int
    meetings: int
    opportunities: int
    deals: int
    revenue: Money
    costs: tuple[Money, ...]


@attrs.frozen
class Realization:
    """The concrete facts of one run, for inspection or for building its invoices.

    Attributes:
        run: the run's number.
        periods: the campaign's billing periods.
        appointments: every appointment, with its full history.
        leads: leads delivered per period.
        closed_value: the value of the deals won per period (by meeting date).
        as_of: the moment the facts are read.
    """

    run: int
    periods: tuple[BillingPeriod, ...]
    appointments: tuple[Appointment, ...]
    leads: tuple[int, ...]
    closed_value: tuple[Money, ...]
    as_of: pendulum.DateTime


def _spread(index: int) -> tuple[int, int]:
    """The van der Corput fraction of ``index`` (0, 1/2, 1/4, 3/4, 1/8 ...) as (num, den)."""
    numerator, denominator = 0, 1
    while index:
        denominator <<= 1
        numerator = (numerator << 1) | (index & 1)
        index >>= 1
    return numerator, denominator


def _bills_appointments(contract: Contract) -> bool:
    versions = (contract.terms, *(a.terms for a in contract.amendments))
    return any(isinstance(t.pricing, PerAppointment | Hybrid) for t in versions)


def _has_guarantee(contract: Contract) -> bool:
    versions = (contract.terms, *(a.terms for a in contract.amendments))
    return any(t.guarantee is not None for t in versions)


def _has_period_charges(contract: Contract) -> bool:
    """Whether some terms bill flat fees, a setup fee or a commitment (invoices price those)."""
    versions = (contract.terms, *(a.terms for a in contract.amendments))
    for terms in versions:
        pricing = terms.pricing
        per = pricing.per_appointment if isinstance(pricing, Hybrid) else pricing
        flat = isinstance(per, PerAppointment) and per.has_flat_fees
        if flat or terms.setup_fee is not None or terms.commitment is not None:
            return True
    return False


_Charges = tuple[Decimal | None, PayPerLead | None, Commission | None, RoundingMode]
"""One period's charges under one model: the retainer fee, rounded; the per-lead pricing;
the commission pricing; the rounding mode."""

_ORDERS_LIMIT = 4096
"""Meeting orders a simulator keeps (one per distinct count of meetings per period)."""


class Simulator:
    """Runs a plan against a reference contract and prices it under model contracts.

    Build one per process; it caches the appointments it builds and the engine's
    verdicts on them (a run reuses them), so it is not shared between threads.
    ``like``: a simulator that lays out the same meetings (time zone, periods, start,
    seniorities, booking lead, minutes) gives this one its meetings and its engines for
    equal contracts, with their kept verdicts; use both in one thread only.
    """

    def __init__(
        self,
        plan: CampaignPlan,
        reference: Contract,
        models: Sequence[Contract],
        *,
        like: Simulator | None = None,
    ) -> None:
        self.plan = plan
        volume = plan.leads if plan.leads is not None else plan.appointments
        if volume is None:  # CampaignPlan refuses this; a hand-made object might not
            raise ValidationError("appointments", None, "given, or leads given instead")
        self._volume = volume
        self.reference = reference
        self.models = tuple(models)
        day = plan.start or reference.term.start
        first_day = pendulum.datetime(day.year, day.month, day.day, tz=reference.timezone)
        periods = [reference.period_containing(first_day)]
        while len(periods) < plan.periods:
            periods.append(reference.period_containing(periods[-1].end))
        self.periods = tuple(periods)
        self._start = max(periods[0].start, first_day)
        self.as_of = self.periods[-1].end.add(days=1)
        self._zero = Money.zero(reference.currency).amount
        self._undecided = Fate(self._zero, held=False, period=None)
        mix = plan.seniority_mix
        self._seniorities: tuple[Seniority | None, ...] = tuple(s for s, _ in mix) or (None,)
        # What the meetings built and the engines' verdicts on them depend on: a simulator
        # ``like`` this one in it shares them, in the same thread (a sweep's next point).
        timing = (plan.meeting_minutes, plan.late_join_minutes, plan.short_meeting_minutes)
        layout = (reference.timezone, self.periods, self._start, self._seniorities)
        self._shape = (*layout, plan.booking_lead_days, timing)
        if like is not None and like._shape != self._shape:
            like = None
        self._engines: list[tuple[Contract, BillingEngine]] = []
        # Per engine pass: each kind of meeting's fate, when the contract decides each
        # appointment alone (None: the pass decides each month's appointments together).
        self._kept: list[dict[Kind, Fate] | None] = []
        self._reference_pass = self._engine_index(reference, like)
        # Per model: the engine pass whose amounts it bills (None: it bills period fees
        # only), and the engine that builds its invoices when a guarantee needs them.
        self._model_pass: list[int | None] = []
        self._invoiced: list[BillingEngine | None] = []
        for contract in self.models:
            bills = _bills_appointments(contract)
            self._model_pass.append(self._engine_index(contract, like) if bills else None)
            invoicing = None
            if _has_guarantee(contract) or _has_period_charges(contract):
                invoicing = self._engines[self._engine_index(contract, like)][1]
            self._invoiced.append(invoicing)
        self._period_index = {p.start: k for k, p in enumerate(self.periods)}
        weights = [w for _, w in mix] or [1]
        total = sum(weights)
        self._thresholds = [sum(weights[: i + 1]) / total for i in range(len(weights) - 1)]
        self._appointments: dict[Kind, Appointment] = {}
        self._booked: dict[tuple[int, int, bool, int], Appointment] = {}
        self._starts: dict[tuple[int, int], pendulum.DateTime] = {}
        self._orders: dict[tuple[int, ...], list[int]] = {}
        if like is not None:  # only shared, not kept: a chain of simulators would stay alive
            self._appointments, self._booked = like._appointments, like._booked
            self._starts, self._orders = like._starts, like._orders
        self._charges = [self._period_charges(contract) for contract in self.models]
        self._per_lead: dict[tuple[int, int, int], Decimal] = {}

    # -- set-up ------------------------------------------------------------------------

    def _engine_index(self, contract: Contract, like: Simulator | None) -> int:
        for i, (known, _) in enumerate(self._engines):
            if known == contract:
                return i
        if like is not None:
            for i, (known, engine) in enumerate(like._engines):
                if known == contract:  # its engine, with the verdicts it has kept
                    self._engines.append((known, engine))
                    self._kept.append(like._kept[i])
                    return len(self._engines) - 1
        self._engines.append((contract, BillingEngine(contract)))
        self._kept.append({} if decides_alone(contract) else None)
        return len(self._engines) - 1

    # -- drawing -----------------------------------------------------------------------

    def _draw(self, seed: int, run: int) -> Draw:
        return draw(self.plan, self._volume, len(self.periods), self._thresholds, seed, run)

    def _slot_start(self, period: int, slot: int) -> pendulum.DateTime:
        found = self._starts.get((period, slot))
        if found is None:
            window = self.periods[period]
            low = max(window.start, self._start)
            span = int((window.end - low).total_seconds()) // 60
            numerator, denominator = _spread(slot)
            found = self._starts[period, slot] = low.add(minutes=span * numerator // denominator)
        return found

    def _appointment(self, kind: Kind) -> Appointment:
        found = self._appointments.get(kind)
        if found is None:
            found = self._appointments[kind] = self._build(*kind)
        return found

    def _build(
        self, period: int, slot: int, kind: int, qualified: bool, seniority: int
    ) -> Appointment:
        plan = self.plan
        start = self._slot_start(period, slot)
        minutes = plan.meeting_minutes
        booked = self._booked.get((period, slot, qualified, seniority))
        if booked is None:  # one booking per prospect: the five outcomes share it
            name = f"{period + 1}-{slot + 1}"
            prospect = Prospect(
                id=f"sim-p{name}",
                name=f"Prospect {name}",
                job_title="Head of Operations",
                company=Company(name=f"Company {name}"),
                seniority=self._seniorities[seniority],
                intent_score=_QUALIFIED if qualified else _UNQUALIFIED,
            )
            booked = self._booked[period, slot, qualified, seniority] = Appointment.book(
                _appointment_id(period, slot),
                prospect,
                start=start,
                at=start.subtract(days=plan.booking_lead_days),
                duration_minutes=minutes,
            )
        end = start.add(minutes=minutes)
        if kind == NO_SHOW:
            return booked.no_show(at=end, absent=Actor.PROSPECT)
        if kind == HOST_NO_SHOW:
            return booked.no_show(at=end, absent=Actor.CLIENT)
        if kind == LATE_JOIN:
            delay = plan.late_join_minutes
            attendance = Attendance(attended_minutes=minutes - delay, join_delay_minutes=delay)
        elif kind == SHORT:
            attendance = Attendance(attended_minutes=plan.short_meeting_minutes)
        else:
            attendance = Attendance(attended_minutes=minutes)
        return booked.hold(at=end, attendance=attendance)

    def _order(self, counts: tuple[int, ...]) -> list[int]:
        """The meetings' positions in the engine's order: by start instant, then id."""
        found = self._orders.get(counts)
        if found is None:
            slots = [(p, s) for p, count in enumerate(counts) for s in range(count)]
            keys = [(self._slot_start(p, s).timestamp(), _appointment_id(p, s)) for p, s in slots]
            found = sorted(range(len(slots)), key=keys.__getitem__)
            if len(self._orders) >= _ORDERS_LIMIT:
                self._orders.clear()
            self._orders[counts] = found
        return found

    # -- deciding ----------------------------------------------------------------------

    def _fates(self, index: int, kinds: list[Kind], alone: bool) -> list[Fate]:
        """Each meeting's fate under engine pass ``index``, in the order of ``kinds``.

        ``alone``: take each kind's kept verdict when the pass decides appointments
        alone; otherwise the engine decides the month's appointments together.
        """
        kept = self._kept[index] if alone else None
        if kept is not None:
            missing = [kind for kind in kinds if kind not in kept]
            if missing:  # the kinds new in this month, decided together (the same as alone)
                kept.update(zip(missing, self._fates(index, missing, alone=False), strict=True))
            return [kept[kind] for kind in kinds]
        appointments = [self._appointment(kind) for kind in kinds]
        decisions = self._engines[index][1].decide_all(appointments, as_of=self.as_of)
        by_id = {d.appointment_id: fate_of(d, self._period_index) for d in decisions}
        # An appointment not booked yet at as_of has no decision (none is, as laid out).
        return [by_id.get(a.id, self._undecided) for a in appointments]

    # -- running -----------------------------------------------------------------------

    def realize(self, seed: int, run: int) -> tuple[Realization, RunOutcome]:
        """The facts of run ``run`` and what they cost, each month decided whole by the engine."""
        draw = self._draw(seed, run)
        outcome, closed = self._priced(seed, run, draw, alone=False)
        return self._facts(run, draw, closed), outcome

    def outcome(self, seed: int, run: int) -> RunOutcome:
        """What run ``run`` cost under each model (equal to :meth:`realize`'s outcome).

        Contracts that decide each appointment alone are priced from the engine's
        kept verdicts (:mod:`~ppa_core.modelling.verdict_cache`).
        """
        return self._priced(seed, run, self._draw(seed, run), alone=True)[0]

    def _facts(self, run: int, draw: Draw, closed: tuple[Money, ...]) -> Realization:
        appointments = tuple(self._appointment(kind) for kind in draw.kinds)
        return Realization(run, self.periods, appointments, tuple(draw.leads), closed, self.as_of)

    def _priced(
        self, seed: int, run: int, draw: Draw, *, alone: bool
    ) -> tuple[RunOutcome, tuple[Money, ...]]:
        """The run's outcome and the value of the deals closed in each period."""
        kinds, currency, zero = draw.kinds, self.reference.currency, self._zero
        passes: dict[int, list[Fate]] = {}

        def fates(index: int) -> list[Fate]:
            found = passes.get(index)
            if found is None:
                found = passes[index] = self._fates(index, kinds, alone)
            return found

        closed = [zero] * len(self.periods)
        meetings = opportunities = deals = 0
        deal_value = self.plan.deal_value
        values: random.Random | None = None
        opportunity_rate, close_rate = draw.rates["opportunity_rate"], draw.rates["close_rate"]
        reference, later = fates(self._reference_pass), draw.later
        # In the engine's order (meeting start, then id): deal values are drawn in it.
        for i in self._order(draw.counts):
            fate = reference[i]
            if not fate.held:
                continue
            meetings += 1
            u_opportunity, u_close = later[i]
            if u_opportunity >= opportunity_rate:
                continue
            opportunities += 1
            if u_close >= close_rate:
                continue
            deals += 1
            if deal_value is not None and fate.period is not None:
                if values is None:
                    values = generator(seed, run, DEALS)
                closed[fate.period] = add(closed[fate.period], (deal_value.sample(values).amount,))
        closed_value = tuple(Money(value, currency) for value in closed)
        facts: Realization | None = None
        costs = []
        for model, (contract, index, invoicing) in enumerate(
            zip(self.models, self._model_pass, self._invoiced, strict=True)
        ):
            if invoicing is not None:
                facts = facts or self._facts(run, draw, closed_value)
                costs.append(self._invoiced_cost(contract, invoicing, facts))
                continue
            billed = zero if index is None else add(zero, [f.amount for f in fates(index)])
            fees = self._fees(model, draw.leads, closed_value)
            costs.append(Money(add(billed, fees), currency))
        outcome = RunOutcome(
            run,
            len(kinds),
            sum(draw.leads),
            draw.shows,
            meetings,
            opportunities,
            deals,
            Money(add(zero, closed), currency),
            tuple(costs),
        )
        return outcome, closed_value

    def _fees(self, model: int, leads: list[int], closed: tuple[Money, ...]) -> list[Decimal]:
        """The period fees an invoice adds (retainer, leads, commission), as invoices round them."""
        fees: list[Decimal] = []
        for k, (fee, per_lead, commission, rounding) in enumerate(self._charges[model]):
            if fee is not None:
                fees.append(fee)
            if per_lead is not None:
                key = (model, k, leads[k])
                found = self._per_lead.get(key)
                if found is None:
                    found = (per_lead.price_per_lead * leads[k]).rounded(rounding).amount
                    self._per_lead[key] = found
                fees.append(found)
            if commission is not None:
                value = closed[k]
                total = Money.total(commission.commissions([value]), value.currency)
                fees.append(total.rounded(rounding).amount)
        return fees

    def _period_charges(self, contract: Contract) -> list[_Charges]:
        """Per period: the retainer fee rounded, the per-lead and commission pricings."""
        charges: list[_Charges] = []
        for period in self.periods:
            terms = contract.terms_at(period.start)
            pricing, rounding = terms.pricing, terms.rounding
            retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
            fee = retainer.fee.rounded(rounding).amount if isinstance(retainer, Retainer) else None
            per_lead = pricing if isinstance(pricing, PayPerLead) else None
            commission = pricing if isinstance(pricing, Commission) else None
            charges.append((fee, per_lead, commission, rounding))
        return charges

    def _invoiced_cost(
        self, contract: Contract, engine: BillingEngine, facts: Realization
    ) -> Money:
        invoices: list[Invoice] = []
        for k, period in enumerate(facts.periods):
            invoices.append(
                build_invoice(
                    contract,
                    facts.appointments,
                    period,
                    as_of=facts.as_of,
                    previous=invoices,
                    leads=facts.leads[k],
                    closed_value=facts.closed_value[k],
                    engine=engine,
                )
            )
        return Money.total((i.total for i in invoices), contract.currency)


def _appointment_id(period: int, slot: int) -> str:
    return f"sim-{period + 1}-{slot + 1}"
