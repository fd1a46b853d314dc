"""Strategies for no-show policies, contract terms and contracts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

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
from ppa_core.domain.money import currency as currency_of
from ppa_core.domain.party import Parties
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import (
    Pricing,
    PricingModel,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import ValidationError
from ppa_core.testing._document_terms import _ALL_PAYMENT_TERMS, _parties_of, _tax_of
from ppa_core.testing._pools import Pool
from ppa_core.testing._pricings import _hundredths, _pricing
from ppa_core.testing._prospects import _COMPANY_NAMES
from ppa_core.testing._qualification import _criteria_of
from ppa_core.testing._values import (
    _CURRENCY_ORDER,
    TIMEZONES,
    Choose,
    _amount,
    _currency_option,
    _Drawing,
    _flags,
    _maybe_amount,
    _maybe_int,
    _pdate,
    _pick,
    _zone_option,
    currencies,
)

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


def _policy_of(choose: Choose) -> NoShowPolicy:
    on = _flags(choose, len(_POLICY_TERMS))
    given: dict[str, Any] = {}
    for i, (name, values) in enumerate(_POLICY_TERMS):
        if on >> i & 1:
            if values is None:
                given[name] = not _POLICY_DEFAULTS[name]
            else:
                low, high, read = values
                given[name] = read(choose(low, high))
    return NoShowPolicy(**given)


@st.composite
def _policies(draw: st.DrawFn) -> NoShowPolicy:
    return _policy_of(_Drawing(draw))


def no_show_policies() -> st.SearchStrategy[NoShowPolicy]:
    """No-show, cancellation, reschedule and correction terms, each the default or any value.

    Shrinks towards the market defaults, ``NoShowPolicy()``.

    Returns:
        A strategy of :class:`~ppa_core.domain.policy.NoShowPolicy`.
    """
    return _policies()


def _models_option(models: Iterable[PricingModel | str] | None) -> tuple[PricingModel, ...]:
    if models is None:
        return tuple(PricingModel)
    if isinstance(models, str) or not isinstance(models, Iterable):
        raise ValidationError("models", models, f"a collection of {tuple(PricingModel)}")
    chosen = tuple(v.to_enum(PricingModel, f"models[{i}]", m) for i, m in enumerate(models))
    if not chosen:
        raise ValidationError("models", chosen, "at least one pricing model")
    return tuple(dict.fromkeys(chosen))


_REMEDIES = (GuaranteeRemedy.SERVICE_CREDIT, GuaranteeRemedy.ROLL_OVER)


def _guarantee(choose: Choose, cur: Currency) -> Guarantee:
    # A service credit names its credit; a roll-over may (shrinks to a service credit).
    remedy = _pick(choose, _REMEDIES)
    held = choose(1, 20)
    if remedy is GuaranteeRemedy.SERVICE_CREDIT:
        return Guarantee(held, remedy, _amount(choose, cur, 50, 1_000))
    return Guarantee(held, remedy, _maybe_amount(choose, cur, 50, 1_000))


_SCOPES = tuple(DuplicateScope)


def _duplicates(choose: Choose, _cur: Currency) -> DuplicateRule:
    return DuplicateRule(scope=_pick(choose, _SCOPES), window_days=_maybe_int(choose, 1, 365))


def _commitment(choose: Choose, cur: Currency) -> Commitment:
    # A minimum, a maximum or both (shrinks towards a minimum alone).
    kind = choose(0, 2)
    low = _amount(choose, cur, 1_000, 10_000) if kind != 1 else None
    high = _amount(choose, cur, 20_000, 100_000) if kind != 0 else None
    return Commitment(minimum=low, maximum=high)


def _integer(low: int, high: int) -> Callable[[Choose, Currency], int]:
    return lambda choose, _cur: choose(low, high)


def _pick_of(items: tuple[Any, ...]) -> Callable[[Choose, Currency], Any]:
    return lambda choose, _cur: _pick(choose, items)


def _own_pool(_choose: Choose, _cur: Currency) -> bool:
    return True  # the value comes from its own pool when the contract is drawn: _terms_of


# Each term but the pricing, and how to draw it: flags choose which differ from the
# default, so a term that is None by default is always drawn present here.
_TERM_DRAWS: tuple[tuple[str, Callable[[Choose, Currency], Any]], ...] = (
    ("criteria", _own_pool),
    ("policy", _own_pool),
    ("dispute_window_days", _integer(0, 14)),
    ("cap", _integer(0, 50)),
    ("guarantee", _guarantee),
    ("duplicates", _duplicates),
    ("rounding", _pick_of(tuple(RoundingMode))),
    ("setup_fee", lambda choose, cur: _amount(choose, cur, 500, 5_000)),
    ("commitment", _commitment),
    ("tax", lambda choose, _cur: _tax_of(choose)),
    ("payment_terms", _pick_of(_ALL_PAYMENT_TERMS)),
)


def _term_changes(choose: Choose, cur: Currency, *, amending: bool = False) -> dict[str, Any]:
    """Some terms drawn anew, chosen by one choice of flags (none when shrunk).

    An amendment keeps the criteria and the policy and may change any other term.
    """
    table = _TERM_DRAWS[2:] if amending else _TERM_DRAWS
    on = _flags(choose, len(table))
    return {name: drawer(choose, cur) for i, (name, drawer) in enumerate(table) if on >> i & 1}


def _eur(cur: Currency) -> Currency:
    return _EUR


def _eur_model(key: tuple[Currency, PricingModel]) -> tuple[Currency, PricingModel]:
    return _EUR, key[1]


_EUR = currency_of("EUR")
# Pools (_pools): a contract's pricing, its criteria, its policy, which other terms
# differ from the default (with their values) and an amendment's changes are each one
# choice, where drawing them anew takes about 4, 12, 6, 9 and 8 (the contract's own
# parts: _shape below, about 12 with the parties). A pool
# holds 256 values per currency (and set of models): Hypothesis reads an index up to
# 256 uniformly, wider ranges mostly small. A test sees fewer distinct values than when
# each is drawn anew (benchmarks/README.md); one index in 9 draws a value anew, so every
# value stays reachable (docs/howto-testing.md).
_POOL_SIZE = 256
_FRESH = 32
# A pricing's model is its own choice, its prices one from the model's pool: a failing
# example shrinks through the models, then through one model's prices, which its pool
# orders by size (one amount: smallest first), rather than to whichever pricing of the
# mixed pool failed first on the way down.
_PRICINGS: Pool[tuple[Currency, PricingModel], Pricing] = Pool(
    _pricing, _POOL_SIZE, _eur_model, _FRESH
)
_CRITERIA: Pool[Currency, QualificationCriteria] = Pool(_criteria_of, _POOL_SIZE, _eur, _FRESH)
_POLICIES: Pool[None, NoShowPolicy] = Pool(
    lambda choose, _key: _policy_of(choose), _POOL_SIZE, lambda key: key, _FRESH
)
# Terms left at their default hold one shared default object: ContractTerms would
# otherwise build a QualificationCriteria, a NoShowPolicy... per contract.
_NO_CRITERIA = QualificationCriteria()
_DEFAULT_POLICY = NoShowPolicy()
_TERM_DEFAULTS = {"duplicates": DuplicateRule(), "payment_terms": PaymentTerms()}


def _term_set(choose: Choose, cur: Currency) -> dict[str, Any]:
    return {**_TERM_DEFAULTS, **_term_changes(choose, cur)}


_TERM_SETS: Pool[Currency, dict[str, Any]] = Pool(_term_set, _POOL_SIZE, _eur, _FRESH)
_AMENDING: Pool[Currency, dict[str, Any]] = Pool(
    functools.partial(_term_changes, amending=True), _POOL_SIZE, _eur, _FRESH
)


def _pricing_in(choose: Choose, cur: Currency, models: tuple[PricingModel, ...]) -> Pricing:
    """A pricing of one of ``models`` (in their order: shrinks towards the first)."""
    return _PRICINGS.draw(choose, (cur, _pick(choose, models)))


def _terms_of(choose: Choose, cur: Currency, models: tuple[PricingModel, ...]) -> ContractTerms:
    pricing = _pricing_in(choose, cur, models)
    given = _TERM_SETS.draw(choose, cur)
    criteria = _CRITERIA.draw(choose, cur) if "criteria" in given else _NO_CRITERIA
    policy = _POLICIES.draw(choose, None) if "policy" in given else _DEFAULT_POLICY
    return ContractTerms(pricing=pricing, **{**given, "criteria": criteria, "policy": policy})


@functools.cache
@st.composite
def _terms(draw: st.DrawFn, cur: Currency, models: tuple[PricingModel, ...]) -> ContractTerms:
    return _terms_of(_Drawing(draw), cur, models)


def _amended(
    choose: Choose, cur: Currency, models: tuple[PricingModel, ...], before: ContractTerms
) -> ContractTerms:
    # An amendment restates every term (complete terms), changing the pricing and
    # some others: drawing all of them anew would cost a contract's worth of choices.
    changes = _AMENDING.draw(choose, cur)
    return attrs.evolve(before, pricing=_pricing_in(choose, cur, models), **changes)


def contract_terms(
    *,
    currency: Currency | str | None = None,
    models: Iterable[PricingModel | str] | None = None,
) -> st.SearchStrategy[ContractTerms]:
    """Commercial terms in one currency: pricing, satisfiable criteria, policy, cap, guarantee.

    Shrinks towards a flat price per appointment, no criteria, the market defaults,
    no cap and no guarantee, rounded half-up, no tax treatment, net 30. The pricing's
    model is one choice; its prices, the criteria, the policy and the other terms each
    come in one choice from a pool of 256 prebuilt values per currency, simplest first
    (one choice in 9 draws a new one): fast to draw, with fewer distinct terms in a run
    than drawing each anew, and shrinking to the first pooled value that still fails.

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
# Who signs, in one choice: every agency and client pair (shrinks to the first of each).
_SIGNATORIES = tuple((a, c) for a in _AGENCIES for c in _COMPANY_NAMES)
_WEEKLY_FROM = 31  # period rules 0-30 are monthly on day 1-31, 31-37 weekly on day 0-6


