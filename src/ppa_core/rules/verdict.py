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
from typing import Any

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.domain.money import Money

__all__ = [
    "Decision",
    "DecisionStatus",
    "Finding",
    "FrozenFacts",
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
    ATTENDANCE_UNKNOWN = "ATTENDANCE_UNKNOWN"
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


class FrozenFacts(Mapping[str, str]):
    """Base of read-only fact mappings (str to str) that a :class:`Verdict` keeps as they are.

    Rules subclass it to show facts they already hold as text without copying
    them into a dict per decision.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


def _facts(value: Mapping[str, object]) -> Mapping[str, str]:
    if isinstance(value, FrozenFacts):
        return value
    if isinstance(value, MappingProxyType) and all(isinstance(v, str) for v in value.values()):
        return value
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


Source = tuple[Any, Any, "Finding | None"]
"""What a deferred verdict renders from: the rule, the context it judged, its finding."""


def _explained(rule: Any, ctx: Any, finding: Finding | None) -> Verdict | None:
    """``rule``'s own line for ``ctx``, when it explains itself with a Verdict."""
    explain = getattr(rule, "explain", None)
    verdict = None if explain is None else explain(ctx, finding)
    return verdict if isinstance(verdict, Verdict) else None


def _render(source: Source) -> tuple[str, Mapping[str, object]]:
    return _words(_explained(*source), source[2])


def _words(verdict: Verdict | None, finding: Finding | None) -> tuple[str, Mapping[str, object]]:
    if verdict is not None:
        return verdict.reason, verdict.facts
    if finding is None:
        return "passed", _NO_FACTS
    return finding.reason or finding.outcome.value, _NO_FACTS


class Verdict:
    """One line of a decision's trace: a rule, its outcome, and why.

    Verdicts are immutable and may be shared: the engine renders each distinct
    line once per run and gives every decision with the same facts the same
    object. A line whose words the rule cannot share is rendered on first read
    (see :meth:`deferred`); either way the words come from the facts the rule
    judged and never change.

    Attributes:
        rule_id: the rule's stable identifier ("attendance", "cap" ...).
        outcome: pass, fail, pending, charge or skip.
        code: the reason code when the rule did not pass.
        reason: a sentence a client can read ("joined 14 min late; grace is 10 min").
        facts: the facts the rule used, as readable strings.
    """

    __slots__ = ("code", "facts", "outcome", "reason", "rule_id")

    rule_id: str
    outcome: RuleOutcome
    code: str | None
    reason: str
    facts: Mapping[str, str]

    def __init__(
        self,
        rule_id: str,
        outcome: RuleOutcome | str,
        code: str | None,
        reason: str,
        facts: Mapping[str, object] = _NO_FACTS,
    ) -> None:
        _set = object.__setattr__
        _set(self, "rule_id", rule_id)
        _set(self, "outcome", outcome if type(outcome) is RuleOutcome else RuleOutcome(outcome))
        _set(self, "code", code)
        _set(self, "reason", reason)
        _set(self, "facts", _facts(facts))

    @classmethod
    def trusted(
        cls,
        rule_id: str,
        outcome: RuleOutcome,
        code: str | None,
        reason: str,
        facts: Mapping[str, str],
    ) -> Verdict:
        """A verdict from values already of the right types (no conversion; for rules' hot paths).

        ``facts`` must be read-only with str values, e.g. a :class:`FrozenFacts`.
        """
        if cls is not Verdict:  # a subclass may have other slots: its own constructor
            return cls(rule_id, outcome, code, reason, facts)
        # Filled as a plain slotted object, then made a Verdict (see _VerdictParts).
        verdict = object.__new__(_VerdictParts)
        verdict.rule_id = rule_id
        verdict.outcome = outcome
        verdict.code = code
        verdict.reason = reason
        verdict.facts = facts
        verdict.__class__ = cls  # type: ignore[assignment]
        return verdict  # type: ignore[return-value]

    @classmethod
    def deferred(cls, outcome: RuleOutcome, code: str | None, source: Source) -> Verdict:
        """A verdict whose reason and facts the rule's ``explain`` renders on first read.

        Args:
            outcome: the outcome the rule's finding gave.
            code: the finding's reason code.
            source: ``(rule, context, finding)``; the rule's ``explain(context, finding)``
                supplies the words (the finding's reason when it has no ``explain``).
        """
        return _Deferred(outcome, code, source)

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def _key(self) -> tuple[object, ...]:
        return (self.rule_id, self.outcome, self.code, self.reason, tuple(self.facts.items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Verdict(rule_id={self.rule_id!r}, outcome={self.outcome.value!r}, "
            f"code={self.code!r}, reason={self.reason!r}, facts={dict(self.facts)!r})"
        )

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.rule_id:<14} {self.outcome.value:<7}{code}: {self.reason}"

    def __reduce__(self) -> tuple[object, ...]:
        return (Verdict, (self.rule_id, self.outcome, self.code, self.reason, dict(self.facts)))


class _VerdictParts:
    """A Verdict's slots without its frozen guard (for :meth:`Verdict.trusted`).

    Setting plain slots and then the class costs a third of going through the slot
    descriptors' ``__set__``; the slots are the same, so the layout is too.
    """

    __slots__ = Verdict.__slots__

    rule_id: str
    outcome: RuleOutcome
    code: str | None
    reason: str
    facts: Mapping[str, str]


# The slots themselves: _Deferred shadows reason and facts with properties that
# render first, then read and write the storage through these.
_REASON = Verdict.__dict__["reason"]
_FACTS = Verdict.__dict__["facts"]


class _Deferred(Verdict):
    """A verdict rendered on first read (private: the engine makes them for custom rules)."""

    __slots__ = ("_source",)

    _source: Source | None

    def __init__(self, outcome: RuleOutcome, code: str | None, source: Source) -> None:
        _set = object.__setattr__
        _set(self, "rule_id", source[0].rule_id)
        _set(self, "outcome", outcome)
        _set(self, "code", code)
        _set(self, "_source", source)

    def _rendered(self) -> None:
        source = self._source
        if source is not None:
            reason, facts = _render(source)
            _REASON.__set__(self, reason)
            _FACTS.__set__(self, _facts(facts))
            object.__setattr__(self, "_source", None)

    @property
    def reason(self) -> str:  # type: ignore[override]
        """A sentence a client can read."""
        self._rendered()
        return _REASON.__get__(self)  # type: ignore[no-any-return]

    @property
    def facts(self) -> Mapping[str, str]:  # type: ignore[override]
        """The facts the rule used, as readable strings."""
        self._rendered()
        return _FACTS.__get__(self)  # type: ignore[no-any-return]


def rendered(rule: Any, ctx: Any, finding: Finding | None) -> Verdict:
    """``rule``'s trace line for ``ctx``, its words rendered now (for sharing between decisions)."""
    outcome = RuleOutcome.PASS if finding is None else finding.outcome
    code = None if finding is None else finding.code
    verdict = _explained(rule, ctx, finding)
    if (
        type(verdict) is Verdict  # not a deferred one: it would keep the context alive
        and verdict.rule_id == rule.rule_id
        and verdict.outcome is outcome
        and verdict.code == code
    ):
        return verdict  # a built-in rule's line is the one wanted already: no copy
    reason, facts = _words(verdict, finding)
    return Verdict(rule.rule_id, outcome, code, reason, facts)


NOT_HELD_CODES = frozenset(
    {
        ReasonCode.NOT_QUALIFIED,
        ReasonCode.PROSPECT_NO_SHOW,
        ReasonCode.LATE_JOIN,
        ReasonCode.SHORT_MEETING,
        ReasonCode.HOST_NO_SHOW,
        ReasonCode.OUTSIDE_TERM,
        ReasonCode.RESCHEDULE_LIMIT,  # counts as a cancellation
    }
)
"""The reason codes that keep a meeting from counting as a qualified meeting held."""


@attrs.frozen(weakref_slot=False)  # no __weakref__: the engine builds it as DecisionParts
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
        provisional: ``unit`` and ``tier`` (and so the cap and a tiered price) were
            found without the period's other appointments (``decide`` without
            ``others=``): the invoice may rank the meeting later. Store such a
            decision only as provisional; decide with ``others=`` (``()`` when there
            are none) or with ``decide_all`` for a final one.
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
    provisional: bool = False
    trace: tuple[Verdict, ...] | None = attrs.field(default=None, eq=False)

    @property
    def billable(self) -> bool:
        """True when the appointment is billed."""
        return self.status is DecisionStatus.BILLABLE

    @property
    def is_qualified_held(self) -> bool:
        """A qualified meeting held with the prospect and the client's rep.

        In time and long enough, whether or not it was billed (cap, duplicate, dispute);
        not one past the reschedule limit, which counts as a cancellation.
        """
        return self.state is AppointmentState.HELD and not NOT_HELD_CODES.intersection(
            self.reason_codes
        )

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

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """A compact HTML table for Jupyter."""
        return _rendering.html(self)


class DecisionParts:
    """A Decision's slots without its frozen guard: the engine fills one, then makes it a Decision.

    Setting plain slots and then the class costs a third of going through the slot
    descriptors (attrs' ``__init__`` costs more still), once per appointment; the slots
    are the same, so the layout is too (a ``__weakref__`` slot would make the layouts
    differ for ``__class__`` assignment, so Decision has none). That gives what
    ``Decision(...)`` gives only while Decision has no converter, validator or
    post-init step: ``tests/test_engine.py`` checks both.
    """

    __slots__ = Decision.__slots__  # type: ignore[attr-defined] # attrs made Decision slotted

    appointment_id: str
    meeting_start: pendulum.DateTime
    state: AppointmentState
    status: DecisionStatus
    amount: Money
    reason_codes: tuple[str, ...]
    unit_price: Money | None
    tier: int | None
    unit: int | None
    period_start: pendulum.DateTime | None
    terms_from: pendulum.DateTime | None
    provisional: bool
    trace: tuple[Verdict, ...] | None
