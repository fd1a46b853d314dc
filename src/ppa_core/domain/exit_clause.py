"""Exit clauses: when the client may leave the contract early, and on what notice.

An :class:`ExitClause` is a contract term (in
:class:`~ppa_core.domain.contract.ContractTerms`): a :class:`Target` judged over
each :class:`Window`, and how many missed windows give the right to exit:
``breaches`` in a row, or ``breaches`` among the last ``out_of``.
``ppa_core.billing.review`` says from when the client may give notice.

>>> from ppa_core.domain.service_level import Comparator, Kpi
>>> clause = ExitClause(
...     "two-bad-months", Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.70"), breaches=2
... )
>>> clause.describe()
'show_rate >= 0.70 missed 2 windows in a row (each period)'
"""

from __future__ import annotations

import attrs

from ppa_core import _validation as v
from ppa_core.domain.service_level import Target, Window, _unique_ids
from ppa_core.exceptions import ValidationError

__all__ = ["ExitClause"]


@attrs.frozen
class ExitClause:
    """A condition over billing periods that gives the client the right to exit.

    Attributes:
        id: a stable name, unique among the terms' exit clauses.
        target: what each window must meet (e.g. show rate >= 0.70).
        window: the periods each judgement covers (default: each billing period).
        breaches: how many missed windows give the right (default 1).
        out_of: None (default) for ``breaches`` consecutive missed windows; else
            ``breaches`` among the last ``out_of`` windows judged.
        notice_days: days of notice once the right arises (None: the term's).
    """

    id: str = attrs.field(validator=v.text("exit_clause.id"))
    target: Target = attrs.field(validator=v.instance_of("exit_clause.target", Target, "a Target"))
    window: Window = attrs.field(
        factory=Window, validator=v.instance_of("exit_clause.window", Window, "a Window")
    )
    breaches: int = attrs.field(default=1, validator=v.int_field("exit_clause.breaches", minimum=1))
    out_of: int | None = attrs.field(
        default=None, validator=v.optional_int_field("exit_clause.out_of", minimum=1)
    )
    notice_days: int | None = attrs.field(
        default=None, validator=v.optional_int_field("exit_clause.notice_days")
    )

    def __attrs_post_init__(self) -> None:
        if self.out_of is not None and self.out_of < self.breaches:
            raise ValidationError(
                "exit_clause.out_of", self.out_of, f"None or at least breaches ({self.breaches})"
            )

    def describe(self) -> str:
        """The condition in words."""
        if self.out_of is None:
            runs = "in a row" if self.breaches > 1 else "once"
            count = f"{self.breaches} windows {runs}" if self.breaches > 1 else "once"
        else:
            count = f"{self.breaches} of the last {self.out_of} windows"
        return f"{self.target.describe()} missed {count} ({self.window.describe()})"


def _to_exit_clauses(value: object) -> tuple[ExitClause, ...]:
    """The terms' exit clauses: a tuple with unique ids."""
    converted: tuple[ExitClause, ...] = _unique_ids("exit_clauses", ExitClause)(value)
    return converted
