"""Strategies for no-show policies, contract terms and contracts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from ppa_core import _validation as v
from ppa_core.domain.commitment import Commitment
from ppa_core.domain.contract import (
    Amendment,
    BillingPeriodRule,
    Contract,
    ContractTerms,
    PeriodKind,
    Term,
)
from ppa_core.domain.duplicates import DuplicateRule, DuplicateScope
from ppa_core.domain.guarantee import Guarantee, GuaranteeRemedy
from ppa_core.domain.lifecycle import Actor
from ppa_core.domain.money import Currency, Money, RoundingMode
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import (
    Commission,
    CommissionTier,
    Hybrid,
    Package,
    PayPerLead,
    PerAppointment,
    Pricing,
    PricingModel,
    Retainer,
    Tier,
    TierMode,
)
from ppa_core.domain.prospect import Seniority
from ppa_core.exceptions import ValidationError
from ppa_core.testing._document_terms import parties, payment_terms, tax_treatments
from ppa_core.testing._prospects import _COMPANY_NAMES
from ppa_core.testing._qualification import _criteria
from ppa_core.testing._values import (
    TIMEZONES,
    _currency_option,
    _flags,
    _ids,
    _maybe,
    _pdate,
    _subsets,
    _zone_option,
    currencies,
    money,
)

_FEES = st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-2))
# Each term of the policy that may differ from the market default, and how to draw it;
# a yes/no term is its flipped default, so its flag is its only draw.
_POLICY_TERMS: tuple[tuple[str, st.SearchStrategy[Any] | None], ...] = (
    ("grace_minutes", st.integers(0, 30)),
    ("minimum_duration_minutes", st.integers(0, 45)),
    ("prospect_no_show_fee", _FEES),
    ("replacement_days", st.integers(1, 30)),
    ("host_no_show_billable", None),
    ("late_cancellation_hours", st.integers(0, 72)),
    ("late_prospect_cancellation_is_no_show", None),
    ("client_late_cancellation_billable", None),
    ("free_reschedules", st.integers(0, 5)),
    ("reschedule_window_days", st.integers(0, 90)),
    ("correction_window_days", st.integers(0, 30)),
    ("unknown_canceller", st.sampled_from((Actor.CLIENT, Actor.AGENCY))),
    ("unknown_attendance_billable", None),
)
_POLICY_DEFAULTS = {f.name: f.default for f in attrs.fields(NoShowPolicy)}


@st.composite
def _policies(draw: st.DrawFn) -> NoShowPolicy:
    on = draw(_flags(len(_POLICY_TERMS)))
    given = {
        name: (not _POLICY_DEFAULTS[name]) if strategy is None else draw(strategy)
        for i, (name, strategy) in enumerate(_POLICY_TERMS)
        if on >> i & 1
    }
    return NoShowPolicy(**given)


def no_show_policies() -> st.SearchStrategy[NoShowPolicy]:
    """No-show, cancellation, reschedule and correction terms, each the default or any value.

    Shrinks towards the market defaults, ``NoShowPolicy()``.

    Returns:
        A strategy of :class:`~ppa_core.domain.policy.NoShowPolicy`.
    """
    return _policies()


_POLICIES = no_show_policies()


def _models_option(models: Iterable[PricingModel | str] | None) -> tuple[PricingModel, ...]:
    if models is None:
        return tuple(PricingModel)
    if isinstance(models, str) or not isinstance(models, Iterable):
        raise ValidationError("models", models, f"a collection of {tuple(PricingModel)}")
    chosen = tuple(v.to_enum(PricingModel, f"models[{i}]", m) for i, m in enumerate(models))
    if not chosen:
        raise ValidationError("models", chosen, "at least one pricing model")
    return tuple(dict.fromkeys(chosen))


_PRICED_SENIORITIES = _subsets(tuple(Seniority), min_size=1)
_TIER_BOUNDS = _subsets((1, 2, 3, 5, 10, 20, 30, 50), min_size=1, max_size=3)


_PRICE_KINDS = st.sampled_from(("flat", "seniority", "tiers", "package"))
_FREE_UNITS = st.sampled_from((0, 0, 0, 1, 2))
_PACKAGE_SIZES = st.integers(1, 10)
_TIER_MODES = st.sampled_from(TierMode)
_RATES = st.integers(1, 30).map(lambda n: Decimal(n).scaleb(-2))


@functools.cache  # strategies built once per currency: a new one is validated on first draw
def _amounts(
    cur: Currency, low: int, high: int, *, optional: bool = False
) -> st.SearchStrategy[Any]:
    return _maybe(money(cur, low, high)) if optional else money(cur, low, high)


@functools.cache
@st.composite
def _per_appointment(draw: st.DrawFn, cur: Currency) -> PerAppointment:
    price = _amounts(cur, 50, 1_000)
    kind = draw(_PRICE_KINDS)
    free = draw(_FREE_UNITS)
    if kind == "flat":
        return PerAppointment(price=draw(price), free_units=free)
    if kind == "seniority":
        prices = {s: draw(price) for s in sorted(draw(_PRICED_SENIORITIES))}
        base = draw(_amounts(cur, 50, 1_000, optional=True))
        return PerAppointment(price=base, seniority_prices=prices, free_units=free)
    if kind == "package":
        package = Package(draw(_PACKAGE_SIZES), draw(_amounts(cur, 500, 5_000)))
        return PerAppointment(package=package, free_units=free)
    bounds = sorted(draw(_TIER_BOUNDS))
    fee = _amounts(cur, 100, 2_000, optional=True)
    tiers = [Tier(b, draw(price), draw(fee)) for b in bounds] + [Tier(None, draw(price), draw(fee))]
    return PerAppointment(
        tiers=tiers,
        tier_mode=draw(_TIER_MODES),
        free_units=free,
        flat_fee_at_zero=draw(st.booleans()),
    )


@functools.cache
@st.composite
def _commission(draw: st.DrawFn, cur: Currency) -> Commission:
    if draw(st.booleans()):
        return Commission(draw(_RATES), cur)
    bound = draw(_amounts(cur, 10_000, 200_000))
    tiers = (CommissionTier(bound, draw(_RATES)), CommissionTier(None, draw(_RATES)))
    low = draw(_amounts(cur, 0, 500, optional=True))
    return Commission(currency=cur, tiers=tiers, minimum_per_deal=low)


@functools.cache
def _pricing(cur: Currency, models: tuple[PricingModel, ...]) -> st.SearchStrategy[Pricing]:
    by_model: dict[PricingModel, st.SearchStrategy[Pricing]] = {
        PricingModel.PAY_PER_APPOINTMENT: _per_appointment(cur),
        PricingModel.PAY_PER_LEAD: st.builds(PayPerLead, money(cur, 10, 300)),
        PricingModel.RETAINER: st.builds(Retainer, money(cur, 1_000, 20_000)),
        PricingModel.COMMISSION: _commission(cur),
        PricingModel.HYBRID: st.builds(
            Hybrid,
            st.builds(Retainer, money(cur, 1_000, 20_000)),
            st.builds(PerAppointment, price=money(cur, 50, 1_000)),
        ),
    }
    return st.one_of(*(by_model[m] for m in models))


_DUPLICATES = st.builds(
    DuplicateRule, scope=st.sampled_from(DuplicateScope), window_days=_maybe(st.integers(1, 365))
)


@functools.cache
def _guarantees(cur: Currency) -> st.SearchStrategy[Guarantee]:
    credit, held = money(cur, 50, 1_000), st.integers(1, 20)
    return st.one_of(
        st.builds(Guarantee, held, st.just(GuaranteeRemedy.SERVICE_CREDIT), credit),
        st.builds(Guarantee, held, st.just(GuaranteeRemedy.ROLL_OVER), _maybe(credit)),
    )


# Strategies are built once, not on every draw: building and validating one costs more
# than drawing from it (benchmarks/bench_strategies.py --profile contracts).
_DISPUTE_WINDOWS = st.integers(0, 14)
_CAPS = _maybe(st.integers(0, 50))
_ROUNDINGS = st.sampled_from(RoundingMode)
_TAXES = _maybe(tax_treatments())
_PAYMENT_TERMS = payment_terms()
_PARTIES = parties()


@functools.cache
def _maybe_guarantee(cur: Currency) -> st.SearchStrategy[Guarantee | None]:
    return _maybe(_guarantees(cur))


@functools.cache
def _setup_fees(cur: Currency) -> st.SearchStrategy[Money | None]:
    return _maybe(money(cur, 500, 5_000))


@functools.cache
def _maybe_commitment(cur: Currency) -> st.SearchStrategy[Commitment | None]:
    return _maybe(_commitments(cur))


@functools.cache
def _term_draws(cur: Currency) -> tuple[tuple[str, st.SearchStrategy[Any]], ...]:
    """Each term but the pricing, and how to draw it in ``cur``: flags choose which."""
    return (
        ("criteria", _criteria(cur)),
        ("policy", _POLICIES),
        ("dispute_window_days", _DISPUTE_WINDOWS),
        ("cap", _CAPS),
        ("guarantee", _maybe_guarantee(cur)),
        ("duplicates", _DUPLICATES),
        ("rounding", _ROUNDINGS),
        ("setup_fee", _setup_fees(cur)),
        ("commitment", _maybe_commitment(cur)),
        ("tax", _TAXES),
        ("payment_terms", _PAYMENT_TERMS),
    )


_TERM_FLAGS = _flags(11)


_AMENDED_FLAGS = _flags(9)


def _term_changes(draw: st.DrawFn, cur: Currency, *, amending: bool = False) -> dict[str, Any]:
    """Some terms drawn anew, chosen by one draw of flags (none when shrunk).

    An amendment keeps the criteria and the policy (the two costliest to draw, drawn
    for the contract's own terms) and may change any other term.
    """
    table = _term_draws(cur)[2:] if amending else _term_draws(cur)
    on = draw(_AMENDED_FLAGS if amending else _TERM_FLAGS)
    return {name: draw(strategy) for i, (name, strategy) in enumerate(table) if on >> i & 1}


@functools.cache
@st.composite
def _terms(draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...]) -> ContractTerms:
    return ContractTerms(pricing=draw(_pricing(cur, models)), **_term_changes(draw, cur))


def _amended(
    draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...], before: ContractTerms
) -> ContractTerms:
    # An amendment restates every term (complete terms), changing the pricing and
    # some others: drawing all of them anew would cost a contract's worth of draws.
    changes = _term_changes(draw, cur, amending=True)
    return attrs.evolve(before, pricing=draw(_pricing(cur, models)), **changes)


@functools.cache
def _commitments(cur: Currency) -> st.SearchStrategy[Commitment]:
    low, high = money(cur, 1_000, 10_000), money(cur, 20_000, 100_000)
    return st.one_of(
        st.builds(Commitment, minimum=low),
        st.builds(Commitment, maximum=high),
        st.builds(Commitment, minimum=low, maximum=high),
    )


def contract_terms(
    *,
    currency: Currency | str | None = None,
    models: Iterable[PricingModel | str] | None = None,
) -> st.SearchStrategy[ContractTerms]:
    """Commercial terms in one currency: pricing, satisfiable criteria, policy, cap, guarantee.

    Shrinks towards a flat price per appointment, no criteria, the market defaults,
    no cap and no guarantee, rounded half-up, no tax treatment, net 30.

    Args:
        currency: the currency of every amount (default: drawn from :func:`currencies`).
        models: the pricing models to draw from (default: all of PricingModel).

    Returns:
        A strategy of :class:`~ppa_core.domain.contract.ContractTerms` (no custom rules).

    Raises:
        ValidationError: an unknown currency or pricing model, or no model.
    """
    chosen = _models_option(models)
    if currency is not None:
        return _terms(_currency_option("currency", currency), chosen)
    return currencies().flatmap(lambda cur: _terms(cur, chosen))


_TERM_STARTS = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(_pdate)
_LENGTH_DAYS = st.integers(0, 3 * 365)
_PERIOD_RULES = st.one_of(
    st.builds(BillingPeriodRule, kind=st.just(PeriodKind.MONTHLY), anchor_day=st.integers(1, 31)),
    st.builds(BillingPeriodRule, kind=st.just(PeriodKind.WEEKLY), anchor_day=st.integers(0, 6)),
)
_AGENCIES = st.sampled_from(("Outbound Co", "Pipeline Partners", "Meetly"))
_CLIENTS = st.sampled_from(_COMPANY_NAMES)
_ZONES = st.sampled_from(TIMEZONES)
_NOTICE_DAYS = st.integers(0, 90)
_REVIEW_MONTHS = st.integers(1, 12)
_CONTRACT_FLAGS = _flags(6)


@functools.cache  # per count only: one strategy per term length would be built per draw
def _offset_draws(max_amendments: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, 3 * 365), min_size=1, max_size=max_amendments)


def _offsets(draw: st.DrawFn, span: int, max_amendments: int) -> list[int]:
    """Distinct days 1 to ``span`` after the start, 1 to ``max_amendments`` of them, sorted."""
    return sorted({1 + n % span for n in draw(_offset_draws(max_amendments))})


@st.composite
def _contracts(
    draw: st.DrawFn,
    cur: Currency | None,
    zone: str | None,
    max_amendments: int,
    models: tuple[PricingModel, ...],
) -> Contract:
    cur = cur or draw(currencies())
    first = draw(_TERM_STARTS)
    # One draw says which of the contract's optional parts differ from the default.
    on = draw(_CONTRACT_FLAGS)
    length = draw(_LENGTH_DAYS) if on & 1 else None
    span = 2 * 365 if length is None else length
    most = min(max_amendments, span)
    offsets = _offsets(draw, span, most) if on & 2 and most else []
    terms = draw(_terms(cur, models))
    amendments: list[Amendment] = []
    for i, offset in enumerate(offsets):
        before = amendments[-1].terms if amendments else terms
        amendments.append(
            Amendment(
                first.add(days=offset),
                _amended(draw, cur, models, before),
                note=f"amendment {i + 1}",
            )
        )
    return Contract(
        id=draw(_ids("c")),
        agency=draw(_AGENCIES),
        client=draw(_CLIENTS),
        currency=cur,
        timezone=zone or draw(_ZONES),
        term=Term(
            first,
            None if length is None else first.add(days=length),
            draw(_NOTICE_DAYS) if on & 4 else 30,
        ),
        terms=terms,
        billing_period=draw(_PERIOD_RULES) if on & 8 else BillingPeriodRule(),
        amendments=amendments,
        review_every_months=draw(_REVIEW_MONTHS) if on & 16 else None,
        parties=draw(_PARTIES) if on & 32 else None,
    )


def contracts(
    *,
    currency: Currency | str | None = None,
    timezone: str | None = None,
    max_amendments: int = 3,
    models: Iterable[PricingModel | str] | None = None,
) -> st.SearchStrategy[Contract]:
    """Contracts with a term, terms, a billing period and effective-dated amendments.

    Amendments take effect on distinct days after the term start (within the term when
    it ends), each with complete terms in the contract's currency: the terms before it
    with a new pricing and any of the other terms but the criteria and the policy
    drawn anew. Shrinks towards an open-ended contract in UTC with calendar-month
    periods, no amendment and the smallest terms of :func:`contract_terms`.

    Args:
        currency: the billing currency (default: drawn from :func:`currencies`).
        timezone: the IANA billing timezone (default: drawn from :data:`TIMEZONES`).
        max_amendments: the most amendments, 0 to 20 (default 3).
        models: the pricing models to draw from (default: all).

    Returns:
        A strategy of :class:`~ppa_core.domain.contract.Contract`.

    Raises:
        ValidationError: an unknown currency, timezone or pricing model, or
            ``max_amendments`` out of range.
    """
    cur = None if currency is None else _currency_option("currency", currency)
    zone = None if timezone is None else _zone_option("timezone", timezone)
    v.check_int("max_amendments", max_amendments, minimum=0, maximum=20)
    return _contracts(cur, zone, max_amendments, _models_option(models))
