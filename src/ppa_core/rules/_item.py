"""The engine's work item (private): one appointment's context and its progress.

The per-appointment pass makes one item per appointment and runs the rules on
it; the across-appointment pass adds its unit, tier and price; the engine then
turns it into the :class:`~ppa_core.rules.verdict.Decision`.
"""

from __future__ import annotations

from decimal import Decimal

import pendulum

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract
from ppa_core.domain.history import HistoryEntry
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Seniority
from ppa_core.rules.context import RuleContext
from ppa_core.rules.rule_set import _TermsInfo
from ppa_core.rules.verdict import DecisionStatus, Finding, RuleOutcome, Verdict

_FAIL, _PENDING, _CHARGE = RuleOutcome.FAIL, RuleOutcome.PENDING, RuleOutcome.CHARGE
_BILLABLE, _NOT, _WAIT = (
    DecisionStatus.BILLABLE,
    DecisionStatus.NOT_BILLABLE,
    DecisionStatus.PENDING,
)
_NONE: tuple[str, ...] = ()

_UNTRACED: list[Verdict] = []


class _Item(RuleContext):
    """One appointment's context plus its progress through the engine (private, short-lived)."""

    __slots__ = (
        "amount",
        "codes",
        "factor",
        "info",
        "meeting_date",
        "order",
        "period",
        "price",
        "price_note",
        "seniority",
        "status",
        "tier",
        "unit",
        "verdicts",
        "who",
    )

    meeting_date: pendulum.Date  # a plain slot over RuleContext's property

    def __init__(  # noqa: PLR0917 - private, built in one place
        self,
        appointment: Appointment,
        info: _TermsInfo,
        contract: Contract,
        as_of: pendulum.DateTime,
        meeting_date: pendulum.Date,
        period: BillingPeriod,
        late: tuple[HistoryEntry, ...],
        order: tuple[float, str],
    ) -> None:
        # RuleContext's fields, set here rather than through super().__init__: this runs
        # once per appointment, and the call costs as much as the assignments.
        self.appointment = appointment
        self.contract = contract
        self.terms = info.terms
        self.as_of = as_of
        self.late_corrections = late
        self._local_start = None
        self._qualification = None
        self._meeting_date = meeting_date
        self.meeting_date = meeting_date  # the rules read it several times each
        self.info = info
        self.period = period
        self.status = _BILLABLE
        self.codes: list[str] | tuple[str, ...] = _NONE
        self.factor: Decimal | None = None
        # The trace so far; the shared empty list (never appended to) when not tracing.
        self.verdicts: list[Verdict] = _UNTRACED
        self.unit: int | None = None
        self.tier: int | None = None
        self.price: Money | None = None
        # The amount when the price alone does not tell it (a sub-minor unit price's
        # share of its once-rounded total); None otherwise.
        self.amount: Money | None = None
        self.price_note = ""
        # The meeting start as a POSIX time, then the id: the meeting order.
        self.order = order
        self.seniority: Seniority | None = None
        self.who = ""

    def add(self, finding: Finding) -> None:
        outcome = finding.outcome
        if outcome is _FAIL:
            self.status = _NOT
        elif outcome is _PENDING:
            if self.status is _BILLABLE:
                self.status = _WAIT
        elif outcome is _CHARGE:
            if finding.factor is not None:
                self.factor = finding.factor
        else:
            return
        if finding.code is not None:
            if self.codes is _NONE:
                self.codes = []
            self.codes.append(finding.code)  # type: ignore[union-attr]
