"""Strategies for no-show policies, contract terms and contracts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal

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
from ppa_core.domain.money import Currency, Money, RoundingMode
from ppa_core.domain.payment_terms import PaymentTerms
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
    _around,
    _currency_option,
    _ids,
    _maybe,
    _pdate,
    _zone_option,
    currencies,
    money,
)


def no_show_policies() -> st.SearchStrategy[NoShowPolicy]:
    """No-show, cancellation, reschedule and correction terms, each the default or any value.

    Shrinks towards the market defaults, ``NoShowPolicy()``.

    Returns:
        A strategy of :class:`~ppa_core.domain.policy.NoShowPolicy`.
    """
    return st.builds(
        NoShowPolicy,
        grace_minutes=_around(10, 0, 30),
        minimum_duration_minutes=_around(15, 0, 45),
        prospect_no_show_fee=st.one_of(
            st.just(Decimal(0)), st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-2))
        ),
        replacement_days=_maybe(st.integers(1, 30)),
        host_no_show_billable=st.booleans().map(lambda b: not b),
        late_cancellation_hours=_around(24, 0, 72),
        late_prospect_cancellation_is_no_show=st.booleans().map(lambda b: not b),
        client_late_cancellation_billable=st.booleans().map(lambda b: not b),
        free_reschedules=_around(2, 0, 5),
        reschedule_window_days=_around(30, 0, 90),
        correction_window_days=_around(7, 0, 30),
    )


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


@functools.cache  # one strategy per currency: building one is slow
@st.composite
def _per_appointment(draw: st.DrawFn, cur: Currency) -> PerAppointment:
    price = money(cur, 50, 1_000)
    kind = draw(st.sampled_from(("flat", "seniority", "tiers", "package")))
    free = draw(st.sampled_from((0, 0, 0, 1, 2)))
    if kind == "flat":
        return PerAppointment(price=draw(price), free_units=free)
    if kind == "seniority":
        prices = draw(st.dictionaries(st.sampled_from(Seniority), price, min_size=1))
        return PerAppointment(price=draw(_maybe(price)), seniority_prices=prices, free_units=free)
    if kind == "package":
        package = Package(draw(st.integers(1, 10)), draw(money(cur, 500, 5_000)))
        return PerAppointment(package=package, free_units=free)
    bounds = sorted(draw(st.sets(st.integers(1, 50), min_size=1, max_size=3)))
    fee = _maybe(money(cur, 100, 2_000))
    tiers = [Tier(b, draw(price), draw(fee)) for b in bounds] + [Tier(None, draw(price), draw(fee))]
    return PerAppointment(
        tiers=tiers,
        tier_mode=draw(st.sampled_from(TierMode)),
        free_units=free,
        flat_fee_at_zero=draw(st.booleans()),
    )


@functools.cache
@st.composite
def _commission(draw: st.DrawFn, cur: Currency) -> Commission:
    rate = st.integers(1, 30).map(lambda n: Decimal(n).scaleb(-2))
    if draw(st.booleans()):
        return Commission(draw(rate), cur)
    bound = draw(money(cur, 10_000, 200_000))
    tiers = (CommissionTier(bound, draw(rate)), CommissionTier(None, draw(rate)))
    low = draw(_maybe(money(cur, 0, 500)))
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
_DISPUTE_WINDOWS = _around(7, 0, 14)
_CAPS = _maybe(st.integers(0, 50))
_ROUNDINGS = st.sampled_from(RoundingMode)
_TAXES = _maybe(tax_treatments())
_PAYMENT_TERMS = st.one_of(st.just(PaymentTerms()), payment_terms())
_PARTIES = _maybe(parties())


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
@st.composite
def _terms(draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...]) -> ContractTerms:
    return ContractTerms(
        pricing=draw(_pricing(cur, models)),
        criteria=draw(_criteria(cur)),
        policy=draw(_POLICIES),
        dispute_window_days=draw(_DISPUTE_WINDOWS),
        cap=draw(_CAPS),
        guarantee=draw(_maybe_guarantee(cur)),
        duplicates=draw(_DUPLICATES),
        rounding=draw(_ROUNDINGS),
        setup_fee=draw(_setup_fees(cur)),
        commitment=draw(_maybe_commitment(cur)),
        tax=draw(_TAXES),
        payment_terms=draw(_PAYMENT_TERMS),
    )


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
_LENGTHS = _maybe(st.integers(0, 3 * 365))
_PERIOD_RULES = st.one_of(
    st.just(BillingPeriodRule()),
    st.builds(BillingPeriodRule, kind=st.just(PeriodKind.MONTHLY), anchor_day=st.integers(1, 31)),
    st.builds(BillingPeriodRule, kind=st.just(PeriodKind.WEEKLY), anchor_day=st.integers(0, 6)),
)
_AGENCIES = st.sampled_from(("Outbound Co", "Pipeline Partners", "Meetly"))
_CLIENTS = st.sampled_from(_COMPANY_NAMES)
_ZONES = st.sampled_from(TIMEZONES)
_NOTICE_DAYS = _around(30, 0, 90)
_REVIEWS = _maybe(st.integers(1, 12))


@functools.cache
def _offsets(span: int, max_amendments: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, span), unique=True, max_size=min(max_amendments, span))


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
    length = draw(_LENGTHS)
    span = 2 * 365 if length is None else length
    offsets = draw(_offsets(max(span, 1), min(max_amendments, span)))
    amendments = [
        Amendment(first.add(days=o), draw(_terms(cur, models)), note=f"amendment {i + 1}")
        for i, o in enumerate(sorted(offsets))
    ]
    return Contract(
        id=draw(_ids("c")),
        agency=draw(_AGENCIES),
        client=draw(_CLIENTS),
        currency=cur,
        timezone=zone or draw(_ZONES),
        term=Term(first, None if length is None else first.add(days=length), draw(_NOTICE_DAYS)),
        terms=draw(_terms(cur, models)),
        billing_period=draw(_PERIOD_RULES),
        amendments=amendments,
        review_every_months=draw(_REVIEWS),
        parties=draw(_PARTIES),
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
    it ends), each with complete terms from :func:`contract_terms` in the contract's
    currency. Shrinks towards an open-ended contract in UTC with calendar-month
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
