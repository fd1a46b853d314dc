"""What ``decide``, ``invoice`` and ``review`` read: every input, every problem kept.

The files themselves are read by :mod:`ppa_core.adapters._reading`; this module
assembles a command's inputs (the contract, the appointment lines, issued
invoices, ``--as-of`` and ``--period``) and keeps every problem found, so one run
reports them all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TypeVar

import attrs
import pendulum

from ppa_core.adapters import _options
from ppa_core.adapters._reading import (
    STDIN,
    BadInput,
    Record,
    read_document,
    read_records,
    shown_name,
)
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Amendment, BillingPeriod, Contract

__all__ = [
    "Input",
    "ReviewInput",
    "attempt",
    "distinct_appointments",
    "read_input",
    "read_moment",
    "read_period",
    "read_review_input",
]

PROG = "ppa-core"

T = TypeVar("T")


@attrs.frozen
class Input:
    """What ``decide`` or ``invoice`` read, and every problem found on the way.

    Attributes:
        contract: the contract; None when it could not be read.
        appointments: the appointments of the lines that read well, in file order.
        as_of: ``--as-of``; None when it, or the contract, could not be read.
        period: ``--period`` (``invoice``); None otherwise.
        previous: the issued invoices of ``--previous`` that read well.
        problems: every problem, one line of text each.
        fatal: whether a problem stops the command even with --keep-going: anything but
            appointment lines (the contract, an option, an issued invoice, a file that
            cannot be read at all or is read only in part).
        lines_read: how many appointment lines were read (blank lines aside).
        left_out: why each appointment line left out was, for the report's footer.
    """

    contract: Contract | None
    appointments: tuple[Appointment, ...]
    as_of: pendulum.DateTime | None
    period: BillingPeriod | None
    previous: tuple[Invoice, ...]
    problems: tuple[str, ...]
    fatal: bool
    lines_read: int
    left_out: tuple[str, ...]


def attempt(problems: list[str], read: Callable[..., T], *args: object) -> T | None:
    """``read(*args)``, or None with its problems added to ``problems``."""
    try:
        return read(*args)
    except BadInput as exc:
        problems += exc.lines
        return None


def distinct_appointments(
    records: Sequence[Record], name: str
) -> tuple[list[Appointment], list[str], list[str]]:
    """The appointments whose id is theirs alone, the lines' problems, and what is left out.

    A reused id leaves out every line that has it (which one is right, no one can say):
    the first such line is no problem in itself, but a --keep-going report says it is gone.
    Lines left out are listed in file order, each with every problem it has.
    """
    first: dict[str, Record] = {}
    problems: list[str] = []
    left_out: list[tuple[int, str]] = []
    gone: set[int] = set()
    for record in records:
        problems += record.problems
        left_out += [(record.line, text) for text in record.problems]
        if record.value is None:
            gone.add(record.line)
            continue
        id_ = record.value.id
        if id_ not in first:
            first[id_] = record
            continue
        earlier = first[id_].line
        reused = f"{name}:{record.line}: appointment.id: {id_!r} is already used on line {earlier}"
        problems.append(reused)
        left_out.append((record.line, reused))
        gone.add(record.line)
        if earlier not in gone:
            gone.add(earlier)
            again = f"{id_!r} is used again on a later line"
            left_out.append((earlier, f"{name}:{earlier}: appointment.id: {again}"))
    kept = [r.value for r in records if r.value is not None and r.line not in gone]
    return kept, problems, [text for _, text in sorted(left_out, key=lambda item: item[0])]


def read_input(args: argparse.Namespace) -> Input:
    """Read every input of ``decide`` or ``invoice``, keeping every problem found."""
    problems: list[str] = []
    if args.contract == STDIN and args.appointments == STDIN:
        problems.append(f"{PROG}: '-' (stdin) is read once: name a file for one of them")
    contract: Contract | None = attempt(problems, read_document, args.contract, "contract")
    records = attempt(problems, read_records, args.appointments, "appointment") or []
    name = shown_name(args.appointments)
    appointments, bad_lines, left_out = distinct_appointments(records, name)
    problems += bad_lines
    previous: list[Invoice | None] = [
        attempt(problems, read_document, path, "invoice") for path in args.previous
    ]
    as_of = period = None
    if contract is not None:  # --as-of and --period are read in the contract's timezone
        as_of = attempt(problems, read_moment, args.as_of, contract, "--as-of")
        if args.period is not None:
            period = attempt(problems, read_period, args.period, contract)
    return Input(
        contract=contract,
        appointments=tuple(appointments),
        as_of=as_of,
        period=period,
        previous=tuple(i for i in previous if i is not None),
        problems=tuple(problems),
        fatal=len(problems) > len(bad_lines) or any(r.ends_file for r in records),
        lines_read=sum(1 for r in records if not r.ends_file),
        left_out=tuple(left_out),
    )


def read_moment(text: str, contract: Contract, option: str) -> pendulum.DateTime:
    try:
        return _options.moment(text, contract, option)
    except _options.BadOption as exc:
        raise BadInput([f"{PROG}: {exc}"]) from None


def read_period(text: str, contract: Contract) -> BillingPeriod:
    try:
        return _options.period(text, contract)
    except _options.BadOption as exc:
        raise BadInput([f"{PROG}: {exc}"]) from None


@attrs.frozen
class ReviewInput:
    """What ``review`` read: the contract, appointments, issued invoices and proposals.

    Attributes:
        contract: the contract in force.
        appointments: every appointment, in file order.
        issued: the issued invoices of ``--invoice``.
        proposals: an unsigned amendment (``--terms`` from ``--effective-from``) and/or a
            whole alternative contract (``--proposal``), in that order.
        span: from the start of ``--from``'s period to the end of ``--to``'s.
        as_of: ``--as-of``.
    """

    contract: Contract
    appointments: tuple[Appointment, ...]
    issued: tuple[Invoice, ...]
    proposals: tuple[Amendment | Contract, ...]
    span: BillingPeriod
    as_of: pendulum.DateTime


def read_review_input(args: argparse.Namespace) -> ReviewInput:
    """Read every input of ``review``; BadInput with every problem found, if any."""
    problems: list[str] = []
    contract: Contract | None = attempt(problems, read_document, args.contract, "contract")
    records = attempt(problems, read_records, args.appointments, "appointment") or []
    appointments, bad_lines, _ = distinct_appointments(records, shown_name(args.appointments))
    problems += bad_lines
    issued = [attempt(problems, read_document, path, "invoice") for path in args.invoice]
    terms = args.terms and attempt(problems, read_document, args.terms, "terms")
    proposal = args.proposal and attempt(problems, read_document, args.proposal, "contract")
    if contract is None:
        raise BadInput(problems)
    as_of = attempt(problems, read_moment, args.as_of, contract, "--as-of")
    first = attempt(problems, read_period, args.start, contract)
    last = attempt(problems, read_period, args.end, contract)
    start = None
    if args.terms is not None:
        when = args.effective_from or ""
        start = attempt(problems, read_moment, when, contract, "--effective-from")
    if problems or as_of is None or first is None or last is None:
        raise BadInput(problems)
    proposals: list[Amendment | Contract] = []
    if terms and start is not None:
        proposals.append(Amendment(start, terms))
    if proposal:
        proposals.append(proposal)
    return ReviewInput(
        contract=contract,
        appointments=tuple(appointments),
        issued=tuple(i for i in issued if i is not None),
        proposals=tuple(proposals),
        span=BillingPeriod(first.start, last.end),
        as_of=as_of,
    )
