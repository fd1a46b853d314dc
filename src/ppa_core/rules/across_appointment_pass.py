"""The across-appointment pass: the rules that look at a contract's appointments together.

After the per-appointment pass, the engine walks the appointments still
billable once, in order of meeting start as an instant (ties by id), for three
rules: ``duplicate`` (a prospect, or a company within the contract's window, is
billed once; a meeting over the cap does not count as billed), ``cap`` (at most
N billable per billing period) and ``price`` (unit price by seniority or volume
tier, times any fraction a rule charged, rounded once to the minor unit). Under
volume tiers a period's meetings are priced once its count of units is known.
"""

from __future__ import annotations

from decimal import Decimal

import pendulum

from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms
from ppa_core.domain.duplicates import DuplicateScope
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.pricing import PerAppointment, TierMode
from ppa_core.rules._common import _CLOCK_SLACK, _DAY
from ppa_core.rules._item import _FAIL, _Item
from ppa_core.rules.verdict import Finding, ReasonCode, RuleOutcome, Verdict

__all__: list[str] = []

_Shares = dict[tuple[int, int], int]
"""How many units each sub-minor price has billed so far, by period and price identity."""

_Amounts = dict[tuple[int, Decimal | None, RoundingMode], tuple[Money, Money]]
"""Each price's amount once multiplied by a fraction and rounded, by the price's identity
(hashing Money costs more than the rounding it saves), the fraction and the rounding mode;
the price itself is kept, so a reused identity is told apart."""


def _check_duplicate(
    contract: Contract,
    item: _Item,
    billed: dict[tuple[DuplicateScope, str], _Item],
    trace: bool,
) -> tuple[DuplicateScope, str] | None:
    """Fail ``item`` if its prospect was billed already; else the key to record once billed."""
    rule = item.terms.duplicates
    value = item.who
    key = (rule.scope, value)
    previous = billed.get(key)
    window = rule.window_days
    if previous is not None and (window is None or _within(contract, previous, item, window)):
        what = "prospect" if rule.scope is DuplicateScope.PERSON else "company"
        reason = f"{what} {value} was already billed for appointment {previous.order[1]}"
        if window is not None:
            reason += f" within {window} days"
        item.add(Finding(_FAIL, ReasonCode.DUPLICATE, reason))
        if trace:
            item.verdicts.append(Verdict("duplicate", _FAIL, ReasonCode.DUPLICATE, reason))
        return None
    if trace:
        item.verdicts.append(_first_billable(rule.scope, window))
    return key


def _within(contract: Contract, earlier: _Item, later: _Item, days: int) -> bool:
    """Whether ``later`` starts within ``days`` calendar days (contract clock) of ``earlier``.

    Seconds decide away from the boundary; near it, pendulum's calendar arithmetic
    (a day is 23 or 25 hours across a clock change).
    """
    off = later.order[0] - earlier.order[0] - days * _DAY  # seconds beyond N x 24 h
    if abs(off) > _CLOCK_SLACK:  # pragma: no mutate - at the slack itself both ways agree
        return off < 0  # pragma: no mutate - off is beyond +-1.5 days here: never 0
    deadline = contract.local(earlier.appointment.start).add(days=days)
    return later.appointment.start < deadline


