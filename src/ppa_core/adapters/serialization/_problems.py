"""Every problem of a failed load, with its path, from cattrs' validation tree.

cattrs (with detailed validation) raises a tree of exception groups whose notes
name the field or index of each failure; the leaves are the hooks'
:class:`~ppa_core.adapters.serialization._values.Invalid`, a missing key, or the
domain's own :class:`~ppa_core.exceptions.ValidationError` raised while an
object is built from fields that each parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from ppa_core.adapters.serialization._values import (
    MAX_PROBLEMS,
    MORE_PROBLEMS,
    Invalid,
    TooManyProblems,
    shown,
)
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantRequirements
from ppa_core.domain.contract import Amendment, BillingPeriodRule, Contract, Term
from ppa_core.domain.dispute import Dispute
from ppa_core.domain.duplicates import DuplicateRule
from ppa_core.domain.exit_clause import ExitClause
from ppa_core.domain.guarantee import Guarantee
from ppa_core.domain.history import Attendance, HistoryEntry
from ppa_core.domain.pricing import Tier
from ppa_core.domain.prospect import BantEvidence, Company, Prospect
from ppa_core.domain.service_level import ServiceLevel, Target, Window
from ppa_core.exceptions import PpaError, Problem, TransitionNotAllowed, ValidationError

# The domain names some fields after their object ("tier.price", "history.at"); under a
# path that already ends at that object, the prefix goes.
_FIELD_PREFIXES: Mapping[type[Any], str] = MappingProxyType(
    {
        Company: "company.",
        BantEvidence: "bant.",
        Prospect: "prospect.",
        BantRequirements: "bant.",
        Attendance: "attendance.",
        HistoryEntry: "history.",
        Dispute: "dispute.",
        Appointment: "appointment.",
        Tier: "tier.",
        Term: "term.",
        DuplicateRule: "duplicates.",
        Guarantee: "guarantee.",
        BillingPeriodRule: "billing_period.",
        Amendment: "amendment.",
        Contract: "contract.",
        ServiceLevel: "service_level.",
        ExitClause: "exit_clause.",
        Target: "target.",
        Window: "window.",
    }
)


def key_part(key: object) -> str:
    """A mapping key as a path part: a field name as is, anything else in brackets."""
    return key if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"


def join(path: str, part: str) -> str:
    """``path`` followed by a field (``.name``) or an index (``[2]``); ``part`` may be empty."""
    if not part:
        return path
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}"


def problems(exc: BaseException, path: str) -> list[Problem]:
    """Every problem in ``exc``, with paths from ``path``."""
    if isinstance(exc, ClassValidationError):
        found: list[Problem] = []
        noted, others = exc.group_exceptions()
        for sub, note in noted:
            if isinstance(sub, KeyError):
                found.append(Problem(join(path, note.name), "required field missing"))
            else:
                found += problems(sub, join(path, note.name))
        for sub in others:
            found += _object_problems(sub, exc.cl, path)
        return found
    if isinstance(exc, IterableValidationError):
        found = []
        items, others = exc.group_exceptions()
        for sub, item in items:
            found += problems(sub, f"{path}[{item.index}]")
        for sub in others:
            found += problems(sub, path)
        return found
    if isinstance(exc, Invalid):
        return [Problem(join(path, where), message) for where, message in exc.problems]
    if isinstance(exc, TooManyProblems):
        return [Problem(path, MORE_PROBLEMS)]
    if isinstance(exc, PpaError):
        return [Problem(path, str(exc))]
    return [Problem(path, describe(exc))]


def _object_problems(exc: BaseException, cls: type[Any], path: str) -> list[Problem]:
    """Problems met while building a ``cls`` from fields that each parsed."""
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(a.name for a in attrs.fields(cls) if a.init)
        keys = sorted(exc.extra_fields, key=str)
        found = [
            Problem(join(path, key_part(key)), f"unknown field (allowed: {allowed})")
            for key in keys[:MAX_PROBLEMS]
        ]
        return found + ([Problem(path, MORE_PROBLEMS)] if len(keys) > MAX_PROBLEMS else [])
    if isinstance(exc, ValidationError):
        prefix = _FIELD_PREFIXES.get(cls)
        field = exc.field.removeprefix(prefix) if prefix else exc.field
        return [Problem(join(path, field), f"must be {exc.allowed} (got {shown(exc.value)})")]
    if isinstance(exc, TransitionNotAllowed):  # only an appointment's history replays
        return [Problem(join(path, "history"), str(exc))]
    return problems(exc, path)


def describe(exc: BaseException) -> str:
    """A message for an exception no hook anticipated."""
    text = str(exc)
    return f"invalid value ({type(exc).__name__}: {text})" if text else type(exc).__name__
