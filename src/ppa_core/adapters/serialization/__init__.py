"""Serialisation: domain objects to JSON-ready documents and back, losslessly (an adapter).

:func:`dump` turns money, a prospect, criteria, an appointment (with its
history), a no-show policy, contract terms, a contract (with amendments), a
decision (with its trace), an invoice, an invoice document, a credit note, a
statement of account, a document number series, a scheduling tool's event or the
events' ledger (:mod:`ppa_core.events`) into plain data (dicts, lists,
strings, whole numbers, booleans and None) in a versioned envelope;
:func:`load` turns it back into an equal object: ``load(type(x), dump(x)) == x``.

The encoding is exact and plain, built on a cattrs converter:

- money is ``{"amount": "350.00", "currency": "EUR"}``: the amount is a decimal
  string with every digit kept, never a float; so is every Decimal;
- a datetime is ISO 8601 with its UTC offset, followed by its IANA zone in
  brackets when it has one (RFC 9557, as Java and JavaScript's Temporal write
  it): ``"2026-03-02T10:00:00+01:00[Europe/Berlin]"``, so the zone comes back
  too; a date is ``"2026-03-02"``;
- enums are their values, sets are sorted lists, mappings keyed by an enum
  (prices per seniority) are keyed by its value;
- a pricing carries a ``"type"``: ``"pay_per_appointment"``, ``"pay_per_lead"``,
  ``"retainer"``, ``"commission"`` or ``"hybrid"``; criteria carry ``"bant"``;
- an appointment is its constructor fields (id, prospect, history, duration,
  disputes); its state, start and other derived facts are replayed on load.

A load checks everything and reports **every** problem with its path, in one
:class:`~ppa_core.exceptions.DocumentError`; nothing else escapes for bad
input. Paths start at the kind: ``contract.terms.pricing.tiers[2].price.amount``;
problems with the envelope name its key (``version``).

>>> from ppa_core.domain.money import Money
>>> document = dump(Money.of("350.00", "EUR"))
>>> document
{'schema': 'ppa_core/money', 'version': 1, 'data': {'amount': '350.00', 'currency': 'EUR'}}
>>> load(Money, document)
Money('350.00', 'EUR')
>>> load("policy", {"schema": "ppa_core/policy", "version": 1, "data": {"grace_minutes": 10.5}})
Traceback (most recent call last):
...
ppa_core.exceptions.DocumentError: 1 problem in the document:
policy.grace_minutes: must be a whole number (got 10.5)

Two things have no document form and are refused by :func:`dump`: custom
billing rules in ``ContractTerms.extra_rules`` (they are code: pass them to
``BillingEngine(contract, extra_rules=...)`` after loading) and criteria sets
other than :class:`~ppa_core.domain.qualification.QualificationCriteria`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar, overload

from ppa_core.adapters.serialization._converter import (
    RULES_MESSAGE,
    criteria_message,
    make_converter,
)
from ppa_core.adapters.serialization._problems import describe, key_part, problems
from ppa_core.adapters.serialization._text import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_NUMBER_CHARS,
    decode,
    locate,
    parse,
)
from ppa_core.adapters.serialization._values import (
    MAX_PROBLEMS,
    MORE_PROBLEMS,
    Unserialisable,
    problem_budget,
    shown,
)
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import InvoiceDocument
from ppa_core.billing.lines import Invoice
from ppa_core.billing.numbering import NumberSeries
from ppa_core.billing.statement import Statement
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.money import Money
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.prospect import Prospect
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.events.event import SchedulingEvent
from ppa_core.events.ledger import Ledger
from ppa_core.exceptions import DocumentError, Problem, ValidationError
from ppa_core.rules.verdict import Decision

__all__ = [
    "KINDS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_NUMBER_CHARS",
    "MAX_PROBLEMS",
    "SCHEMA_VERSION",
    "DocumentError",
    "Problem",
    "dump",
    "dump_data",
    "dumps",
    "load",
    "load_data",
    "loads",
]

T = TypeVar("T")

SCHEMA_VERSION: Final = 1
"""The version of the document format :func:`dump` writes and :func:`load` reads."""

KINDS: Mapping[str, type[Any]] = MappingProxyType(
    {
        "money": Money,
        "prospect": Prospect,
        "criteria": QualificationCriteria,
        "appointment": Appointment,
        "policy": NoShowPolicy,
        "terms": ContractTerms,
        "contract": Contract,
        "decision": Decision,
        "invoice": Invoice,
        "scheduling_event": SchedulingEvent,
        "ledger": Ledger,
        "invoice_document": InvoiceDocument,
        "credit_note": CreditNote,
        "statement": Statement,
        "number_series": NumberSeries,
    }
)
"""What has a document form, by kind; a document's schema is ``"ppa_core/<kind>"``."""

