"""NoShowPolicy: the contract terms that turn attendance facts into billing facts.

Every term is configurable; the defaults are the usual market terms of
``domain.md`` section 5:

>>> policy = NoShowPolicy()
>>> policy.grace_minutes, policy.minimum_duration_minutes, policy.late_cancellation_hours
(10, 15, 24)
>>> policy.free_reschedules, policy.reschedule_window_days
(2, 30)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.lifecycle import Actor
from ppa_core.exceptions import ValidationError

__all__ = ["NoShowPolicy"]


def _fraction(value: Any) -> Decimal:
    return v.fraction("prospect_no_show_fee", value, "a Decimal fraction from 0 to 1 (0.5 is 50 %)")


def _canceller(value: Any) -> Actor:
    actor = v.to_enum(Actor, "unknown_canceller", value)
    if actor is Actor.UNKNOWN:
        raise ValidationError("unknown_canceller", value, "one of ('prospect', 'client', 'agency')")
    return actor


def _flag(field: str) -> Any:
    return v.instance_of(field, bool, "a bool")


# Every window is added to dates: at most MAX_WINDOW_DAYS (100 years) however it is
# counted, so no date the library accepts overflows when one is added (docs/limits.md).
_MAX_HOURS = v.MAX_WINDOW_DAYS * 24
_MAX_MINUTES = _MAX_HOURS * 60


@attrs.frozen
class NoShowPolicy:
    """No-show, cancellation, reschedule and correction terms.

    Attributes:
        grace_minutes: how late (minutes) the prospect may join; later is a no-show. Default 10.
        minimum_duration_minutes: attended minutes needed to count as held. Default 15.
        prospect_no_show_fee: fraction of the price billed for a prospect no-show,
            0 to 1. Default 0 (not billed).
        replacement_days: when set, the agency owes a replacement appointment within
            this many days of a prospect no-show (reported, not billed). Default None.
        host_no_show_billable: a meeting the client's rep missed is billable. Default True.
        late_cancellation_hours: a cancellation less than this many hours before the
            start is late. Default 24. A proposal cancelled before the invitation
            was accepted is never late: it held no slot.
        late_prospect_cancellation_is_no_show: a late cancellation by the prospect is
            treated as a prospect no-show. Default True.
        client_late_cancellation_billable: a late cancellation by the client is
            billable (the slot was wasted). Default True.
        free_reschedules: reschedules allowed before the appointment counts as
            cancelled. Default 2.
        reschedule_window_days: a reschedule must land within this many days of the
            original start, otherwise it counts as a cancellation. Default 30.
        correction_window_days: days after the meeting during which an outcome may be
            corrected. Default 7.
        unknown_canceller: whose a cancellation is when the tool did not say who
            cancelled. Default the prospect's, so the client is not charged on a guess;
            the decision's trace says it was assumed.
        unknown_attendance_billable: whether a meeting held with attendance never
            known is billed once the correction window closes (pending until then).
            Default False: not billed on a guess.

    Windows are at most 36,600 days (100 years) in their unit (hours, minutes), so
    adding one to any supported date stays a date (docs/limits.md).
    """

    grace_minutes: int = attrs.field(
        default=10, validator=v.int_field("grace_minutes", maximum=_MAX_MINUTES)
    )
    minimum_duration_minutes: int = attrs.field(
        default=15, validator=v.int_field("minimum_duration_minutes", maximum=_MAX_MINUTES)
    )
    prospect_no_show_fee: Decimal = attrs.field(default=Decimal(0), converter=_fraction)
    replacement_days: int | None = attrs.field(
        default=None,
        validator=v.optional_int_field("replacement_days", minimum=1, maximum=v.MAX_WINDOW_DAYS),
    )
    host_no_show_billable: bool = attrs.field(
        default=True, validator=_flag("host_no_show_billable")
    )
    late_cancellation_hours: int = attrs.field(
        default=24, validator=v.int_field("late_cancellation_hours", maximum=_MAX_HOURS)
    )
    late_prospect_cancellation_is_no_show: bool = attrs.field(
        default=True, validator=_flag("late_prospect_cancellation_is_no_show")
    )
    client_late_cancellation_billable: bool = attrs.field(
        default=True, validator=_flag("client_late_cancellation_billable")
    )
    free_reschedules: int = attrs.field(default=2, validator=v.int_field("free_reschedules"))
    reschedule_window_days: int = attrs.field(
        default=30, validator=v.int_field("reschedule_window_days", maximum=v.MAX_WINDOW_DAYS)
    )
    correction_window_days: int = attrs.field(
        default=7, validator=v.int_field("correction_window_days", maximum=v.MAX_WINDOW_DAYS)
    )
    unknown_canceller: Actor = attrs.field(default=Actor.PROSPECT, converter=_canceller)
    unknown_attendance_billable: bool = attrs.field(
        default=False, validator=_flag("unknown_attendance_billable")
    )
