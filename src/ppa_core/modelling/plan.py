"""A campaign plan: what an analyst expects of a campaign before signing its contract.

The plan gives the volume (appointments set per billing period, or leads
delivered and a lead-to-meeting rate) and what happens to the meetings (show
rate, qualification rate, host no-shows, late joins, short meetings) and after
them (opportunities, close rate, deal value). Each rate may be a number, a
``(low, high)`` range, a ``(low, mode, high)`` triangle, or any
:class:`~ppa_core.modelling.distribution.Distribution`.

>>> plan = CampaignPlan(appointments=50, show_rate=("0.70", "0.85"), qualification_rate="0.9")
>>> plan.show_rate
Uniform(low=Decimal('0.70'), high=Decimal('0.85'))
>>> plan.qualification_rate
Fixed(value=Decimal('0.9'))
>>> CampaignPlan(appointments=50, show_rate="1.2")
Traceback (most recent call last):
...
ppa_core.exceptions.ValidationError: 'show_rate' must be a rate from 0 to 1... (got '1.2')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Seniority
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.distribution import Distribution, Fixed, Triangular, Uniform

__all__ = ["RATE_FIELDS", "CampaignPlan"]

RATE_FIELDS = (
    "show_rate",
    "qualification_rate",
    "host_no_show_rate",
    "late_join_share",
    "short_meeting_share",
    "opportunity_rate",
    "close_rate",
    "lead_to_meeting_rate",
)
"""The plan's rates, in the order their random streams are numbered."""

_RATE_TEXT = (
    "a rate from 0 to 1: a number such as '0.8', a (low, high) range, "
    "a (low, mode, high) triangle or a Distribution"
)
_COUNT_TEXT = (
    "a count from 0 to 100000: a whole number, a (low, high) range, "
    "a (low, mode, high) triangle or a Distribution"
)
_MAX_COUNT = Decimal(100_000)


def _distribution(value: Any, field: str, text: str) -> Distribution[Any]:
    if isinstance(value, tuple | list):
        if len(value) == 2:
            return Uniform(value[0], value[1])
        if len(value) == 3:
            return Triangular(value[0], value[1], value[2])
        raise ValidationError(field, value, text)
    if isinstance(value, Distribution):
        return value
    return Fixed(value)


def _convert(
    field: str, text: str, kind: type, low: Decimal, high: Decimal | None
) -> Callable[[Any], Distribution[Any]]:
    def convert(value: Any) -> Distribution[Any]:
        try:
            distribution = _distribution(value, field, text)
        except ValidationError as error:
            raise ValidationError(field, value, f"{text} ({error})") from None
        lowest, highest = distribution.low, distribution.high
        if not isinstance(lowest, kind) or not isinstance(highest, kind):
            raise ValidationError(field, value, text)
        amounts = [_amount(lowest), _amount(highest)]
        if amounts[0] < low or (high is not None and amounts[1] > high):
            raise ValidationError(field, value, text)
        return distribution

    return convert


_to_rate = _convert("rate", _RATE_TEXT, Decimal, Decimal(0), Decimal(1))


def _amount(value: object) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, Decimal):
        return value
    raise ValidationError("value", value, "a Decimal or a Money")  # pragma: no cover


def _rate(value: Any, field: str) -> Distribution[Decimal]:
    try:
        return _to_rate(value)
    except ValidationError as error:
        raise ValidationError(field, value, error.allowed) from None


def _to_show_rate(value: Any) -> Distribution[Decimal]:
    return _rate(value, "show_rate")


def _to_qualification_rate(value: Any) -> Distribution[Decimal]:
    return _rate(value, "qualification_rate")


def _to_host_no_show_rate(value: Any) -> Distribution[Decimal]:
    return _rate(value, "host_no_show_rate")


def _to_late_join_share(value: Any) -> Distribution[Decimal]:
    return _rate(value, "late_join_share")


def _to_short_meeting_share(value: Any) -> Distribution[Decimal]:
    return _rate(value, "short_meeting_share")


def _to_opportunity_rate(value: Any) -> Distribution[Decimal]:
    return _rate(value, "opportunity_rate")


def _to_close_rate(value: Any) -> Distribution[Decimal]:
    return _rate(value, "close_rate")


def _to_lead_to_meeting_rate(value: Any) -> Distribution[Decimal] | None:
    return None if value is None else _rate(value, "lead_to_meeting_rate")


_to_count = _convert("count", _COUNT_TEXT, Decimal, Decimal(0), _MAX_COUNT)


def _to_appointments(value: Any) -> Distribution[Decimal] | None:
    if value is None:
        return None
    try:
        return _to_count(value)
    except ValidationError as error:
        raise ValidationError("appointments", value, error.allowed) from None


def _to_leads(value: Any) -> Distribution[Decimal] | None:
    if value is None:
        return None
    try:
        return _to_count(value)
    except ValidationError as error:
        raise ValidationError("leads", value, error.allowed) from None


_DEAL_TEXT = (
    "a deal value >= 0: a Money, a (low, high) or (low, mode, high) of Money, "
    "or a Distribution of Money"
)
_to_money = _convert("deal_value", _DEAL_TEXT, Money, Decimal(0), None)


def _to_deal_value(value: Any) -> Distribution[Money] | None:
    return None if value is None else _to_money(value)