_ENVELOPE = ("schema", "version", "data")
_CONVERTER = make_converter()


def _kind_of(obj: object) -> str:
    for kind, cls in KINDS.items():
        if type(obj) is cls:
            return kind
    names = tuple(cls.__name__ for cls in KINDS.values())
    raise ValidationError("obj", obj, f"an object of one of the kinds {names}")


def _kind(kind: type[Any] | str) -> tuple[str, type[Any]]:
    for name, cls in KINDS.items():
        if kind == name or kind is cls:
            return name, cls
    raise ValidationError("kind", kind, f"a kind's name or class, one of {tuple(KINDS)}")


def _dump_problems(obj: object, root: str) -> list[Problem]:
    """What in ``obj`` has no document form, found before writing anything."""
    terms: list[tuple[str, ContractTerms]] = []
    if isinstance(obj, Contract):
        terms.append((f"{root}.terms", obj.terms))
        terms += [(f"{root}.amendments[{i}].terms", a.terms) for i, a in enumerate(obj.amendments)]
    elif isinstance(obj, ContractTerms):
        terms.append((root, obj))
    found = []
    for path, term in terms:
        if term.extra_rules:
            found.append(Problem(f"{path}.extra_rules", RULES_MESSAGE))
        if type(term.criteria) is not QualificationCriteria:
            found.append(Problem(f"{path}.criteria", criteria_message(term.criteria)))
    return found


def _envelope_path(key: object) -> str:
    part = key_part(key)
    return f"document{part}" if part.startswith("[") else part


def dump_data(obj: object) -> dict[str, Any]:
    """The JSON-ready data of ``obj`` without the envelope (a line of JSON Lines, say).

    Args:
        obj: an object of one of the :data:`KINDS` (a Contract, an Appointment ...).

    Returns:
        Plain data: dicts, lists, str, int, bool and None; never a float.

    Raises:
        ValidationError: ``obj`` is not of one of the :data:`KINDS`.
        DocumentError: ``obj`` holds what has no document form: contract terms with
            custom rules (``extra_rules`` are code: pass them to ``BillingEngine``
            after loading), a criteria set other than QualificationCriteria, a naive
            datetime.
    """
    kind = _kind_of(obj)
    found = _dump_problems(obj, kind)
    if found:
        raise DocumentError(found)
    try:
        data: dict[str, Any] = _CONVERTER.unstructure(obj, KINDS[kind])
    except Unserialisable as exc:
        raise DocumentError([Problem(kind, str(exc))]) from None
    return data


def dump(obj: object) -> dict[str, Any]:
    """A versioned document: ``{"schema": "ppa_core/<kind>", "version": 1, "data": {...}}``.

    Args:
        obj: an object of one of the :data:`KINDS`.

    Returns:
        The JSON-ready document; ``load(type(obj), dump(obj)) == obj``.

    Raises:
        ValidationError: ``obj`` is not of one of the :data:`KINDS`.
        DocumentError: ``obj`` holds what has no document form (see :func:`dump_data`).
    """
    kind = _kind_of(obj)
    return {"schema": f"ppa_core/{kind}", "version": SCHEMA_VERSION, "data": dump_data(obj)}


def dumps(obj: object, *, indent: int | None = None) -> str:
    """:func:`dump` as JSON text (non-ASCII characters kept as they are).

    Raises:
        ValidationError: ``obj`` is not of one of the :data:`KINDS`.
        DocumentError: ``obj`` holds what has no document form (see :func:`dump_data`).
    """
    return json.dumps(dump(obj), ensure_ascii=False, indent=indent)


