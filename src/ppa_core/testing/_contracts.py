"""Strategies for no-show policies, contract terms and contracts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
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
from ppa_core.domain.money import Currency, RoundingMode
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
    _amount,
    _currency_option,
    _flags,
    _ints,
    _maybe_amount,
    _maybe_int,
    _pdate,
    _pick,
    _subsets,
    _zone_option,
    currencies,
)


def _hundredths(n: int) -> Decimal:
    return Decimal(n).scaleb(-2)


# Each term of the policy that may differ from the market default, and the whole numbers
# one draw reads it from (low, high, how to read one); a yes/no term is its flipped
# default, so its flag is its only draw.
_POLICY_TERMS: tuple[tuple[str, tuple[int, int, Callable[[int], Any]] | None], ...] = (
    ("grace_minutes", (0, 30, int)),
    ("minimum_duration_minutes", (0, 45, int)),
    ("prospect_no_show_fee", (0, 100, _hundredths)),
    ("replacement_days", (1, 30, int)),
    ("host_no_show_billable", None),
    ("late_cancellation_hours", (0, 72, int)),
    ("late_prospect_cancellation_is_no_show", None),
    ("client_late_cancellation_billable", None),
    ("free_reschedules", (0, 5, int)),
    ("reschedule_window_days", (0, 90, int)),
    ("correction_window_days", (0, 30, int)),
    ("unknown_canceller", (0, 1, (Actor.CLIENT, Actor.AGENCY).__getitem__)),
    ("unknown_attendance_billable", None),
)
_POLICY_DEFAULTS = {f.name: f.default for f in attrs.fields(NoShowPolicy)}


@st.composite
def _policies(draw: st.DrawFn) -> NoShowPolicy:
    on = _flags(draw, len(_POLICY_TERMS))
    given: dict[str, Any] = {}
    for i, (name, values) in enumerate(_POLICY_TERMS):
        if on >> i & 1:
            if values is None:
                given[name] = not _POLICY_DEFAULTS[name]
            else:
                low, high, read = values
                given[name] = read(draw(_ints(low, high)))
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
# The kind of price and the free units (none 3 times in 5) in one draw: every pair.
_PRICE_SHAPES = tuple(
    (kind, free) for kind in ("flat", "seniority", "tiers", "package") for free in (0, 0, 0, 1, 2)
)
_TIER_MODES = tuple(TierMode)
_BOOLEANS = st.booleans()

# The pricing and term drawers below take ``draw`` and a currency: one draw per choice,
# no strategy built per currency, and no ``one_of``/``builds``/``.map`` wrapped around
# a choice (each adds a nested draw: benchmarks/bench_strategies.py --profile contracts).


def _per_appointment(draw: st.DrawFn, cur: Currency) -> PerAppointment:
    kind, free = _pick(draw, _PRICE_SHAPES)
    if kind == "flat":
        return PerAppointment(price=_amount(draw, cur, 50, 1_000), free_units=free)
    if kind == "seniority":
        prices = {s: _amount(draw, cur, 50, 1_000) for s in sorted(draw(_PRICED_SENIORITIES))}
        base = _maybe_amount(draw, cur, 50, 1_000)
        return PerAppointment(price=base, seniority_prices=prices, free_units=free)
    if kind == "package":
        package = Package(draw(_ints(1, 10)), _amount(draw, cur, 500, 5_000))
        return PerAppointment(package=package, free_units=free)
    bounds: list[int | None] = [*sorted(draw(_TIER_BOUNDS)), None]
    tiers = [
        Tier(b, _amount(draw, cur, 50, 1_000), _maybe_amount(draw, cur, 100, 2_000)) for b in bounds
    ]
    return PerAppointment(
        tiers=tiers,
        tier_mode=_pick(draw, _TIER_MODES),
        free_units=free,
        flat_fee_at_zero=draw(_BOOLEANS),
    )


def _rate(draw: st.DrawFn) -> Decimal:
    return _hundredths(draw(_ints(1, 30)))


def _commission(draw: st.DrawFn, cur: Currency) -> Commission:
    if draw(_BOOLEANS):
        return Commission(_rate(draw), cur)
    bound = _amount(draw, cur, 10_000, 200_000)
    tiers = (CommissionTier(bound, _rate(draw)), CommissionTier(None, _rate(draw)))
    low = _maybe_amount(draw, cur, 0, 500)
    return Commission(currency=cur, tiers=tiers, minimum_per_deal=low)


def _pricing(draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...]) -> Pricing:
    """A pricing of one of ``models`` (in their order: shrinks towards the first)."""
    model = _pick(draw, models)
    if model is PricingModel.PAY_PER_APPOINTMENT:
        return _per_appointment(draw, cur)
    if model is PricingModel.PAY_PER_LEAD:
        return PayPerLead(_amount(draw, cur, 10, 300))
    if model is PricingModel.RETAINER:
        return Retainer(_amount(draw, cur, 1_000, 20_000))
    if model is PricingModel.COMMISSION:
        return _commission(draw, cur)
    return Hybrid(
        Retainer(_amount(draw, cur, 1_000, 20_000)),
        PerAppointment(price=_amount(draw, cur, 50, 1_000)),
    )


_REMEDIES = (GuaranteeRemedy.SERVICE_CREDIT, GuaranteeRemedy.ROLL_OVER)


def _guarantee(draw: st.DrawFn, cur: Currency) -> Guarantee:
    # A service credit names its credit; a roll-over may (shrinks to a service credit).
    remedy = _pick(draw, _REMEDIES)
    held = draw(_ints(1, 20))
    if remedy is GuaranteeRemedy.SERVICE_CREDIT:
        return Guarantee(held, remedy, _amount(draw, cur, 50, 1_000))
    return Guarantee(held, remedy, _maybe_amount(draw, cur, 50, 1_000))


_SCOPES = tuple(DuplicateScope)


def _duplicates(draw: st.DrawFn, _cur: Currency) -> DuplicateRule:
    return DuplicateRule(scope=_pick(draw, _SCOPES), window_days=_maybe_int(draw, 1, 365))


def _commitment(draw: st.DrawFn, cur: Currency) -> Commitment:
    # A minimum, a maximum or both (shrinks towards a minimum alone).
    kind = draw(_ints(0, 2))
    low = _amount(draw, cur, 1_000, 10_000) if kind != 1 else None
    high = _amount(draw, cur, 20_000, 100_000) if kind != 0 else None
    return Commitment(minimum=low, maximum=high)


_TAXES = tax_treatments()
_PAYMENT_TERMS = payment_terms()
_PARTIES = parties()


def _strategy(strategy: st.SearchStrategy[Any]) -> Callable[[st.DrawFn, Currency], Any]:
    return lambda draw, _cur: draw(strategy)


def _integer(low: int, high: int) -> Callable[[st.DrawFn, Currency], int]:
    return lambda draw, _cur: draw(_ints(low, high))


def _pick_of(items: tuple[Any, ...]) -> Callable[[st.DrawFn, Currency], Any]:
    return lambda draw, _cur: _pick(draw, items)


# Each term but the pricing, and how to draw it: flags choose which differ from the
# default, so a term that is None by default is always drawn present here.
_TERM_DRAWS: tuple[tuple[str, Callable[[st.DrawFn, Currency], Any]], ...] = (
    ("criteria", lambda draw, cur: draw(_criteria(cur))),
    ("policy", _strategy(_policies())),
    ("dispute_window_days", _integer(0, 14)),
    ("cap", _integer(0, 50)),
    ("guarantee", _guarantee),
    ("duplicates", _duplicates),
    ("rounding", _pick_of(tuple(RoundingMode))),
    ("setup_fee", lambda draw, cur: _amount(draw, cur, 500, 5_000)),
    ("commitment", _commitment),
    ("tax", _strategy(_TAXES)),
    ("payment_terms", _strategy(_PAYMENT_TERMS)),
)


def _term_changes(draw: st.DrawFn, cur: Currency, *, amending: bool = False) -> dict[str, Any]:
    """Some terms drawn anew, chosen by one draw of flags (none when shrunk).

    An amendment keeps the criteria and the policy (the two costliest to draw, drawn
    for the contract's own terms) and may change any other term.
    """
    table = _TERM_DRAWS[2:] if amending else _TERM_DRAWS
    on = _flags(draw, len(table))
    return {name: drawer(draw, cur) for i, (name, drawer) in enumerate(table) if on >> i & 1}


@functools.cache
@st.composite
def _terms(draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...]) -> ContractTerms:
    return ContractTerms(pricing=_pricing(draw, cur, models), **_term_changes(draw, cur))


def _amended(
    draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...], before: ContractTerms
) -> ContractTerms:
    # An amendment restates every term (complete terms), changing the pricing and
    # some others: drawing all of them anew would cost a contract's worth of draws.
    changes = _term_changes(draw, cur, amending=True)
    return attrs.evolve(before, pricing=_pricing(draw, cur, models), **changes)


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


_FIRST_DAY = dt.date(2020, 1, 1).toordinal()
_LAST_DAY = dt.date(2030, 12, 31).toordinal()
_AGENCIES = ("Outbound Co", "Pipeline Partners", "Meetly")
# Who signs, in one draw: every agency and client pair (shrinks to the first of each).
_SIGNATORIES = st.sampled_from([(a, c) for a in _AGENCIES for c in _COMPANY_NAMES])
_WEEKLY_FROM = 31  # period rules 0-30 are monthly on day 1-31, 31-37 weekly on day 0-6


@functools.cache  # per count only: one strategy per term length would be built per draw
def _offset_draws(max_amendments: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, 3 * 365), min_size=1, max_size=max_amendments)


def _offsets(draw: st.DrawFn, span: int, max_amendments: int) -> list[int]:
    """Distinct days 1 to ``span`` after the start, 1 to ``max_amendments`` of them, sorted."""
    return sorted({1 + n % span for n in draw(_offset_draws(max_amendments))})


def _period_rule(draw: st.DrawFn) -> BillingPeriodRule:
    """Monthly on any day 1-31 or weekly on any weekday, in one draw (shrinks to the 1st)."""
    n = draw(_ints(0, _WEEKLY_FROM + 6))
    if n < _WEEKLY_FROM:
        return BillingPeriodRule(kind=PeriodKind.MONTHLY, anchor_day=n + 1)
    return BillingPeriodRule(kind=PeriodKind.WEEKLY, anchor_day=n - _WEEKLY_FROM)


@st.composite
def _contracts(
    draw: st.DrawFn,
    cur: Currency | None,
    zone: str | None,
    max_amendments: int,
    models: tuple[PricingModel, ...],
) -> Contract:
    cur = cur or draw(currencies())
    first = _pdate(dt.date.fromordinal(draw(_ints(_FIRST_DAY, _LAST_DAY))))
    # One draw says which of the contract's optional parts differ from the default.
    on = _flags(draw, 6)
    length = draw(_ints(0, 3 * 365)) if on & 1 else None
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
    agency, client = draw(_SIGNATORIES)
    return Contract(
        id=f"c-{draw(_ints(1, 99_999))}",
        agency=agency,
        client=client,
        currency=cur,
        timezone=zone or _pick(draw, TIMEZONES),
        term=Term(
            first,
            None if length is None else first.add(days=length),
            draw(_ints(0, 90)) if on & 4 else 30,
        ),
        terms=terms,
        billing_period=_period_rule(draw) if on & 8 else BillingPeriodRule(),
        amendments=amendments,
        review_every_months=draw(_ints(1, 12)) if on & 16 else None,
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
