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
    Invoice one billing period.
``review CONTRACT APPOINTMENTS --from MONTH --to MONTH --as-of WHEN``
    Judge the service levels and exit clauses over those periods; with ``--terms``
    and ``--effective-from``, or ``--proposal``, price them under proposed terms too.
``replay WEBHOOKS --prospects FILE``
    Replay a JSON Lines file of webhook bodies (Cal.com, Calendly, Zoom) into
    appointments (JSON Lines on stdout) and say what became of each event (stderr).

Files are those of :mod:`ppa_core.adapters.serialization`: the contract is a document
written by ``dump`` (or its bare data); each line of the appointments file is
one appointment's data (or a document). Bad input exits with status 2 and one
line per problem, ``file:line: path: problem``; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pathlib
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pendulum

from ppa_core import _validation as v
from ppa_core.adapters import _options
from ppa_core.adapters.replay import ReplayInputError, replay
from ppa_core.adapters.serialization import dump, dump_data, load, load_data
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Amendment, BillingPeriod, Contract
from ppa_core.domain.money import Money
from ppa_core.exceptions import DocumentError, PpaError
from ppa_core.presentation.report import decisions_table, invoice_report
from ppa_core.presentation.review_report import review_report
from ppa_core.rules.engine import BillingEngine
from ppa_core.rules.verdict import Decision
from ppa_core.sample._demo import demo_text, trace_text
from ppa_core.sample.campaign import sample_campaign

__all__ = ["main"]

PROG = "ppa-core"


