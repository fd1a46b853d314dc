"""The duplicate rule: when two appointments are the same prospect, billed once."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ppa_core import _validation as v

__all__ = ["DuplicateRule", "DuplicateScope"]


class DuplicateScope(enum.StrEnum):
    """What makes two appointments the same prospect for billing."""

    PERSON = "person"
    COMPANY = "company"


def _to_duplicates_scope(value: Any) -> DuplicateScope:
    return v.enum_converter(DuplicateScope, "duplicates.scope")(value)


@attrs.frozen
class DuplicateRule:
    """A prospect is billed once.

    Attributes:
        scope: same person (default) or same company.
        window_days: a later appointment within this many days of the billed one is a
            duplicate (calendar days on the contract's clock: a meeting at the same
            local time N days later is not); None (default) means ever, over the
            whole contract. At most 36,600 (100 years).
    """

    scope: DuplicateScope = attrs.field(
        default=DuplicateScope.PERSON,
        converter=_to_duplicates_scope,
    )
    window_days: int | None = attrs.field(
        default=None,
        validator=v.optional_int_field(
            "duplicates.window_days", minimum=1, maximum=v.MAX_WINDOW_DAYS
        ),
    )