def _seniority_mix(value: Any) -> tuple[tuple[Seniority, int], ...]:
    if value is None:
        return ()
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = dict(value)
    if not isinstance(value, Mapping):
        raise ValidationError("seniority_mix", value, "a mapping of seniority to a whole weight")
    mix: dict[Seniority, int] = {}
    for key, weight in value.items():
        seniority = v.to_enum(Seniority, "seniority_mix", key)
        mix[seniority] = v.check_int(f"seniority_mix[{seniority.value}]", weight, minimum=1)
    return tuple(sorted(mix.items(), key=lambda kv: kv[0].rank))


def _start(value: Any) -> pendulum.Date | None:
    return v.optional_date("start")(value)


def _minutes(field: str, minimum: int) -> Any:
    return v.int_field(field, minimum=minimum, maximum=24 * 60)


@attrs.frozen(kw_only=True)
class CampaignPlan:
    """The expected volume and outcomes of a campaign, per billing period.

    Give either ``appointments`` (meetings set per period) or ``leads`` (contacts
    delivered per period) with a ``lead_to_meeting_rate``. Rates and shares are
    drawn once per simulated run (the campaign's true rate is uncertain), then
    each meeting's fate is drawn from them; counts are drawn per period and
    rounded half-even to a whole number.

    Attributes:
        periods: billing periods the campaign runs (default 1, at most 600).
        appointments: meetings set per period.
        leads: leads delivered per period (what pay per lead bills).
        lead_to_meeting_rate: the share of leads that become a meeting (with ``leads``).
        show_rate: the share of meetings the prospect joins.
        qualification_rate: the share of prospects who meet the contract's criteria
            (default 1). It replaces the contract's criteria in the simulation.
        host_no_show_rate: of the meetings the prospect joins, the share the client's
            rep misses (default 0).
        late_join_share: of the meetings both join, the share the prospect joins
            ``late_join_minutes`` late (default 0).
        short_meeting_share: of the other meetings, the share that last only
            ``short_meeting_minutes`` (default 0).
        opportunity_rate: the share of qualified meetings held that become a sales
            opportunity (default 1).
        close_rate: the share of opportunities won (default 0).
        deal_value: the value of a won deal; needed for ROI and commission.
        seniority_mix: relative weights of the prospects' seniorities (for prices per
            seniority), e.g. ``{"c_level": 1, "vp": 3}``; empty means unknown seniority.
        meeting_minutes: the planned length of a meeting (default 30).
        late_join_minutes: how late a late joiner joins (default 15).
        short_meeting_minutes: how long a short meeting lasts (default 10).
        booking_lead_days: days between booking and meeting (default 7).
        start: the first day of the campaign; default the contract's term start.
    """

    periods: int = attrs.field(default=1, validator=v.int_field("periods", minimum=1, maximum=600))
    appointments: Distribution[Decimal] | None = attrs.field(
        default=None, converter=_to_appointments
    )
    leads: Distribution[Decimal] | None = attrs.field(default=None, converter=_to_leads)
    lead_to_meeting_rate: Distribution[Decimal] | None = attrs.field(
        default=None, converter=_to_lead_to_meeting_rate
    )
    show_rate: Distribution[Decimal] = attrs.field(converter=_to_show_rate)
    qualification_rate: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(1)), converter=_to_qualification_rate
    )
    host_no_show_rate: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(0)), converter=_to_host_no_show_rate
    )
    late_join_share: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(0)), converter=_to_late_join_share
    )
    short_meeting_share: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(0)), converter=_to_short_meeting_share
    )
    opportunity_rate: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(1)), converter=_to_opportunity_rate
    )
    close_rate: Distribution[Decimal] = attrs.field(
        default=Fixed(Decimal(0)), converter=_to_close_rate
    )
    deal_value: Distribution[Money] | None = attrs.field(default=None, converter=_to_deal_value)
    seniority_mix: tuple[tuple[Seniority, int], ...] = attrs.field(
        default=(), converter=_seniority_mix
    )
    meeting_minutes: int = attrs.field(default=30, validator=_minutes("meeting_minutes", 1))
    late_join_minutes: int = attrs.field(default=15, validator=_minutes("late_join_minutes", 0))
    short_meeting_minutes: int = attrs.field(
        default=10, validator=_minutes("short_meeting_minutes", 0)
    )
    booking_lead_days: int = attrs.field(
        default=7, validator=v.int_field("booking_lead_days", maximum=365)
    )
    start: pendulum.Date | None = attrs.field(default=None, converter=_start)

    def __attrs_post_init__(self) -> None:
        if (self.appointments is None) == (self.leads is None):
            raise ValidationError(
                "appointments", self.appointments, "given, or leads given instead (exactly one)"
            )
        if (self.leads is None) != (self.lead_to_meeting_rate is None):
            raise ValidationError(
                "lead_to_meeting_rate",
                self.lead_to_meeting_rate,
                "given exactly when leads are given",
            )
        if self.late_join_minutes >= self.meeting_minutes:
            raise ValidationError(
                "late_join_minutes",
                self.late_join_minutes,
                f"less than meeting_minutes ({self.meeting_minutes})",
            )
        if self.short_meeting_minutes > self.meeting_minutes:
            raise ValidationError(
                "short_meeting_minutes",
                self.short_meeting_minutes,
                f"at most meeting_minutes ({self.meeting_minutes})",
            )

    def rates(self) -> tuple[tuple[str, Distribution[Decimal] | None], ...]:
        """Every rate of :data:`RATE_FIELDS` with its distribution (None when not used)."""
        return tuple((name, getattr(self, name)) for name in RATE_FIELDS)
