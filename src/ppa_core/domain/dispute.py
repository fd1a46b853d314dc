"""Disputes: the client's challenge of an appointment's billing, and its resolution.

An appointment keeps its disputes, oldest first
(:meth:`~ppa_core.domain.appointment.Appointment.dispute`); whether a dispute
counts (its window) is the contract's call, made by the engine.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain._instants import utc as _utc
from ppa_core.exceptions import ValidationError

__all__ = ["Dispute", "DisputeResolution"]


class DisputeResolution(enum.StrEnum):
    """How a dispute ended."""

    UPHELD = "upheld"
    REJECTED = "rejected"


def _to_dispute_raised_at(value: Any) -> pendulum.DateTime:
    return v.aware("dispute.raised_at")(value)


def _to_dispute_resolution(value: Any) -> DisputeResolution | None:
    return v.optional_enum(DisputeResolution, "dispute.resolution")(value)


def _to_dispute_resolved_at(value: Any) -> pendulum.DateTime | None:
    return v.optional_aware("dispute.resolved_at")(value)


@compact_pickle
@attrs.frozen
class Dispute:
    """The client's challenge of an appointment's billing.

    Attributes:
        raised_at: when the client raised it (timezone-aware).
        reason: what the client says.
        resolution: upheld, rejected, or None while open.
        resolved_at: when it was resolved.
    """

    raised_at: pendulum.DateTime = attrs.field(converter=_to_dispute_raised_at)
    reason: str = attrs.field(validator=v.text("dispute.reason"))
    resolution: DisputeResolution | None = attrs.field(
        default=None, converter=_to_dispute_resolution
    )
    resolved_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_to_dispute_resolved_at
    )

    def __attrs_post_init__(self) -> None:
        if (self.resolution is None) != (self.resolved_at is None):
            raise ValidationError(
                "dispute.resolved_at", self.resolved_at, "set exactly when a resolution is set"
            )
        if self.resolved_at is not None and _utc(self.resolved_at) < _utc(self.raised_at):
            raise ValidationError(
                "dispute.resolved_at", self.resolved_at, f">= raised_at ({self.raised_at})"
            )

    def as_of(self, at: pendulum.DateTime) -> Dispute | None:
        """The dispute as known at ``at``: None before raised, open before resolved."""
        at = _utc(v.to_datetime(at, "at"))
        if _utc(self.raised_at) > at:
            return None
        if self.resolved_at is not None and _utc(self.resolved_at) > at:
            return Dispute(self.raised_at, self.reason)
        return self