def _apply_duplicates_cap_and_price(
    contract: Contract, amounts: _Amounts, items: list[_Item], trace: bool
) -> None:
    # ``items``: the billable ones so far, in meeting order. One pass: a prospect
    # counts as billed only once a meeting of theirs has passed the cap too (an
    # over-cap meeting was never billed). Each is priced in the same pass, except
    # under volume tiers, whose price needs the period's count of units first.
    billed: dict[tuple[DuplicateScope, str], _Item] = {}
    counts: dict[pendulum.DateTime, int] = {}
    cap_lines: dict[tuple[int, int | None], Verdict] = {}
    price_lines: dict[tuple[object, ...], Verdict] = {}
    shares: _Shares = {}
    by_volume: list[_Item] = []
    period: BillingPeriod | None = None
    for item in items:
        # Not mutated: flushing at the end instead prices the same: counts
        # are kept per period.
        if item.period is not period:  # pragma: no mutate
            _price_by_volume(amounts, by_volume, counts, trace, price_lines, shares)
            by_volume = []
            period = item.period
        # The first billable meeting of its prospect, untraced (most of them): the key
        # without a call; the rest through _check_duplicate.
        prospect_key: tuple[DuplicateScope, str] | None = (item.terms.duplicates.scope, item.who)
        if trace or prospect_key in billed:
            prospect_key = _check_duplicate(contract, item, billed, trace)
        if prospect_key is None:
            if trace:
                item.verdicts += (_CAP_SKIPPED, _price_skipped(item))
            continue
        key = item.period.start
        count = counts.get(key, 0)
        cap = item.terms.cap
        if cap is not None and count >= cap:
            reason = f"over the cap of {cap} billable appointments in {item.period.label}"
            item.add(Finding(_FAIL, ReasonCode.OVER_CAP, reason))
            if trace:
                over = Verdict("cap", _FAIL, ReasonCode.OVER_CAP, reason)
                item.verdicts += (over, _price_skipped(item))
            continue
        counts[key] = item.unit = count + 1
        billed[prospect_key] = item
        if trace:
            # Without a cap the line is the same for the whole period: share it.
            line_key = (id(item.period), None if cap is None else item.unit)
            line = cap_lines.get(line_key)
            if line is None:
                line = cap_lines[line_key] = _within_cap(item.unit, cap, item.period.label)
            item.verdicts.append(line)
        pricing = item.info.per_appointment
        if pricing is not None and pricing.tiers and pricing.tier_mode is TierMode.VOLUME:
            by_volume.append(item)
        else:
            _price(amounts, item, 0, trace, price_lines, shares)  # pragma: no mutate - units unread
    _price_by_volume(amounts, by_volume, counts, trace, price_lines, shares)


def _price_by_volume(  # noqa: PLR0917 - private, called from one place
    amounts: _Amounts,
    items: list[_Item],
    counts: dict[pendulum.DateTime, int],
    trace: bool,
    lines: dict[tuple[object, ...], Verdict],
    shares: _Shares,
) -> None:
    """Price a period's units under volume tiers, now that the period's count is known."""
    for item in items:
        count = counts.get(item.period.start, 0)  # pragma: no mutate - every period is counted
        _price(amounts, item, count, trace, lines, shares)


def _price(  # noqa: PLR0917 - private, called from two places in this module
    amounts: _Amounts,
    item: _Item,
    units: int,
    trace: bool,
    lines: dict[tuple[object, ...], Verdict],
    shares: _Shares,
) -> None:
    """Price one unit billed; ``units``: the period's count (read by volume tiers only)."""
    info = item.info
    pricing = info.per_appointment
    if pricing is None:
        item.price = None
        if trace:
            model = type(item.terms.pricing).__name__
            reason = f"{model} pricing bills per period, not per appointment"
            item.verdicts.append(Verdict("price", RuleOutcome.PASS, None, reason))
        return
    unit: int = item.unit  # type: ignore[assignment] # set by the cap pass
    seniority = item.seniority
    price = item.price = pricing.unit_price(seniority, unit, units)
    graduated = pricing.tier_mode is TierMode.GRADUATED
    if pricing.tiers:
        item.tier = pricing.tier_for(unit, units)
    if price is None:
        _refuse_beyond(item, pricing, unit, units, trace)
        return
    if info.sub_minor and item.factor is None:
        _share(item, price, shares)
    if trace:
        # The words depend on the price, the fraction, the tier and (tiered) the
        # rank only: equal ones share a line.
        counted = None if not pricing.is_tiered else unit if graduated else units
        priced_by = seniority if seniority in pricing.seniority_prices else None
        # The factor as written: 0.5 and 0.50 are equal but read differently.
        # Not mutated: only a key: one terms version has one factor besides None.
        factor = None if item.factor is None else str(item.factor)  # pragma: no mutate
        if item.amount is not None:  # a share: its own line
            factor = f"share {item.amount.amount}"
        line_key = (id(item.info), id(price), factor, item.tier, counted, priced_by)
        priced = lines.get(line_key)
        if priced is None:
            reason = _price_reason(amounts, item, price, pricing, units)
            priced = lines[line_key] = Verdict("price", RuleOutcome.PASS, None, reason)
        item.verdicts.append(priced)


def _share(item: _Item, price: Money, shares: _Shares) -> None:
    """Bill the unit its share of the period's units at a sub-minor ``price``.

    The n-th such unit bills what rounding ``n`` units at once adds to rounding
    ``n - 1``: the units at one price then add up to their exact total rounded
    once (55 x 0.067 = 3.685 bills 3.69, not 55 x 0.07 = 3.85).
    """
    key = (id(item.period), id(price))
    n = shares[key] = shares.get(key, 0) + 1
    mode = item.terms.rounding
    item.amount = (price * n).rounded(mode) - (price * (n - 1)).rounded(mode)


