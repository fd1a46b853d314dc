"""What the engine says: rule findings, verdicts in a trace, and the decision.

A rule returns a :class:`Finding` (or None when it passes) on the fast path;
when a trace is asked for, each rule's :class:`Verdict` also carries the
readable reason and the facts it used. The :class:`Decision` sums them up.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs
import pendulum

from ppa_core.appointment import AppointmentState
from ppa_core.money import Money

__all__ = [
    "Decision",
    "DecisionStatus",
    "Finding",
    "ReasonCode",
    "RuleOutcome",
    "Verdict",
]


class ReasonCode(enum.StrEnum):
    """Stable identifiers of why an appointment is (not) billed; safe to store.

    Custom rules may use their own codes (any upper-case string).
    """

    NOT_QUALIFIED = "NOT_QUALIFIED"
    PROSPECT_NO_SHOW = "PROSPECT_NO_SHOW"
    LATE_JOIN = "LATE_JOIN"
    SHORT_MEETING = "SHORT_MEETING"
    CANCELLED = "CANCELLED"
    LATE_CANCELLATION = "LATE_CANCELLATION"
    RESCHEDULE_LIMIT = "RESCHEDULE_LIMIT"
    DUPLICATE = "DUPLICATE"
    OUTSIDE_TERM = "OUTSIDE_TERM"
    OVER_CAP = "OVER_CAP"
    DISPUTE_UPHELD = "DISPUTE_UPHELD"
    HOST_NO_SHOW = "HOST_NO_SHOW"
    PENDING_OUTCOME = "PENDING_OUTCOME"
    VOID = "VOID"
    NO_PRICE = "NO_PRICE"


class RuleOutcome(enum.StrEnum):
    """One rule's outcome.

    ``PASS`` lets billing proceed; ``FAIL`` makes the appointment not billable;
    ``PENDING`` means a fact is not known yet; ``CHARGE`` bills despite an
    event (a host no-show, a no-show fee), possibly at a fraction of the price;
    ``SKIP`` means the rule does not apply.
    """

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    PENDING = "pending"
    CHARGE = "charge"
    SKIP = "skip"


class DecisionStatus(enum.StrEnum):
    """The billing decision for one appointment."""

    BILLABLE = "billable"
    NOT_BILLABLE = "not_billable"
    PENDING = "pending"


@attrs.frozen
class Finding:
    """What a rule found when it did not simply pass.

    Attributes:
        outcome: fail, pending, charge or skip.
        code: the reason code (None for a skip).
        reason: a short readable reason.
        factor: for a charge, the fraction of the price billed (None means all of it).
    """

    outcome: RuleOutcome
    code: str | None = None
    reason: str = ""
    factor: Decimal | None = None


_NO_FACTS: Mapping[str, str] = MappingProxyType({})


def _facts(value: Mapping[str, str]) -> Mapping[str, str]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


@attrs.frozen
class Verdict:
    """One line of a decision's trace: a rule, its outcome, and why.

    Attributes:
        rule_id: the rule's stable identifier ("attendance", "cap" ...).
        outcome: pass, fail, pending, charge or skip.
        code: the reason code when the rule did not pass.
        reason: a sentence a client can read ("joined 14 min late; grace is 10 min").
        facts: the facts the rule used, as readable strings.
    """

    rule_id: str
    outcome: RuleOutcome
    code: str | None
    reason: str
    facts: Mapping[str, str] = attrs.field(
        default=_NO_FACTS,
        converter=_facts,
        eq=attrs.cmp_using(eq=lambda a, b: dict(a) == dict(b)),
        hash=False,
    )

    def __hash__(self) -> int:
        return hash((self.rule_id, self.outcome, self.code, self.reason, tuple(self.facts.items())))

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.rule_id:<14} {self.outcome.value:<7}{code}: {self.reason}"


_NOT_HELD = frozenset(
    {
        ReasonCode.NOT_QUALIFIED,
        ReasonCode.PROSPECT_NO_SHOW,
        ReasonCode.LATE_JOIN,
        ReasonCode.SHORT_MEETING,
        ReasonCode.HOST_NO_SHOW,
        ReasonCode.OUTSIDE_TERM,
    }
)


@attrs.frozen
class Decision:
    """The billing decision for one appointment under the terms that govern it.

    Attributes:
        appointment_id: the appointment decided.
        meeting_start: the meeting's (latest) start.
        state: the appointment's state as known at the decision.
        status: billable, not billable or pending.
        amount: the amount billed, rounded to the minor unit (zero unless billable).
        reason_codes: the codes of every rule that failed, charged or is pending, in order.
        unit_price: the price before any fraction (None when no price applied).
        tier: the 1-based volume tier, for tiered pricing.
        unit: the 1-based rank among the period's billable appointments.
        period_start: the start of the billing period the meeting belongs to.
        terms_from: when the governing terms took effect (None: the original terms).
        trace: every rule evaluated, in order; None unless a trace was asked for.
    """

    appointment_id: str
    meeting_start: pendulum.DateTime
    state: AppointmentState
    status: DecisionStatus
    amount: Money
    reason_codes: tuple[str, ...] = ()
    unit_price: Money | None = None
    tier: int | None = None
    unit: int | None = None
    period_start: pendulum.DateTime | None = None
    terms_from: pendulum.DateTime | None = None
    trace: tuple[Verdict, ...] | None = attrs.field(default=None, eq=False)

    @property
    def billable(self) -> bool:
        """True when the appointment is billed."""
        return self.status is DecisionStatus.BILLABLE

    @property
    def is_qualified_held(self) -> bool:
        """A qualified meeting held with the prospect and the client's rep.

        In time and long enough, whether or not it was billed (cap, duplicate, dispute).
        """
        return self.state is AppointmentState.HELD and not _NOT_HELD.intersection(self.reason_codes)

    @property
    def reason(self) -> str:
        """The first reason code, or "BILLABLE" when nothing stood in the way."""
        return self.reason_codes[0] if self.reason_codes else "BILLABLE"

    def explain(self) -> str:
        """The trace as readable lines (decide with ``trace=True`` to have one)."""
        head = f"{self.appointment_id}: {self.status.value} {self.amount.format()}"
        if self.reason_codes:
            head += f" ({', '.join(self.reason_codes)})"
        if self.trace is None:
            return head
        return "\n".join([head, *(f"  {v}" for v in self.trace)])