def _offsets(choose: Choose, span: int, max_amendments: int) -> tuple[int, ...]:
    """Distinct days 1 to ``span`` after the start, 1 to ``max_amendments`` of them, sorted.

    A day is read modulo ``span`` from one range for all terms: a range per term length
    would build a strategy per length.
    """
    count = choose(1, max_amendments)
    return tuple(sorted({1 + choose(0, 3 * 365) % span for _ in range(count)}))


def _period_rule(choose: Choose) -> BillingPeriodRule:
    """Monthly on any day 1-31 or weekly on any weekday, in one choice (shrinks to the 1st)."""
    n = choose(0, _WEEKLY_FROM + 6)
    if n < _WEEKLY_FROM:
        return BillingPeriodRule(kind=PeriodKind.MONTHLY, anchor_day=n + 1)
    return BillingPeriodRule(kind=PeriodKind.WEEKLY, anchor_day=n - _WEEKLY_FROM)


class _Shape(NamedTuple):
    """A contract's parts but its currency, start day, id and terms: one pooled choice."""

    days: int | None  # the term's length in days; None: open-ended
    offsets: tuple[int, ...]  # the amendments' days after the start
    agency: str
    client: str
    zone: str
    notice_days: int
    period: BillingPeriodRule
    review: int | None
    parties: Parties | None