@overload
def load_data(kind: type[T], data: object) -> T: ...
@overload
def load_data(kind: str, data: object) -> Any: ...
def load_data(kind: type[Any] | str, data: object) -> Any:
    """Build an object of ``kind`` from its bare data, as :func:`dump_data` writes it.

    Args:
        kind: a class of :data:`KINDS` (``Contract``) or its name (``"contract"``).
        data: the data, parsed from JSON.

    Returns:
        The object, equal to the one dumped.

    Raises:
        DocumentError: the data is not a valid ``kind``; every problem, each with its
            path from the kind (``contract.terms.pricing.tiers[2].price.amount``). After
            :data:`MAX_PROBLEMS` problems the load stops looking, and the last problem
            says more follow.
        ValidationError: ``kind`` is not one of the :data:`KINDS`.
    """
    name, cls = _kind(kind)
    try:
        with problem_budget():
            return _CONVERTER.structure(data, cls)
    except Exception as exc:  # whatever went wrong, the caller gets the problems
        found = problems(exc, name) or [Problem(name, describe(exc))]
        if len(found) > MAX_PROBLEMS + 1:  # several lists' worth: the budget is per load
            found = [*found[:MAX_PROBLEMS], Problem(name, MORE_PROBLEMS)]
        raise DocumentError(found) from None


@overload
def load(kind: type[T], document: object) -> T: ...
@overload
def load(kind: str, document: object) -> Any: ...
def load(kind: type[Any] | str, document: object) -> Any:
    """Build an object of ``kind`` from a document written by :func:`dump`.

    The envelope is checked first: ``schema`` must name ``kind`` and ``version``
    must be :data:`SCHEMA_VERSION`; the data is read only then.

    Args:
        kind: a class of :data:`KINDS` (``Contract``) or its name (``"contract"``).
        document: the document, parsed from JSON.

    Returns:
        The object, equal to the one dumped.

    Raises:
        DocumentError: the envelope or the data is not valid; every problem with its
            path (``version``, ``contract.terms.cap`` ...).
        ValidationError: ``kind`` is not one of the :data:`KINDS`.
    """
    name, _ = _kind(kind)
    if not isinstance(document, Mapping):
        fields = ", ".join(_ENVELOPE)
        message = f"must be an object with the fields {fields} (got {shown(document)})"
        raise DocumentError([Problem("document", message)])
    found = [
        Problem(_envelope_path(key), f"unknown field (allowed: {', '.join(_ENVELOPE)})")
        for key in document
        if key not in _ENVELOPE
    ]
    found += [Problem(key, "required field missing") for key in _ENVELOPE if key not in document]
    schema = document.get("schema", f"ppa_core/{name}")
    if schema != f"ppa_core/{name}":
        found.append(Problem("schema", f"must be 'ppa_core/{name}' (got {shown(schema)})"))
    version = document.get("version", SCHEMA_VERSION)
    if type(version) is not int or version != SCHEMA_VERSION:
        newer = type(version) is int and version > SCHEMA_VERSION
        upgrade = "; the document is newer than this ppa_core: upgrade ppa_core" if newer else ""
        found.append(
            Problem("version", f"must be {SCHEMA_VERSION} (got {shown(version)}){upgrade}")
        )
    if found:
        raise DocumentError(found)
    return load_data(name, document["data"])


@overload
def loads(kind: type[T], text: str | bytes) -> T: ...
@overload
def loads(kind: str, text: str | bytes) -> Any: ...
def loads(kind: type[Any] | str, text: str | bytes) -> Any:
    r""":func:`load` from JSON text (bytes are UTF-8; a leading byte order mark is dropped).

    The text is read within bounds: at most :data:`MAX_DOCUMENT_BYTES`, objects and
    lists nested at most :data:`MAX_DEPTH` deep, number literals of at most
    :data:`MAX_NUMBER_CHARS` characters; ``NaN``, ``Infinity`` and a key given twice
    in one object are refused. Every problem carries its line
    (:attr:`Problem.line <ppa_core.exceptions.Problem.line>`): the line of the field it
    names, or of the nearest field holding it.

    >>> loads(
    ...     "policy",
    ...     '{"schema": "ppa_core/policy", "version": 1,\n "data": {"grace_minutes": 1e999}}',
    ... )
    Traceback (most recent call last):
    ...
    ppa_core.exceptions.DocumentError: 1 problem in the document:
    line 2: policy.grace_minutes: must be a whole number (got inf)

    Raises:
        DocumentError: the text is not JSON or is beyond the bounds (path ``document``
            or the path of the offending value), or the document is not valid (see
            :func:`load`).
        ValidationError: ``kind`` is not one of the :data:`KINDS`.
    """
    name, _ = _kind(kind)
    if isinstance(text, bytes | bytearray):
        text = decode(bytes(text), max_bytes=MAX_DOCUMENT_BYTES)
    document = parse(text, name, envelope=True, root="document")
    try:
        return load(name, document)
    except DocumentError as exc:
        raise DocumentError(locate(text, name, exc.problems, envelope=True)) from None
