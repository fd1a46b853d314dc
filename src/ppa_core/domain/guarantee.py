"""The guarantee: a minimum of held appointments per period, and what a shortfall produces."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError

__all__ = ["Guarantee", "GuaranteeRemedy"]


class GuaranteeRemedy(enum.StrEnum):
    """What a guarantee shortfall produces."""

    SERVICE_CREDIT = "service_credit"
    ROLL_OVER = "roll_over"


def _to_guarantee_remedy(value: Any) -> GuaranteeRemedy:
    return v.enum_converter(GuaranteeRemedy, "guarantee.remedy")(value)


@attrs.frozen
class Guarantee:
    """A minimum of held appointments per period (an SLA).

    Attributes:
        minimum_held: appointments the agency guarantees per period (>= 1).
        remedy: service credit (default) or roll-over of the shortfall to the next period.
        credit_per_missing: the credit per missing appointment for a service credit.
    """

    minimum_held: int = attrs.field(validator=v.int_field("guarantee.minimum_held", minimum=1))
    remedy: GuaranteeRemedy = attrs.field(
        default=GuaranteeRemedy.SERVICE_CREDIT,
        converter=_to_guarantee_remedy,
    )
    credit_per_missing: Money | None = attrs.field(
        default=None,
        validator=v.optional_instance_of("guarantee.credit_per_missing", Money, "a Money"),
    )

    def __attrs_post_init__(self) -> None:
        credit = self.credit_per_missing
        if credit is not None and credit.amount < 0:
            # A negative credit would bill the client for the agency's shortfall.
            raise ValidationError(
                "guarantee.credit_per_missing", credit, "zero or more (credited per meeting)"
            )
        if self.remedy is GuaranteeRemedy.SERVICE_CREDIT and self.credit_per_missing is None:
            raise ValidationError(
                "guarantee.credit_per_missing", None, "a Money when the remedy is a service credit"
            )
