"""One simulated run of a campaign plan: concrete appointments, priced by the real engine.

A run draws the plan's rates, then every meeting's fate, builds real
:class:`~ppa_core.domain.appointment.Appointment` objects (booked, scheduled, then
held or a no-show, with their attendance facts) and has the
:class:`~ppa_core.rules.engine.BillingEngine` decide them under each model's
contract. Costs are what the invoices of the campaign's billing periods would
total (a test checks that against :func:`~ppa_core.billing.invoice.build_invoice`;
contracts with a guarantee are priced by building those invoices).

**Reproducible everywhere.** Run ``r`` of seed ``s`` draws from
``random.Random((s * 1_000_003 + r) * 64 + k)``, one generator per stream
``k`` (0 the per-period counts, 1 the meetings, 2 the deal values, 10 and up
one per rate of :data:`~ppa_core.modelling.plan.RATE_FIELDS`): a run never depends on
the runs before it, on how runs are split between processes, or on the
machine. Each meeting draws eight numbers whatever happens to it, so raising
the show rate turns some no-shows into meetings and changes nothing else
(common random numbers: comparisons across rates are smooth).

**How facts are laid out.** The plan's qualification rate replaces the
contract's criteria (a qualified prospect has intent score 100, the criteria
ask for 50). Every meeting has its own prospect and company, so the duplicate
rule never fires. Meetings are spread evenly over each billing period
(a van der Corput sequence), booked ``booking_lead_days`` before they start,
and their outcomes are recorded at the end of the meeting; the facts are read
one day after the last period ends.
"""

from __future__ import annotations

import bisect
import decimal
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import attrs
import pendulum

from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor
from ppa_core.domain.money import Money
from ppa_core.domain.pricing import Commission, Hybrid, PayPerLead, PerAppointment, Retainer
from ppa_core.domain.prospect import Company, Prospect, Seniority
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.rules.engine import BillingEngine
from ppa_core.rules.verdict import Decision

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
_COUNTS, _MEETINGS, _DEALS, _RATES = 0, 1, 2, 10
_HELD, _NO_SHOW, _HOST_NO_SHOW, _LATE_JOIN, _SHORT = range(5)


def stream_seed(seed: int, run: int, stream: int) -> int:
    """The seed of one random stream of one run (see the module's docstring)."""
    return (seed * 1_000_003 + run) * 64 + stream


def _generator(seed: int, run: int, stream: int) -> random.Random:
    # Reproducible simulation, not cryptography: a seeded Mersenne Twister is the point.
    return random.Random(stream_seed(seed, run, stream))  # noqa: S311


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


def _whole(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))


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


class _Draw(NamedTuple):
    appointments: list[Appointment]
    leads: list[int]
    later: dict[str, tuple[float, float]]  # per appointment id: opportunity and close draws
    rates: dict[str, float]
    shows: int


