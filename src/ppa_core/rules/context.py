"""The facts one appointment is decided on, and the protocol every rule follows."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pendulum

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.criteria_set import QualificationResult
from ppa_core.domain.history import HistoryEntry
from ppa_core.rules.verdict import Finding, Verdict

__all__ = ["ExplainableRule", "Rule", "RuleContext"]


class RuleContext:
    """What a rule sees: one appointment (as known at ``as_of``) and the terms governing it.

    Attributes:
        appointment: the appointment, with history and disputes known at ``as_of``.
        contract: the contract.
        terms: the terms in force when the appointment was booked.
        as_of: the moment of the decision (facts after it are not known yet).
        late_corrections: corrections recorded after the contract's correction window
            closed; ``appointment`` is as it stood before them (empty: none).
    """

    __slots__ = (
        "_local_start",
        "_meeting_date",
        "_qualification",
        "appointment",
        "as_of",
        "contract",
        "late_corrections",
        "terms",
    )

    def __init__(
        self,
        appointment: Appointment,
        contract: Contract,
        terms: ContractTerms,
        as_of: pendulum.DateTime,
        meeting_date: pendulum.Date | None = None,
        *,
        late_corrections: tuple[HistoryEntry, ...] = (),
    ) -> None:
        self.appointment = appointment
        self.contract = contract
        self.terms = terms
        self.as_of = as_of
        self.late_corrections = late_corrections
        self._local_start: pendulum.DateTime | None = None
        self._meeting_date = meeting_date
        self._qualification: QualificationResult | None = None

    @property
    def local_start(self) -> pendulum.DateTime:
        """The meeting start in the contract's timezone."""
        if self._local_start is None:
            self._local_start = self.contract.local(self.appointment.start)
        return self._local_start

    @property
    def meeting_date(self) -> pendulum.Date:
        """The meeting's calendar date in the contract's timezone (criteria are judged as of it)."""
        if self._meeting_date is None:
            self._meeting_date = self.local_start.date()
        return self._meeting_date

    @property
    def qualification(self) -> QualificationResult:
        """The criteria's full result for the prospect as of the meeting date (computed once)."""
        if self._qualification is None:
            self._qualification = self.terms.criteria.evaluate(
                self.appointment.prospect, self.meeting_date
            )
        return self._qualification


@runtime_checkable
class Rule(Protocol):
    """A billing rule: a small callable with a stable ``rule_id``.

    It returns None when the appointment passes, else a :class:`Finding`; it
    never raises for a failed check. Optional members make it cheaper to run:

    - ``applies_to``: the appointment states in which it can find anything. In
      every other state it must pass or skip, and its trace line must depend on
      the state alone: the fast path does not call it there, and a traced run
      renders its line once per state (a rule that finds a failure there raises
      :class:`~ppa_core.exceptions.RuleDefinitionError`).
    - ``trace_key(ctx)``: a hashable value holding every fact the rule's finding
      and trace line depend on (None: no key for this appointment). A traced run
      renders one line per distinct key and shares it.
    - ``explain(ctx, finding)``: the trace line, with a readable reason and facts
      (see :class:`ExplainableRule`); without it the finding's reason is shown.
    - ``judge(ctx)``: the finding and the trace line at once, when computing both
      together costs less than one after the other.
    """

    @property
    def rule_id(self) -> str:
        """A stable identifier, shown in traces ("min_duration_45")."""
        ...

    def __call__(self, ctx: RuleContext) -> Finding | None:
        """Judge one appointment."""
        ...


@runtime_checkable
class ExplainableRule(Rule, Protocol):
    """A rule that also explains itself, with the facts it used, for traces."""

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        """The trace line for ``ctx`` given what ``__call__`` returned."""
        ...
