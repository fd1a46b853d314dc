"""The library's exceptions: one base, one subclass per kind of failure.

Every exception carries the facts of its message as attributes, so callers and
tests never parse strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

# Problem is a value carried by DocumentError, not an error: ppa_core.adapters.serialization
# exports it, and this module's __all__ lists exactly its error classes.
__all__ = [
    "CurrencyMismatch",
    "DocumentError",
    "EventPayloadError",
    "InvalidMoney",
    "MissingDependency",
    "MoneyOperationError",
    "NaiveDatetime",
    "PpaError",
    "RuleDefinitionError",
    "TransitionNotAllowed",
    "ValidationError",
]


_LONGEST_SHOWN = 80
"""Characters of a given text a message repeats; the attribute keeps all of it."""


def _shown(value: Any) -> str:
    """``repr(value)``, with a long text cut to its start and end and its length said."""
    if isinstance(value, str) and len(value) > _LONGEST_SHOWN:
        head, tail = value[: _LONGEST_SHOWN - 20], value[-12:]
        return f"{head!r}...{tail!r} ({len(value)} characters)"
    return repr(value)


class PpaError(Exception):
    """Base class of every error ppa_core raises on purpose."""


class ValidationError(PpaError, ValueError):
    """Raised when a value given to a domain object is not allowed.

    The message repeats at most about 80 characters of a long text given.

    Attributes:
        field: the name (or dotted path) of the offending field.
        value: what was given (all of it).
        allowed: a readable statement of what is allowed.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field!r} must be {allowed} (got {_shown(value)})")


class EventPayloadError(ValidationError):
    """Raised when a scheduling tool's webhook body cannot be read as an event.

    Attributes:
        provider: the tool ("calcom", "calendly", "zoom").
        kind: the tool's event name ("BOOKING_CREATED"), or None when it is the kind
            itself that is missing or unknown.
        field: the JSON path of the offending value ("payload.startTime").
        value: what was given.
        allowed: what is allowed there.
    """

    def __init__(
        self, provider: str, kind: str | None, path: str, value: Any, allowed: str
    ) -> None:
        self.provider = provider
        self.kind = kind
        super().__init__(path, value, allowed)
        where = f"{provider} {kind}" if kind else provider
        self.args = (f"{where}: {self.args[0]}",)


class InvalidMoney(ValidationError):
    """Raised when an amount or currency cannot make a Money (a float, an unknown code...)."""


class MoneyOperationError(PpaError, TypeError):
    """Raised when money meets a value it cannot be combined with (a float, a bare number).

    Attributes:
        operation: the operator method attempted ("__mul__", "__add__" ...).
        other: the value it was combined with.
    """

    _WORDS: ClassVar[Mapping[str, str]] = {
        "__add__": "add",
        "__radd__": "add",
        "__sub__": "subtract",
        "__rsub__": "subtract",
        "__mul__": "multiply",
        "__lt__": "compare",
        "__le__": "compare",
        "__gt__": "compare",
        "__ge__": "compare",
        "__truediv__": "divide",
        "__floordiv__": "divide",
        "__rtruediv__": "divide",
        "__rfloordiv__": "divide",
        "__mod__": "divide",
        "__rmod__": "divide",
        "__divmod__": "divide",
        "__rdivmod__": "divide",
    }

    def __init__(self, operation: str, other: Any) -> None:
        self.operation = operation
        self.other = other
        verb = self._WORDS.get(operation, operation)
        if verb == "multiply":
            allowed = "a Decimal or int factor (floats are refused for money)"
        elif verb == "divide":
            allowed = (
                "Money.divided_by(n) for an exact quotient, divided_by(n, 'half_up') to "
                "round it once to the minor unit, or allocate() to split without losing "
                "a minor unit"
            )
        elif operation == "__radd__":
            allowed = "Money in the same currency (or the int 0 that sum() starts from)"
        else:
            allowed = "Money in the same currency"
        super().__init__(f"cannot {verb} Money and {other!r}: expected {allowed}")


class MissingDependency(PpaError, ImportError):
    """Raised when a feature needs an optional extra that is not installed.

    Attributes:
        module: the module that could not be imported ("pandas").
        extra: the ppa_core extra that installs it ("pandas").
    """

    def __init__(self, module: str, extra: str, feature: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{feature} needs {module}, which is not installed: pip install 'ppa_core[{extra}]'",
            name=module,
        )


class NaiveDatetime(ValidationError):
    """Raised when a datetime without a time zone enters the library."""

    def __init__(self, field: str, value: Any) -> None:
        super().__init__(field, value, "a timezone-aware datetime")


class CurrencyMismatch(PpaError, ValueError):
    """Raised when money in two currencies meets in one operation.

    Attributes:
        operation: what was attempted ("add", "subtract", "compare" ...).
        currencies: the two currency codes, in the order they met.
    """

    def __init__(self, operation: str, left: str, right: str) -> None:
        self.operation = operation
        self.currencies = (left, right)
        super().__init__(f"cannot {operation} money in {left} and {right}: currencies never mix")


class TransitionNotAllowed(PpaError, ValueError):
    """Raised when an appointment or a document is asked for an action its state does not allow.

    Attributes:
        state: the appointment's current state.
        action: the action attempted.
        allowed: the actions allowed from ``state`` (sorted), empty for a final state.
        detail: an extra reason when the action is allowed but its facts are not.
    """

    def __init__(
        self,
        state: Any,
        action: Any,
        allowed: Iterable[Any],
        detail: str | None = None,
        *,
        what: str = "an appointment",
    ) -> None:
        self.state = state
        self.action = action
        self.allowed = tuple(allowed)
        self.detail = detail
        names = ", ".join(str(a) for a in self.allowed) or "none (final state)"
        message = f"cannot {action} {what} that is {state}; allowed from {state}: {names}"
        if detail:
            message = f"cannot {action} {what} that is {state}: {detail}"
        super().__init__(message)


class RuleDefinitionError(PpaError, ValueError):
    """Raised when a rule set or pricing definition is broken (found when it is built).

    Attributes:
        rule: the identifier of the offending rule or term.
        problem: what is wrong with it.
    """

    def __init__(self, rule: str, problem: str) -> None:
        self.rule = rule
        self.problem = problem
        super().__init__(f"rule {rule!r}: {problem}")


@attrs.frozen
class Problem:
    """One problem found in a document: where it is and what is wrong.

    Attributes:
        path: where, from the document's kind: ``contract.terms.pricing.tiers[2].price.amount``
            (fields after dots, list indices and mapping keys in brackets); envelope
            problems name the envelope key (``version``).
        message: what is wrong and what is allowed.
        line: the line of the text the problem is on, counted from 1, when it was read
            from text (``loads``, the command line); None for a document given as data.
    """

    path: str
    message: str
    line: int | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}"


class DocumentError(PpaError, ValueError):
    """Raised when a serialised document cannot be loaded, or an object cannot be dumped.

    Every problem found is listed, each with its path, one per line of the message.

    Attributes:
        problems: every problem found, in document order (at least one).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the document:\n{lines}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (DocumentError, (self.problems,))