class Simulator:
    """Runs a plan against a reference contract and prices it under model contracts.

    Build one per process; it caches the appointments it builds (a run reuses
    them), so it is not shared between threads.
    """

    def __init__(self, plan: CampaignPlan, reference: Contract, models: Sequence[Contract]) -> None:
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
        self._engines: list[tuple[Contract, BillingEngine]] = []
        self._reference_pass = self._engine_index(reference)
        # Per model: the engine pass whose amounts it bills (None: it bills period fees
        # only), and the engine that builds its invoices when a guarantee needs them.
        self._model_pass: list[int | None] = []
        self._invoiced: list[BillingEngine | None] = []
        for contract in self.models:
            bills = _bills_appointments(contract)
            self._model_pass.append(self._engine_index(contract) if bills else None)
            invoicing = None
            if _has_guarantee(contract) or _has_period_charges(contract):
                invoicing = self._engines[self._engine_index(contract)][1]
            self._invoiced.append(invoicing)
        self._period_index = {p.start: k for k, p in enumerate(self.periods)}
        mix = plan.seniority_mix
        self._seniorities: tuple[Seniority | None, ...] = tuple(s for s, _ in mix) or (None,)
        weights = [w for _, w in mix] or [1]
        total = sum(weights)
        self._thresholds = [sum(weights[: i + 1]) / total for i in range(len(weights) - 1)]
        self._appointments: dict[tuple[int, int, int, bool, int], Appointment] = {}

    # -- set-up ------------------------------------------------------------------------

    def _engine_index(self, contract: Contract) -> int:
        for i, (known, _) in enumerate(self._engines):
            if known == contract:
                return i
        self._engines.append((contract, BillingEngine(contract)))
        return len(self._engines) - 1

    # -- drawing -----------------------------------------------------------------------

    def _rates(self, seed: int, run: int) -> dict[str, float]:
        rates: dict[str, float] = {}
        for k, (name, distribution) in enumerate(self.plan.rates()):
            if distribution is None:
                continue
            rng = _generator(seed, run, _RATES + k)
            rates[name] = float(distribution.sample(rng))
        return rates

    def _draw(self, seed: int, run: int) -> _Draw:
        """The run's appointments, leads per period, later draws per meeting, rates, shows."""
        plan = self.plan
        rates = self._rates(seed, run)
        show, host = rates["show_rate"], rates["host_no_show_rate"]
        late, short = rates["late_join_share"], rates["short_meeting_share"]
        qualify = rates["qualification_rate"]
        counts = _generator(seed, run, _COUNTS)
        meetings = _generator(seed, run, _MEETINGS).random
        converts = rates.get("lead_to_meeting_rate") if plan.leads is not None else None
        thresholds = self._thresholds
        cache = self._appointments
        appointments: list[Appointment] = []
        leads: list[int] = []
        later: dict[str, tuple[float, float]] = {}
        shows = 0
        for period in range(len(self.periods)):
            delivered = _whole(self._volume.sample(counts))
            count = delivered
            if converts is not None:
                count = sum(1 for _ in range(delivered) if counts.random() < converts)
            leads.append(delivered)
            for slot in range(count):
                u_show, u_host, u_late, u_short = meetings(), meetings(), meetings(), meetings()
                u_qualify, u_seniority, u_opportunity, u_close = (
                    meetings(),
                    meetings(),
                    meetings(),
                    meetings(),
                )
                if u_show >= show:
                    kind = _NO_SHOW
                elif u_host < host:
                    kind = _HOST_NO_SHOW
                elif u_late < late:
                    kind = _LATE_JOIN
                elif u_short < short:
                    kind = _SHORT
                else:
                    kind = _HELD
                shows += kind != _NO_SHOW
                seniority = bisect.bisect_right(thresholds, u_seniority)
                key = (period, slot, kind, u_qualify < qualify, seniority)
                appointment = cache.get(key)
                if appointment is None:
                    appointment = cache[key] = self._build(*key)
                appointments.append(appointment)
                later[appointment.id] = (u_opportunity, u_close)
        return _Draw(appointments, leads, later, rates, shows)

    def _build(
        self, period: int, slot: int, kind: int, qualified: bool, seniority: int
    ) -> Appointment:
        plan = self.plan
        window = self.periods[period]
        low = max(window.start, self._start)
        span = int((window.end - low).total_seconds()) // 60
        numerator, denominator = _spread(slot)
        start = low.add(minutes=span * numerator // denominator)
        name = f"{period + 1}-{slot + 1}"
        prospect = Prospect(
            id=f"sim-p{name}",
            name=f"Prospect {name}",
            job_title="Head of Operations",
            company=Company(name=f"Company {name}"),
            seniority=self._seniorities[seniority],
            intent_score=_QUALIFIED if qualified else _UNQUALIFIED,
        )
        minutes = plan.meeting_minutes
        booked = Appointment.book(
            f"sim-{name}",
            prospect,
            start=start,
            at=start.subtract(days=plan.booking_lead_days),
            duration_minutes=minutes,
        )
        end = start.add(minutes=minutes)
        if kind == _NO_SHOW:
            return booked.no_show(at=end, absent=Actor.PROSPECT)
        if kind == _HOST_NO_SHOW:
            return booked.no_show(at=end, absent=Actor.CLIENT)
        if kind == _LATE_JOIN:
            delay = plan.late_join_minutes
            attendance = Attendance(attended_minutes=minutes - delay, join_delay_minutes=delay)
        elif kind == _SHORT:
            attendance = Attendance(attended_minutes=plan.short_meeting_minutes)
        else:
            attendance = Attendance(attended_minutes=minutes)
        return booked.hold(at=end, attendance=attendance)

    # -- running -----------------------------------------------------------------------

    def realize(self, seed: int, run: int) -> tuple[Realization, RunOutcome]:
        """The facts of run ``run`` and what they cost under each model."""
        appointments, leads, later, rates, shows = self._draw(seed, run)
        as_of = self.as_of
        decisions: dict[int, tuple[Decision, ...]] = {}

        def decided(index: int) -> tuple[Decision, ...]:
            found = decisions.get(index)
            if found is None:
                found = decisions[index] = self._engines[index][1].decide_all(
                    appointments, as_of=as_of
                )
            return found

        currency = self.reference.currency
        zero = Money.zero(currency)
        closed = [zero] * len(self.periods)
        meetings = opportunities = deals = 0
        deal_value = self.plan.deal_value
        values = _generator(seed, run, _DEALS)
        opportunity_rate, close_rate = rates["opportunity_rate"], rates["close_rate"]
        for decision in decided(self._reference_pass):
            if not decision.is_qualified_held:
                continue
            meetings += 1
            u_opportunity, u_close = later[decision.appointment_id]
            if u_opportunity >= opportunity_rate:
                continue
            opportunities += 1
            if u_close >= close_rate:
                continue
            deals += 1
            if deal_value is not None and decision.period_start is not None:
                k = self._period_index[decision.period_start]
                closed[k] = closed[k] + deal_value.sample(values)
        revenue = Money.total(closed, currency)
        realization = Realization(
            run, self.periods, tuple(appointments), tuple(leads), tuple(closed), as_of
        )
        costs = []
        for contract, index, invoicing in zip(
            self.models, self._model_pass, self._invoiced, strict=True
        ):
            if invoicing is not None:
                costs.append(self._invoiced_cost(contract, invoicing, realization))
                continue
            billed = Money.zero(currency)
            if index is not None:
                billed = Money.total((d.amount for d in decided(index)), currency)
            costs.append(billed + self._fees(contract, leads, closed))
        outcome = RunOutcome(
            run,
            len(appointments),
            sum(leads),
            shows,
            meetings,
            opportunities,
            deals,
            revenue,
            tuple(costs),
        )
        return realization, outcome

    def outcome(self, seed: int, run: int) -> RunOutcome:
        """What run ``run`` cost under each model."""
        return self.realize(seed, run)[1]

    def _fees(self, contract: Contract, leads: list[int], closed: list[Money]) -> Money:
        """The period fees an invoice adds (retainer, leads, commission), as invoices round them."""
        total = Money.zero(contract.currency)
        for period, delivered, value in zip(self.periods, leads, closed, strict=True):
            terms = contract.terms_at(period.start)
            pricing, rounding = terms.pricing, terms.rounding
            retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
            if isinstance(retainer, Retainer):
                total += retainer.fee.rounded(rounding)
            if isinstance(pricing, PayPerLead):
                total += (pricing.price_per_lead * delivered).rounded(rounding)
            if isinstance(pricing, Commission):
                total += Money.total(pricing.commissions([value]), value.currency).rounded(rounding)
        return total

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
