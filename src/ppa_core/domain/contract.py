"""Contract: parties, term, billing periods and effective-dated terms.

The commercial terms (criteria, policy, pricing, dispute window, cap,
guarantee, duplicate rule, rounding) live in :class:`ContractTerms`. An
:class:`Amendment` replaces them from a moment on; an appointment is governed
by the terms in force **when it was booked** (:meth:`Contract.terms_at`).

>>> import pendulum
>>> from ppa_core.domain.money import Money
>>> from ppa_core.domain.pricing import PerAppointment
>>> c = Contract(
...     id="c-1",
...     agency="Outbound Co",
...     client="Acme",
...     currency="EUR",
...     timezone="Europe/Berlin",
...     term=Term(start=pendulum.Date(2026, 1, 1)),
...     terms=ContractTerms(pricing=PerAppointment(price=Money.of(350, "EUR"))),
... )
>>> c = c.amend(pendulum.Date(2026, 3, 1), pricing=PerAppointment(price=Money.of(400, "EUR")))
>>> c.terms_at(pendulum.datetime(2026, 2, 28, 23, 59, tz="Europe/Berlin")).pricing.price
Money('350', 'EUR')
>>> c.terms_at(pendulum.datetime(2026, 3, 1, tz="Europe/Berlin")).pricing.price
Money('400', 'EUR')
>>> c.period_containing(pendulum.datetime(2026, 3, 31, 22, 30, tz="UTC")).label  # 00:30, 1 April
'2026-04'
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain.billing_period import (
    BillingPeriod,
    BillingPeriodRule,
    PeriodKind,
    start_of_day,
)
from ppa_core.domain.commitment import Commitment
from ppa_core.domain.criteria_set import CriteriaSet
from ppa_core.domain.duplicates import DuplicateRule
from ppa_core.domain.exit_clause import ExitClause, _to_exit_clauses
from ppa_core.domain.guarantee import Guarantee
from ppa_core.domain.history import windows_open_at
from ppa_core.domain.money import Currency, Money, RoundingMode, currency
from ppa_core.domain.party import Parties
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import PRICING_TYPES, Pricing
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.domain.service_level import ServiceLevel, _to_service_levels
from ppa_core.domain.tax import TaxTreatment
from ppa_core.domain.tiers import _optional_money
from ppa_core.exceptions import ValidationError

__all__ = [
    "Amendment",
    "BillingPeriod",
    "BillingPeriodRule",
    "Contract",
    "ContractTerms",
    "PeriodKind",
    "Term",
]


def _to_term_end(value: Any) -> pendulum.Date | None:
    return v.optional_date("term.end")(value)


def _term_start(value: Any) -> pendulum.Date:
    return v.to_date(value, "term.start")


@attrs.frozen
class Term:
    """The contract's term, in calendar dates of the contract's timezone.

    Dates are in the supported years, 1900 to 9000 (docs/limits.md).

    Attributes:
        start: the first day of the contract.
        end: the last day (inclusive), or None for an open-ended contract.
        notice_days: notice period for exit, in days (default 30, at most 36,600).
    """

    start: pendulum.Date = attrs.field(converter=_term_start)
    end: pendulum.Date | None = attrs.field(default=None, converter=_to_term_end)
    notice_days: int = attrs.field(
        default=30, validator=v.int_field("term.notice_days", maximum=v.MAX_WINDOW_DAYS)
    )

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError("term.end", self.end, f"on or after term.start ({self.start})")

    def contains(self, day: pendulum.Date) -> bool:
        """True when ``day`` is within the term."""
        return self.start <= day and (self.end is None or day <= self.end)


def _criteria(_instance: Any, _attribute: Any, value: Any) -> None:
    # The common case first: a runtime protocol check inspects the class's attributes
    # on every call (about a fifth of building the terms).
    if type(value) is not QualificationCriteria and not isinstance(value, CriteriaSet):
        raise ValidationError("criteria", value, "a criteria set with name and evaluate()")


def _pricing(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, PRICING_TYPES):
        names = ", ".join(t.__name__ for t in PRICING_TYPES)
        raise ValidationError("pricing", value, f"one of {names}")


def _extra_rules(value: Any) -> tuple[Any, ...]:
    rules = v.tuple_of("extra_rules", object, "a rule")(value)
    for i, rule in enumerate(rules):
        if not callable(rule) or not isinstance(getattr(rule, "rule_id", None), str):
            raise ValidationError(f"extra_rules[{i}]", rule, "a callable with a str rule_id")
    return rules


def _to_rounding(value: Any) -> RoundingMode:
    return v.enum_converter(RoundingMode, "rounding")(value)


@attrs.frozen
class ContractTerms:
    """The commercial terms in force over a stretch of the contract.

    Attributes:
        pricing: how appointments (or leads, periods, deals) are priced.
        criteria: the qualification criteria (default: none, everyone qualifies).
        policy: no-show, cancellation, reschedule terms (market defaults).
        dispute_window_days: days after a meeting the client may dispute it (default 7, at
            most 36,600: windows are added to dates, docs/limits.md).
        cap: at most this many billable appointments per period; None for no cap.
        guarantee: a minimum of held appointments per period, or None.
        duplicates: when a prospect counts as already billed (default: same person, ever).
        rounding: rounding of each line to the minor unit (default half-up).
        extra_rules: custom billing rules, evaluated after the built-in ones.
        service_levels: agreed targets judged by reviews (``ppa_core.domain.service_level``).
        exit_clauses: conditions giving the client a right to exit (``domain.exit_clause``).
        setup_fee: a one-off charge on the first invoice of the term (the one that
            bills the contract's first period); None for none.
        commitment: a minimum-spend true-up and/or a spend ceiling per period; None for none.
        tax: the tax treatment of the documents (:mod:`ppa_core.domain.tax`); None
            (default) until the contract names one, which billing documents require.
        payment_terms: when documents fall due (default net 30).
    """

    pricing: Pricing = attrs.field(validator=_pricing)
    criteria: CriteriaSet = attrs.field(factory=QualificationCriteria, validator=_criteria)
    policy: NoShowPolicy = attrs.field(
        factory=NoShowPolicy, validator=v.instance_of("policy", NoShowPolicy, "a NoShowPolicy")
    )
    dispute_window_days: int = attrs.field(
        default=7, validator=v.int_field("dispute_window_days", maximum=v.MAX_WINDOW_DAYS)
    )
    cap: int | None = attrs.field(default=None, validator=v.optional_int_field("cap"))
    guarantee: Guarantee | None = attrs.field(
        default=None, validator=v.optional_instance_of("guarantee", Guarantee, "a Guarantee")
    )
    duplicates: DuplicateRule = attrs.field(
        factory=DuplicateRule,
        validator=v.instance_of("duplicates", DuplicateRule, "a DuplicateRule"),
    )
    rounding: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_to_rounding)
    extra_rules: tuple[Any, ...] = attrs.field(default=(), converter=_extra_rules)
    service_levels: tuple[ServiceLevel, ...] = attrs.field(default=(), converter=_to_service_levels)
    exit_clauses: tuple[ExitClause, ...] = attrs.field(default=(), converter=_to_exit_clauses)
    setup_fee: Money | None = attrs.field(default=None, validator=_optional_money("setup_fee"))
    commitment: Commitment | None = attrs.field(
        default=None, validator=v.optional_instance_of("commitment", Commitment, "a Commitment")
    )
    tax: TaxTreatment | None = attrs.field(
        default=None, validator=v.optional_instance_of("tax", TaxTreatment, "a TaxTreatment")
    )
    payment_terms: PaymentTerms = attrs.field(
        factory=PaymentTerms,
        validator=v.instance_of("payment_terms", PaymentTerms, "a PaymentTerms"),
    )

    def check_currency(self, expected: Currency, where: str) -> None:
        """Raise ValidationError unless every amount of the terms is in ``expected``."""
        if self.pricing.currency != expected:
            raise ValidationError(
                f"{where}.pricing", self.pricing.currency.code, f"priced in {expected.code}"
            )
        credit = self.guarantee.credit_per_missing if self.guarantee else None
        if credit is not None and credit.currency != expected:
            raise ValidationError(
                f"{where}.guarantee.credit_per_missing", credit, f"in {expected.code}"
            )
        for i, level in enumerate(self.service_levels):
            amount = level.credit_amount
            if amount is not None and amount.currency != expected:
                field = f"{where}.service_levels[{i}].credit_amount"
                raise ValidationError(field, amount, f"in {expected.code}")
        if self.setup_fee is not None and self.setup_fee.currency != expected:
            raise ValidationError(f"{where}.setup_fee", self.setup_fee, f"in {expected.code}")
        if self.commitment is not None and self.commitment.currency != expected:
            raise ValidationError(
                f"{where}.commitment", self.commitment.currency.code, f"in {expected.code}"
            )


def _effective_from(value: Any) -> pendulum.DateTime | pendulum.Date:
    return _date_or_datetime(value, "amendment.effective_from")


@attrs.frozen
class Amendment:
    """New terms in force from ``effective_from`` on (for appointments booked from then).

    Attributes:
        effective_from: an aware datetime, or a date (midnight in the contract's timezone).
        terms: the complete terms in force from then.
        note: why the contract was amended.
    """

    effective_from: pendulum.DateTime | pendulum.Date = attrs.field(converter=_effective_from)
    terms: ContractTerms = attrs.field(
        validator=v.instance_of("amendment.terms", ContractTerms, "a ContractTerms")
    )
    note: str | None = attrs.field(default=None, validator=v.optional_text("amendment.note"))


def _date_or_datetime(value: Any, field: str) -> pendulum.DateTime | pendulum.Date:
    if isinstance(value, str) and len(value.strip()) == 10:
        return v.to_date(value, field)
    if isinstance(value, pendulum.Date) and not isinstance(value, pendulum.DateTime):
        return value
    if isinstance(value, str):
        return v.to_datetime(value, field)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return v.to_date(value, field)
    return v.to_datetime(value, field)


def _timezone(value: Any) -> str:
    return v.zone_name(value, "timezone")


def _currency(value: Any) -> Currency:
    try:
        return currency(value)
    except ValidationError:
        raise ValidationError(
            "currency", value, "an ISO 4217 code such as 'EUR', 'USD' or 'JPY'"
        ) from None


_MAX_REVIEW_MONTHS = 1200
"""A review at least once a century: the cadence adds months to dates (docs/limits.md)."""


def _review(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None:
        v.check_int("review_every_months", value, minimum=1, maximum=_MAX_REVIEW_MONTHS)


def _to_amendments(value: Any) -> tuple[Amendment, ...]:
    return v.tuple_of("amendments", Amendment, "an Amendment")(value)


@attrs.frozen
class Contract:
    """An agreement between an agency and a client.

    Attributes:
        id: a stable identifier.
        agency: the provider booking the meetings.
        client: the buyer paying for them.
        currency: the billing currency; every price must be in it.
        timezone: the IANA timezone billing periods and dates are read in; the name is
            checked against the IANA list (``zoneinfo.available_timezones()``) first.
        term: start, optional end and notice period.
        terms: the terms in force from the start.
        billing_period: how periods recur (calendar month by default).
        amendments: later terms, each from its effective moment (kept sorted).
        review_every_months: performance-review cadence in months (1 to 1200), or None.
        review_every_months: performance-review cadence in months, or None.
        parties: the legal names, addresses and VAT ids on the documents (None: the
            documents name ``agency`` and ``client`` only).
    """

    id: str = attrs.field(validator=v.text("contract.id"))
    agency: str = attrs.field(validator=v.text("agency"))
    client: str = attrs.field(validator=v.text("client"))
    currency: Currency = attrs.field(converter=_currency)
    timezone: str = attrs.field(converter=_timezone)
    term: Term = attrs.field(validator=v.instance_of("term", Term, "a Term"))
    terms: ContractTerms = attrs.field(
        validator=v.instance_of("terms", ContractTerms, "a ContractTerms")
    )
    billing_period: BillingPeriodRule = attrs.field(
        factory=BillingPeriodRule,
        validator=v.instance_of("billing_period", BillingPeriodRule, "a BillingPeriodRule"),
    )
    amendments: tuple[Amendment, ...] = attrs.field(default=(), converter=_to_amendments)
    review_every_months: int | None = attrs.field(default=None, validator=_review)
    parties: Parties | None = attrs.field(
        default=None, validator=v.optional_instance_of("parties", Parties, "a Parties")
    )
    _starts: tuple[pendulum.DateTime, ...] = attrs.field(init=False, eq=False, repr=False)
    _tz: pendulum.Timezone = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self.terms.check_currency(self.currency, "terms")
        starts = [self._instant(a.effective_from) for a in self.amendments]
        order = sorted(range(len(starts)), key=lambda i: starts[i])
        if order != list(range(len(starts))):
            object.__setattr__(self, "amendments", tuple(self.amendments[i] for i in order))
            starts = [starts[i] for i in order]
        term_start = self.term_start
        for i, (amendment, start) in enumerate(zip(self.amendments, starts, strict=True)):
            amendment.terms.check_currency(self.currency, f"amendments[{i}].terms")
            if start < term_start:
                raise ValidationError(
                    f"amendments[{i}].effective_from",
                    amendment.effective_from,
                    f"on or after the term start ({self.term.start})",
                )
            # Not ``==``: it is always False between zones when one side is a repeated
            # local time (PEP 495), e.g. a date amendment on a day with two midnights.
            if i and not starts[i - 1] < start:
                raise ValidationError(
                    f"amendments[{i}].effective_from",
                    amendment.effective_from,
                    "different from every other amendment's",
                )
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_tz", pendulum.timezone(self.timezone))

    def _instant(self, moment: pendulum.DateTime | pendulum.Date) -> pendulum.DateTime:
        if isinstance(moment, pendulum.DateTime):
            return moment
        return start_of_day(moment, self.timezone)

    @property
    def term_start(self) -> pendulum.DateTime:
        """The first instant of the term (midnight of the start day, contract timezone)."""
        return start_of_day(self.term.start, self.timezone)

    @property
    def term_end(self) -> pendulum.DateTime | None:
        """The first instant after the term (midnight after the last day), or None."""
        end = self.term.end
        return None if end is None else start_of_day(end.add(days=1), self.timezone)

    @property
    def tzinfo(self) -> pendulum.Timezone:
        """The contract's timezone as a tzinfo."""
        return self._tz

    def local(self, moment: pendulum.DateTime) -> pendulum.DateTime:
        """``moment`` read in the contract's timezone."""
        return moment.astimezone(self._tz)

    def terms_at(self, moment: pendulum.DateTime) -> ContractTerms:
        """The terms in force at ``moment``: the last amendment effective at or before it."""
        index = bisect.bisect_right(self._starts, v.to_datetime(moment, "moment", v.CALENDAR))
        return self.terms if index == 0 else self.amendments[index - 1].terms

    def amendment_at(self, moment: pendulum.DateTime) -> Amendment | None:
        """The amendment in force at ``moment``, or None while the original terms apply."""
        index = bisect.bisect_right(self._starts, v.to_datetime(moment, "moment", v.CALENDAR))
        return None if index == 0 else self.amendments[index - 1]

    def effective_from(self, amendment: Amendment) -> pendulum.DateTime:
        """The instant ``amendment`` takes effect (a date means midnight, contract timezone)."""
        return self._instant(amendment.effective_from)

    def amend(
        self,
        effective_from: pendulum.DateTime | pendulum.Date,
        note: str | None = None,
        **changes: Any,
    ) -> Contract:
        """A new contract whose terms change from ``effective_from`` on.

        The new terms are those in force at ``effective_from`` with ``changes``
        applied (any :class:`ContractTerms` field: ``pricing=...``, ``cap=...``).

        Raises:
            ValidationError: an unknown term name, or a change that is not allowed.
        """
        unknown = sorted(set(changes) - set(attrs.fields_dict(ContractTerms)))
        if unknown:
            allowed = tuple(attrs.fields_dict(ContractTerms))
            raise ValidationError("amend", unknown[0], f"a term name, one of {allowed}")
        moment = _date_or_datetime(effective_from, "effective_from")
        base = self.terms_at(self._instant(moment))
        amendment = Amendment(moment, attrs.evolve(base, **changes), note)
        return attrs.evolve(self, amendments=(*self.amendments, amendment))

    def period_containing(self, moment: pendulum.DateTime) -> BillingPeriod:
        """The billing period that contains ``moment`` (read in the contract's timezone)."""
        return self.billing_period.period_containing(moment, self.timezone)

    def periods(
        self, start: pendulum.DateTime, end: pendulum.DateTime
    ) -> tuple[BillingPeriod, ...]:
        """The billing periods overlapping ``[start, end)``."""
        return self.billing_period.periods(start, end, self.timezone)

    def correction_deadline(
        self,
        meeting_end: pendulum.DateTime,
        booked_at: pendulum.DateTime,
        outcome_at: pendulum.DateTime | None = None,
    ) -> pendulum.DateTime:
        """The last moment an outcome of a meeting ending at ``meeting_end`` may be corrected.

        The window (the terms in force at ``booked_at``) runs from the meeting's end, or
        from ``outcome_at`` when the outcome was recorded later: the moment the engine
        applies (:meth:`Appointment.correction_deadline`).
        """
        days = self.terms_at(booked_at).policy.correction_window_days
        return windows_open_at(meeting_end, outcome_at).add(days=days)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_pretty_(self, printer: _rendering.Printer, cycle: bool) -> None:
        _rendering.pretty(self, printer)

    def _repr_html_(self) -> str:
        """A compact HTML table for Jupyter."""
        return _rendering.html(self)