class BadInput(Exception):
    """Input the command cannot use: each line is printed to stderr, the exit status is 2."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# -- reading files ---------------------------------------------------------------------------


def _read(path: str) -> tuple[str, str]:
    """The text of ``path`` (``-`` is stdin) and the name to report it by."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return pathlib.Path(path).read_text(encoding="utf-8"), path
    except OSError as exc:
        raise BadInput([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise BadInput([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None


def _problems(name: str, line: int, error: DocumentError) -> list[str]:
    return [f"{name}:{line}: {p.path}: {p.message}" for p in error.problems]


def _document(kind: str, value: object) -> Any:
    """Load ``value``: a document (with ``schema``) or bare data of ``kind``."""
    if isinstance(value, dict) and "schema" in value:
        return load(kind, value)
    return load_data(kind, value)


def _read_document(path: str, kind: str) -> Any:
    text, name = _read(path)
    first = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput([f"{name}:{exc.lineno}: {kind}: not JSON: {exc.msg}"]) from None
    try:
        return _document(kind, value)
    except DocumentError as exc:
        raise BadInput(_problems(name, first, exc)) from None


def _read_appointments(path: str) -> list[Appointment]:
    """Every appointment of a JSON Lines file, or every problem in it."""
    text, name = _read(path)
    appointments: list[Appointment] = []
    seen: dict[str, int] = {}
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"{name}:{number}: appointment: not JSON: {exc.msg} (column {exc.colno})")
            continue
        try:
            appointment = _document("appointment", value)
        except DocumentError as exc:
            bad += _problems(name, number, exc)
            continue
        if appointment.id in seen:
            bad.append(
                f"{name}:{number}: appointment.id: {appointment.id!r} is already used "
                f"on line {seen[appointment.id]}"
            )
            continue
        seen[appointment.id] = number
        appointments.append(appointment)
    if bad:
        raise BadInput(bad)
    return appointments


def _moment(text: str, contract: Contract, option: str) -> pendulum.DateTime:
    try:
        return _options.moment(text, contract, option)
    except _options.BadOption as exc:
        raise BadInput([f"{PROG}: {exc}"]) from None


def _period(text: str, contract: Contract) -> BillingPeriod:
    try:
        return _options.period(text, contract)
    except _options.BadOption as exc:
        raise BadInput([f"{PROG}: {exc}"]) from None


# -- writing results --------------------------------------------------------------------------


def _csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def _iso(moment: pendulum.DateTime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _amount(money: Money | None) -> str:
    """The amount to the minor unit (``0.00``), or exact when it has more digits."""
    if money is None:
        return ""
    return str(money.rounded().amount if money.is_rounded else money.amount)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _decisions_csv(decisions: Sequence[Decision], by_id: dict[str, Appointment]) -> str:
    headers = (
        "appointment_id", "meeting_start", "prospect_id", "prospect", "state", "status",
        "amount", "currency", "unit_price", "unit", "tier", "reason_codes", "period_start",
        "terms_from",
    )  # fmt: skip
    rows = []
    for d in decisions:
        prospect = by_id[d.appointment_id].prospect
        rows.append(
            (
                d.appointment_id,
                _iso(d.meeting_start),
                prospect.id,
                prospect.name,
                d.state.value,
                d.status.value,
                _amount(d.amount),
                d.amount.currency.code,
                _amount(d.unit_price),
                d.unit if d.unit is not None else "",
                d.tier if d.tier is not None else "",
                ";".join(d.reason_codes),
                _iso(d.period_start),
                _iso(d.terms_from),
            )
        )
    return _csv(headers, rows)


def _invoice_csv(invoice: Invoice, by_id: dict[str, Appointment]) -> str:
    headers = (
        "kind", "appointment_id", "meeting_start", "prospect", "description", "status",
        "reason_codes", "tier", "unit", "unit_price", "quantity", "amount", "currency",
    )  # fmt: skip
    rows = []
    for line in (*invoice.lines, *invoice.not_billed):
        appointment = by_id.get(line.appointment_id or "")
        rows.append(
            (
                line.kind.value,
                line.appointment_id or "",
                _iso(line.meeting_start),
                appointment.prospect.name if appointment is not None else "",
                line.description,
                line.status.value if line.status is not None else "",
                ";".join(line.reason_codes),
                line.tier if line.tier is not None else "",
                line.unit if line.unit is not None else "",
                _amount(line.unit_price),
                str(line.quantity),
                _amount(line.amount),
                line.amount.currency.code,
            )
        )
    return _csv(headers, rows)


# -- the commands -----------------------------------------------------------------------------


def _decide(args: argparse.Namespace) -> int:
    contract: Contract = _read_document(args.contract, "contract")
    appointments = _read_appointments(args.appointments)
    as_of = _moment(args.as_of, contract, "--as-of")
    decisions = BillingEngine(contract).decide_all(appointments, as_of=as_of, trace=args.trace)
    by_id = {a.id: a for a in appointments}
    if args.format == "json":
        _write(_json([dump(d) for d in decisions]))
    elif args.format == "csv":
        _write(_decisions_csv(decisions, by_id))
    else:
        _write(decisions_table(decisions, by_id, contract))
        if args.trace:
            _write("\n\n".join(d.explain() for d in decisions))
    return 0


def _invoice(args: argparse.Namespace) -> int:
    contract: Contract = _read_document(args.contract, "contract")
    appointments = _read_appointments(args.appointments)
    as_of = _moment(args.as_of, contract, "--as-of")
    period = _period(args.period, contract)
    previous: list[Invoice] = [_read_document(path, "invoice") for path in args.previous]
    invoice = build_invoice(contract, appointments, period, as_of=as_of, previous=previous)
    by_id = {a.id: a for a in appointments}
    if args.format == "json":
        _write(_json(dump(invoice)))
    elif args.format == "csv":
        _write(_invoice_csv(invoice, by_id))
    else:
        _write(invoice_report(invoice, contract, by_id))
    return 0


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
            _read(args.webhooks), _read(args.prospects), hosts=args.host, bookings=bookings,
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
    contract: Contract = _read_document(args.contract, "contract")
    as_of = _moment(args.as_of, contract, "--as-of")
    span = BillingPeriod(_period(args.start, contract).start, _period(args.end, contract).end)
    issued: list[Invoice] = [_read_document(path, "invoice") for path in args.invoice]
    proposals: list[Amendment | Contract] = []
    if args.terms is not None:
        start = _moment(args.effective_from or "", contract, "--effective-from")
        proposals.append(Amendment(start, _read_document(args.terms, "terms")))
    if args.proposal is not None:
        proposals.append(_read_document(args.proposal, "contract"))
    appointments = _read_appointments(args.appointments)
    _write(
        review_report(
            contract, appointments, issued, proposals, period=span, as_of=as_of, output=args.format
        )
    )
    return 0


def _files(command: argparse.ArgumentParser) -> None:
    command.add_argument("contract", help="the contract: a JSON document written by `sample`")
    command.add_argument(
        "appointments", help="the appointments: JSON Lines, one appointment a line ('-': stdin)"
    )
    command.add_argument("--as-of", required=True, metavar="WHEN", help=_AS_OF_HELP)
    command.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output (default table)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Pay-per-appointment billing: decide, invoice and explain appointments.",
        epilog=f"Start with `{PROG} demo`, then `{PROG} sample DIR` to get files to try.",
    )
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
    _files(decide)
    decide.add_argument("--trace", action="store_true", help="include every decision's trace")
    decide.set_defaults(run=_decide)

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
        problem on stderr).
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
