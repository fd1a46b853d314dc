"""The command line: ``ppa-core`` (or ``python -m ppa_core``), a thin adapter.

Subcommands:

``demo``
    Decide the embedded sample campaign and print the decisions by status and
    reason code, the invoice of each month, the figures and the same outcomes
    priced under other models. ``--trace ID`` prints one decision's trace.
``sample DIR``
    Write the sample contract (``contract.json``) and its appointments
    (``appointments.jsonl``) to ``DIR``, to try ``decide`` and ``invoice`` on.
``decide CONTRACT APPOINTMENTS --as-of WHEN``
    Decide every appointment of a contract file and a JSON Lines file.
``invoice CONTRACT APPOINTMENTS --period MONTH --as-of WHEN``
    Invoice one billing period; with ``--document json|text|html``, issue and print
    its billing documents (:mod:`ppa_core.adapters.document_command`).
``review CONTRACT APPOINTMENTS --from MONTH --to MONTH --as-of WHEN``
    Judge the service levels and exit clauses over those periods; with ``--terms``
    and ``--effective-from``, or ``--proposal``, price them under proposed terms too.
``replay WEBHOOKS --prospects FILE``
    Replay a JSON Lines file of webhook bodies (Cal.com, Calendly, Zoom) into
    appointments (JSON Lines on stdout) and say what became of each event (stderr).

Files are those of :mod:`ppa_core.adapters.serialization`: the contract is a document
written by ``dump`` (or its bare data); each line of the appointments file is
one appointment's data (or a document). Only regular files and ``-`` (stdin)
are read, within bounds (docs/limits.md gives them). Bad input exits with
status 2 and one line per problem, ``file:line: path: problem``, every problem
of every input in one run; never a traceback. With ``--keep-going`` the
appointment lines with problems are left out, the others decided or invoiced,
and the report, marked incomplete, exits with status 3. Exit status (docs/cli.md):
0 done (a meeting not billed is a result, not a failure); 1 the output's reader
went away; 2 bad usage or input; 3 a --keep-going report left lines out.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

import pendulum

from ppa_core import _validation as v
from ppa_core._version import __version__
from ppa_core.adapters import _inputs
from ppa_core.adapters._csv import decisions_csv, invoice_csv
from ppa_core.adapters._reading import (
    BadInput,
    read_text,
)
from ppa_core.adapters.document_command import InputProblem, document_output
from ppa_core.adapters.document_command import add_options as add_document_options
from ppa_core.adapters.replay import ReplayInputError, replay
from ppa_core.adapters.serialization import dump, dump_data
from ppa_core.billing.invoice import build_invoice
from ppa_core.domain.contract import Contract
from ppa_core.exceptions import PpaError
from ppa_core.presentation.report import decisions_table, invoice_report
from ppa_core.presentation.review_report import review_report
from ppa_core.rules.engine import BillingEngine
from ppa_core.sample._demo import demo_text, trace_text
from ppa_core.sample.campaign import sample_campaign

__all__ = ["main"]

PROG = "ppa-core"
_FORMATS = ("table", "json", "csv")

T = TypeVar("T")


def _write(text: str) -> None:
    if text:  # nothing to print (JSON Lines of no decisions) is no line at all
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


# -- writing results --------------------------------------------------------------------------


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


# -- the commands -----------------------------------------------------------------------------


INCOMPLETE = 3
"""The exit status of a --keep-going run that left appointment lines out."""


def _ready(args: argparse.Namespace) -> tuple[_inputs.Input, Contract, pendulum.DateTime]:
    """The input, its contract and --as-of; BadInput when a problem stops the command."""
    read = _inputs.read_input(args)
    if read.problems and (read.fatal or not args.keep_going):
        raise BadInput(read.problems)
    if read.contract is None or read.as_of is None:  # pragma: no cover - a problem says why
        raise BadInput(read.problems)
    return read, read.contract, read.as_of


def _report(read: _inputs.Input, text: str, *, table: bool) -> int:
    """Print ``text``; a report missing lines says so (in a table, at its top and bottom)."""
    if not read.problems:
        _write(text)
        return 0
    left = read.lines_read - len(read.appointments)
    summary = (
        f"INCOMPLETE: {left} of {read.lines_read} appointment lines left out "
        f"(--keep-going); exit status {INCOMPLETE}"
    )
    if table:
        footer = "\n".join(f"  {line}" for line in read.left_out)
        text = f"{summary}\n\n{text}\n\n{summary}; left out, and why:\n{footer}"
    _write(text)
    sys.stderr.write("\n".join((*read.problems, summary)) + "\n")
    return INCOMPLETE


def _decide(args: argparse.Namespace) -> int:
    read, contract, as_of = _ready(args)
    appointments = read.appointments
    decisions = BillingEngine(contract).decide_all(appointments, as_of=as_of, trace=args.trace)
    by_id = {a.id: a for a in appointments}
    if args.format == "json":
        text = _json([dump(d) for d in decisions])
    elif args.format == "jsonl":  # one document a line, like the appointments read
        text = "\n".join(json.dumps(dump(d), ensure_ascii=False) for d in decisions)
    elif args.format == "csv":
        text = decisions_csv(decisions, by_id)
    else:
        text = decisions_table(decisions, by_id, contract)
        if args.trace:
            # As two writes would print them: the table, then the traces on the next line.
            text += ("" if text.endswith("\n") else "\n") + "\n\n".join(
                d.explain() for d in decisions
            )
    return _report(read, text, table=args.format == "table")


def _invoice(args: argparse.Namespace) -> int:
    read, contract, as_of = _ready(args)
    if read.period is None:  # pragma: no cover - a problem says why
        raise BadInput(read.problems)
    appointments = read.appointments
    if args.document:
        try:
            text = document_output(
                args,
                read_text,
                contract=contract,
                appointments=appointments,
                period=read.period,
                as_of=as_of,
            )
        except InputProblem as exc:
            raise BadInput(exc.lines) from None
        return _report(read, text, table=args.document == "text")
    invoice = build_invoice(
        contract, appointments, read.period, as_of=as_of, previous=read.previous
    )
    by_id = {a.id: a for a in appointments}
    if args.format == "json":
        text = _json(dump(invoice))
    elif args.format == "csv":
        text = invoice_csv(invoice, by_id)
    else:
        text = invoice_report(invoice, contract, by_id)
    return _report(read, text, table=args.format == "table")


def _sample(args: argparse.Namespace) -> int:
    campaign = sample_campaign(args.seed)
    directory = pathlib.Path(args.directory)
    contract_path = directory / "contract.json"
    appointments_path = directory / "appointments.jsonl"
    existing = [str(p) for p in (contract_path, appointments_path) if p.exists()]
    if existing and not args.force:
        raise BadInput(f"{path}: already exists (use --force to overwrite)" for path in existing)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        contract_path.write_text(_json(dump(campaign.contract)) + "\n", encoding="utf-8")
        lines = (json.dumps(dump_data(a), ensure_ascii=False) for a in campaign.appointments)
        appointments_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput([f"{exc.filename or directory}: cannot write: {exc.strerror}"]) from None
    as_of = campaign.as_of.isoformat()
    files = f"{contract_path} {appointments_path}"
    _write(
        f"wrote {contract_path} and {appointments_path} "
        f"({len(campaign.appointments)} appointments, seed {campaign.seed})\n"
        f"try:\n"
        f"  {PROG} decide {files} --as-of {as_of}\n"
        f"  {PROG} invoice {files} --period 2026-03 --as-of {as_of}"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    campaign = sample_campaign(args.seed)
    if args.trace is None:
        _write(demo_text(campaign, prog=PROG))
        return 0
    text = trace_text(campaign, args.trace)
    if text is None:
        first, last = campaign.appointments[0].id, campaign.appointments[-1].id
        raise BadInput([f"{PROG} demo: --trace: no appointment {args.trace!r} ({first} to {last})"])
    _write(text)
    return 0


def _replay(args: argparse.Namespace) -> int:
    bookings = dict(item.partition("=")[::2] for item in args.booking)
    if not all(bookings.values()):
        raise BadInput([f"{PROG} replay: --booking: REF=ID, e.g. zoom:857=calcom:bk_1"])
    try:
        out, report = replay(
            read_text(args.webhooks), read_text(args.prospects), hosts=args.host, bookings=bookings,
            correction_window_days=args.correction_window,
        )  # fmt: skip
    except ReplayInputError as exc:
        raise BadInput(exc.lines) from None
    sys.stderr.write("".join(line + "\n" for line in report))
    _write("\n".join(out))
    return 0


# -- the parser -------------------------------------------------------------------------------

_AS_OF_HELP = (
    "the moment the facts are read (required; nothing reads the clock): an ISO 8601 "
    "datetime such as 2026-04-10T09:00:00+02:00, optionally followed by its IANA zone "
    "in brackets ([Europe/Berlin]); without an offset, or a bare date (midnight), it is "
    f"read in that zone, else in the contract's timezone. Years {v.MIN_YEAR} to {v.MAX_YEAR}"
)


def _review(args: argparse.Namespace) -> int:
    read = _inputs.read_review_input(args)
    _write(
        review_report(
            read.contract,
            read.appointments,
            read.issued,
            read.proposals,
            period=read.span,
            as_of=read.as_of,
            output=args.format,
        )
    )
    return 0


def _files(command: argparse.ArgumentParser, formats: tuple[str, ...] = _FORMATS) -> None:
    command.add_argument("contract", help="the contract: a JSON document written by `sample`")
    command.add_argument(
        "appointments", help="the appointments: JSON Lines, one appointment a line ('-': stdin)"
    )
    command.add_argument("--as-of", required=True, metavar="WHEN", help=_AS_OF_HELP)
    command.add_argument(
        "--format", choices=formats, default="table", help="output (default table)"
    )
    command.add_argument(
        "--keep-going",
        action="store_true",
        help=f"leave out the appointment lines with problems and report on the others; the "
        f"report says it is incomplete and the exit status is {INCOMPLETE} (a problem with the "
        "contract or an option still stops the command)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Pay-per-appointment billing: decide, invoice and explain appointments.",
        epilog=f"Start with `{PROG} demo`, then `{PROG} sample DIR` to get files to try.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="decide and invoice the embedded sample campaign",
        description="Decide the sample campaign (two months, about 200 appointments) and print "
        "its decisions, the invoice of each month, its figures and a comparison of models.",
    )
    demo.add_argument("--seed", type=int, default=7, help="the campaign's seed (default 7)")
    demo.add_argument("--trace", metavar="ID", help="print only this appointment's trace (a-042)")
    demo.set_defaults(run=_demo)

    sample = commands.add_parser(
        "sample",
        help="write the sample contract and appointments to a directory",
        description="Write DIR/contract.json and DIR/appointments.jsonl.",
    )
    sample.add_argument("directory", metavar="DIR")
    sample.add_argument("--seed", type=int, default=7, help="the campaign's seed (default 7)")
    sample.add_argument("--force", action="store_true", help="overwrite existing files")
    sample.set_defaults(run=_sample)

    decide = commands.add_parser(
        "decide",
        help="decide every appointment",
        description="Decide every appointment known at --as-of under the contract.",
    )
    _files(decide, formats=("table", "json", "jsonl", "csv"))
    decide.add_argument("--trace", action="store_true", help="include every decision's trace")
    decide.set_defaults(run=_decide, period=None, previous=[])

    invoice = commands.add_parser(
        "invoice",
        help="invoice one billing period",
        description="Invoice one billing period from the facts known at --as-of.",
    )
    _files(invoice)
    invoice.add_argument(
        "--period",
        required=True,
        help="the period: a month (2026-03, the period holding its first day) or a date in it",
    )
    invoice.add_argument(
        "--previous",
        action="append",
        default=[],
        metavar="INVOICE",
        help="an issued invoice (JSON from --format json): later changes become adjustments",
    )
    add_document_options(invoice)
    invoice.set_defaults(run=_invoice)

    judged = commands.add_parser(
        "review",
        help="judge service levels and exit clauses; price proposed terms",
        description="Judge the service levels and exit clauses over the periods --from to --to "
        "from the facts known at --as-of; price the same appointments under proposed terms.",
    )
    _files(judged)
    judged.add_argument("--from", dest="start", required=True, metavar="MONTH", help="2026-01")
    judged.add_argument("--to", dest="end", required=True, metavar="MONTH", help="2026-03")
    judged.add_argument("--invoice", action="append", default=[], help="an issued invoice")
    judged.add_argument("--terms", help="proposed terms (a terms document)")
    judged.add_argument("--effective-from", metavar="WHEN", help="from when --terms apply")
    judged.add_argument("--proposal", metavar="CONTRACT", help="an alternative contract")
    judged.set_defaults(run=_review)

    replaying = commands.add_parser(
        "replay",
        help="replay webhook bodies into appointments",
        description='Replay JSON Lines of webhooks ({"provider": "calcom", "body": {...}} a '
        "line) into appointments: JSON Lines on stdout, each event's fate on stderr.",
    )
    replaying.add_argument("webhooks", help="the webhooks: JSON Lines ('-': stdin)")
    replaying.add_argument("--prospects", required=True, metavar="FILE", help="email -> prospect")
    replaying.add_argument("--host", action="append", default=[], metavar="EMAIL", help="a host")
    replaying.add_argument("--booking", action="append", default=[], metavar="REF=ID")
    replaying.add_argument("--correction-window", type=int, metavar="DAYS")
    replaying.set_defaults(run=_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments).

    Returns:
        The exit status: 0 on success, 2 for bad usage or bad input (one line per
        problem on stderr, nothing on stdout), 3 (:data:`INCOMPLETE`) when
        ``--keep-going`` left appointment lines out of the report it printed, 1 when
        the reader of stdout went away.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or bad usage (argparse printed why)
        return exc.code if isinstance(exc.code, int) else 2
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BadInput as exc:
        sys.stderr.write("\n".join(exc.lines) + "\n")
        return 2
    except PpaError as exc:
        sys.stderr.write(f"{PROG} {args.command}: {exc}\n")
        return 2
    except BrokenPipeError:  # `ppa-core demo | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