def _refuse_beyond(
    item: _Item, pricing: PerAppointment, unit: int, units: int, trace: bool
) -> None:
    """Not billable: the unit is beyond a refusing finite last tier (or no price applies)."""
    last = pricing.tiers[-1].up_to if pricing.tiers else None
    if last is not None:
        rank = unit if pricing.tier_mode is TierMode.GRADUATED else units
        paid = rank - pricing.free_units
        note = f"unit {paid} is beyond the last tier (up to {last}); the contract refuses it"
    else:
        note = f"no price for seniority {item.seniority or 'unknown'} and no default price"
    item.price_note = note
    item.add(Finding(_FAIL, ReasonCode.NO_PRICE, note))
    if trace:
        item.verdicts.append(Verdict("price", _FAIL, ReasonCode.NO_PRICE, note))


def _price_reason(
    amounts: _Amounts, item: _Item, price: Money, pricing: PerAppointment, units: int
) -> str:
    unit = item.unit or 0
    if unit <= pricing.free_units:
        how = f"unit {unit} is one of the {pricing.free_units} free units of the period"
    elif pricing.tiers:
        tier = pricing.tiers[(item.tier or 1) - 1]
        bound = f"up to {tier.up_to}" if tier.up_to is not None else "open-ended"
        paid = unit - pricing.free_units
        how = (
            f"unit {paid} falls in tier {item.tier} ({bound})"
            if pricing.tier_mode.value == "graduated"
            else f"{units - pricing.free_units} units reach tier {item.tier} ({bound}); "
            "volume prices all units"
        )
    elif pricing.package is not None:
        size = pricing.package.size
        paid = unit - pricing.free_units
        number = (paid - 1) // size + 1
        how = (
            f"unit {paid} opens package {number} of {size}"
            if pricing.package.opens(paid)
            else f"unit {paid} is in package {number} of {size}, billed with its first"
        )
    elif item.seniority in pricing.seniority_prices:
        how = f"price for seniority {item.seniority}"
    else:
        how = "flat price"
    text = f"{how}: {price.format()}"
    if item.factor is not None:
        text += f" x {item.factor}"
    if item.amount is not None:
        share = (
            f"this unit's share of the period's units at this price rounded once: "
            f"{item.amount.format()}"
        )
        return f"{text}; {share} (rounded {item.terms.rounding.value})"
    amount = _amount(amounts, price, item.factor, item.terms)
    return f"{text} = {amount.format()} (rounded {item.terms.rounding.value})"


def _amount(amounts: _Amounts, price: Money, factor: Decimal | None, terms: ContractTerms) -> Money:
    key = (id(price), factor, terms.rounding)
    found = amounts.get(key)
    # Not mutated: a miss only recomputes the same rounded amount.
    if found is None or found[0] is not price:  # pragma: no mutate
        exact = price if factor is None else price * factor
        found = amounts[key] = (price, exact.rounded(terms.rounding))
    return found[1]


def _first_billable(scope: DuplicateScope, window: int | None) -> Verdict:
    line = _FIRST_BILLABLE.get((scope, window))
    if line is not None:
        return line
    who = "this prospect" if scope is DuplicateScope.PERSON else "this company"
    if window is None:
        reason = f"first billable appointment of {who}"
    else:
        reason = f"no billable appointment of {who} in the previous {window} days"
    line = _FIRST_BILLABLE.get((scope, window))
    if line is None:
        line = _FIRST_BILLABLE[scope, window] = Verdict("duplicate", RuleOutcome.PASS, None, reason)
    return line


def _within_cap(unit: int | None, cap: int | None, label: str) -> Verdict:
    if cap is None:
        return Verdict("cap", RuleOutcome.PASS, None, f"no cap on billable appointments in {label}")
    return Verdict("cap", RuleOutcome.PASS, None, f"unit {unit} of the cap of {cap} in {label}")


def _price_skipped(item: _Item) -> Verdict:
    if item.price_note:
        return Verdict("price", _FAIL, ReasonCode.NO_PRICE, item.price_note)
    return _NOT_PRICED


_FIRST_BILLABLE: dict[tuple[DuplicateScope, int | None], Verdict] = {}
_DUPLICATE_SKIPPED = Verdict("duplicate", RuleOutcome.SKIP, None, "not billable already")
_CAP_SKIPPED = Verdict("cap", RuleOutcome.SKIP, None, "not billable already")
_NOT_PRICED = Verdict("price", RuleOutcome.SKIP, None, "not billed")