_MONTHLY = BillingPeriodRule()


def _shape(choose: Choose, max_amendments: int) -> _Shape:
    # One choice of flags says which of the optional parts differ from the default.
    on = _flags(choose, 6)
    days = choose(0, 3 * 365) if on & 1 else None
    span = 2 * 365 if days is None else days
    most = min(max_amendments, span)
    return _Shape(
        days,
        _offsets(choose, span, most) if on & 2 and most else (),
        *_pick(choose, _SIGNATORIES),
        _pick(choose, TIMEZONES),
        choose(0, 90) if on & 4 else 30,
        _period_rule(choose) if on & 8 else _MONTHLY,
        choose(1, 12) if on & 16 else None,
        _parties_of(choose) if on & 32 else None,
    )


# Per most amendments allowed (each its own order: a shape is cheap to build).
_SHAPES: Pool[int, _Shape] = Pool(_shape, _POOL_SIZE, lambda most: most, _FRESH)


@st.composite
def _contracts(
    draw: st.DrawFn,
    cur: Currency | None,
    zone: str | None,
    max_amendments: int,
    models: tuple[PricingModel, ...],
) -> Contract:
    choose = _Drawing(draw)
    cur = cur or _pick(choose, _CURRENCY_ORDER)
    first = _pdate(dt.date.fromordinal(choose(_FIRST_DAY, _LAST_DAY)))
    shape = _SHAPES.draw(choose, max_amendments)
    terms = _terms_of(choose, cur, models)
    amendments: list[Amendment] = []
    for i, offset in enumerate(shape.offsets):
        before = amendments[-1].terms if amendments else terms
        amendments.append(
            Amendment(
                first.add(days=offset),
                _amended(choose, cur, models, before),
                note=f"amendment {i + 1}",
            )
        )
    return Contract(
        id=f"c-{choose(1, 99_999)}",
        agency=shape.agency,
        client=shape.client,
        currency=cur,
        timezone=zone or shape.zone,
        term=Term(
            first, None if shape.days is None else first.add(days=shape.days), shape.notice_days
        ),
        terms=terms,
        billing_period=shape.period,
        amendments=amendments,
        review_every_months=shape.review,
        parties=shape.parties,
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
    drawn anew (from pools, as :func:`contract_terms` draws). Shrinks towards an
    open-ended contract in UTC with calendar-month periods, no amendment and the
    smallest terms of :func:`contract_terms`.

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
