"""Service levels: what the agency and the client agreed about the figures.

A :class:`ServiceLevel` is a contract term (it lives in
:class:`~ppa_core.domain.contract.ContractTerms`, so it is effective-dated like
the price): a :class:`Target` (a KPI, a comparison and a threshold), the
:class:`Window` of billing periods it is judged over, and what a breach means
(:class:`Consequence`): a report only, a service credit, or a right to exit.
``ppa_core.billing.review`` judges them; ``docs/reviews.md`` defines each KPI.

>>> level = ServiceLevel(
...     "show-rate",
...     Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.75"),
...     Window(periods=3, rolling=True),
... )
>>> level.target.met_by(Decimal("0.8")), level.target.met_by(Decimal("0.7"))
(True, False)
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Seniority
from ppa_core.exceptions import ValidationError

__all__ = [
    "Comparator",
    "Consequence",
    "Kpi",
    "ServiceLevel",
    "Target",
    "Window",
]


class Kpi(enum.StrEnum):
    """A figure a service level or an exit clause is judged on (``docs/reviews.md``).

    Rates and shares are fractions from 0 to 1; ``MEETINGS_HELD`` is a count;
    ``COST_PER_MEETING`` an amount in the contract's currency;
    ``DAYS_TO_MEETING`` a mean number of days.
    """

    SHOW_RATE = "show_rate"
    QUALIFICATION_RATE = "qualification_rate"
    BILLABLE_RATE = "billable_rate"
    MEETINGS_HELD = "meetings_held"
    COST_PER_MEETING = "cost_per_meeting"
    SENIORITY_SHARE = "seniority_share"
    REGION_SHARE = "region_share"
    DAYS_TO_MEETING = "days_to_meeting"
    GUARANTEE_ATTAINMENT = "guarantee_attainment"


_RATES = frozenset(
    {
        Kpi.SHOW_RATE,
        Kpi.QUALIFICATION_RATE,
        Kpi.BILLABLE_RATE,
        Kpi.SENIORITY_SHARE,
        Kpi.REGION_SHARE,
    }
)


class Comparator(enum.StrEnum):
    """How a measured value must compare with the threshold for the target to be met."""

    AT_LEAST = ">="
    AT_MOST = "<="
    ABOVE = ">"
    BELOW = "<"

    def holds(self, value: Decimal, threshold: Decimal) -> bool:
        """True when ``value`` compares with ``threshold`` as this comparator says."""
        if self is Comparator.AT_LEAST:
            return value >= threshold
        if self is Comparator.AT_MOST:
            return value <= threshold
        if self is Comparator.ABOVE:
            return value > threshold
        return value < threshold


class Consequence(enum.StrEnum):
    """What a breached service level means."""

    REPORT = "report"
    SERVICE_CREDIT = "service_credit"
    EXIT = "exit"


def _to_kpi(value: Any) -> Kpi:
    return v.enum_converter(Kpi, "target.kpi")(value)


def _to_comparator(value: Any) -> Comparator:
    return v.enum_converter(Comparator, "target.comparator")(value)


def _to_threshold(value: Any) -> Decimal:
    number = v.finite_decimal(value)
    if number is None or number < 0:
        raise ValidationError(
            "target.threshold", value, "a Decimal, int or decimal text of zero or more (no float)"
        )
    return number


def _to_seniority(value: Any) -> Seniority | None:
    return v.optional_enum(Seniority, "target.seniority")(value)


@attrs.frozen
class Target:
    """A KPI, a comparison and a threshold: "show rate >= 0.75".

    Attributes:
        kpi: the figure judged.
        comparator: how the measured value must compare with the threshold.
        threshold: a fraction from 0 to 1 for rates and shares, a count for meetings
            held, an amount in the contract's currency for cost per meeting, days for
            the time from booking to meeting.
        seniority: for ``SENIORITY_SHARE``: the share of meetings with a prospect at
            this seniority or above.
        region: for ``REGION_SHARE``: the share of meetings with a company in this
            region (as written on the prospect's company).
    """

    kpi: Kpi = attrs.field(converter=_to_kpi)
    comparator: Comparator = attrs.field(converter=_to_comparator)
    threshold: Decimal = attrs.field(converter=_to_threshold)
    seniority: Seniority | None = attrs.field(default=None, converter=_to_seniority)
    region: str | None = attrs.field(default=None, validator=v.optional_text("target.region"))

    def __attrs_post_init__(self) -> None:
        if self.kpi in _RATES and self.threshold > 1:
            raise ValidationError("target.threshold", self.threshold, "a fraction from 0 to 1")
        if (self.kpi is Kpi.SENIORITY_SHARE) != (self.seniority is not None):
            raise ValidationError(
                "target.seniority", self.seniority, "set exactly when the KPI is seniority_share"
            )
        if (self.kpi is Kpi.REGION_SHARE) != (self.region is not None):
            raise ValidationError(
                "target.region", self.region, "set exactly when the KPI is region_share"
            )

    def met_by(self, value: Decimal) -> bool:
        """True when a measured ``value`` meets the target."""
        return self.comparator.holds(value, self.threshold)

    def describe(self) -> str:
        """The target in words, e.g. ``show_rate >= 0.75``."""
        subject = str(self.kpi)
        if self.seniority is not None:
            subject += f" ({self.seniority} or above)"
        if self.region is not None:
            subject += f" ({self.region})"
        return f"{subject} {self.comparator} {self.threshold}"


@attrs.frozen
class Window:
    """The billing periods a target is judged over.

    Attributes:
        periods: how many of the contract's billing periods (default 1).
        rolling: True to judge at the end of every period over the last ``periods``
            (a rolling window); False (default) to judge consecutive blocks of
            ``periods`` counted from the term's start (3 monthly periods from a
            1 January start are the calendar quarters).
    """

    periods: int = attrs.field(default=1, validator=v.int_field("window.periods", minimum=1))
    rolling: bool = attrs.field(
        default=False, validator=v.instance_of("window.rolling", bool, "a bool")
    )

    def describe(self) -> str:
        """The window in words."""
        unit = "period" if self.periods == 1 else f"{self.periods} periods"
        return f"rolling {unit}" if self.rolling and self.periods > 1 else f"each {unit}"


def _to_consequence(value: Any) -> Consequence:
    return v.enum_converter(Consequence, "service_level.consequence")(value)


def _to_share(value: Any) -> Decimal | None:
    if value is None:
        return None
    return v.fraction("service_level.credit_share", value, "None or a fraction from 0 to 1")


@attrs.frozen
class ServiceLevel:
    """An agreed target, the window it is judged over and what a breach means.

    Attributes:
        id: a stable name, unique among the terms' service levels ("show-rate").
        target: the KPI, comparison and threshold.
        window: the billing periods it is judged over (default: each period).
        consequence: a report only (default), a service credit, or a right to exit.
        credit_share: for a service credit: this share of the amount billed for the
            appointments of the period judged (the window's last period when
            rolling, the whole block otherwise).
        credit_amount: for a service credit: a fixed amount per breach (added to the
            share when both are given).
        notice_days: for a right to exit: days of notice (None: the term's).
    """

    id: str = attrs.field(validator=v.text("service_level.id"))
    target: Target = attrs.field(
        validator=v.instance_of("service_level.target", Target, "a Target")
    )
    window: Window = attrs.field(
        factory=Window, validator=v.instance_of("service_level.window", Window, "a Window")
    )
    consequence: Consequence = attrs.field(default=Consequence.REPORT, converter=_to_consequence)
    credit_share: Decimal | None = attrs.field(default=None, converter=_to_share)
    credit_amount: Money | None = attrs.field(
        default=None,
        validator=v.optional_instance_of("service_level.credit_amount", Money, "a Money"),
    )
    notice_days: int | None = attrs.field(
        default=None, validator=v.optional_int_field("service_level.notice_days")
    )

    def __attrs_post_init__(self) -> None:
        credit = self.credit_share is not None or self.credit_amount is not None
        if (self.consequence is Consequence.SERVICE_CREDIT) != credit:
            raise ValidationError(
                "service_level.credit_share",
                self.credit_share,
                "a credit share or amount exactly when the consequence is a service credit",
            )
        if self.credit_amount is not None and self.credit_amount.amount < 0:
            raise ValidationError(
                "service_level.credit_amount", self.credit_amount, "zero or more (it is credited)"
            )


def _unique_ids(field: str, kind: type[Any]) -> Any:
    """A converter to a tuple of ``kind`` whose ``id`` values are unique (terms name them)."""
    to_tuple = v.tuple_of(field, kind, f"a {kind.__name__}")

    def convert(value: Any) -> tuple[Any, ...]:
        items = to_tuple(value)
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                raise ValidationError(f"{field}[{i}].id", item.id, "an id no other item has")
            seen.add(item.id)
        return items

    return convert


def _to_service_levels(value: Any) -> tuple[ServiceLevel, ...]:
    """The terms' service levels: a tuple with unique ids."""
    converted: tuple[ServiceLevel, ...] = _unique_ids("service_levels", ServiceLevel)(value)
    return converted
