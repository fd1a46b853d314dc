"""Hostile input, as a careless or malicious user gives it: each case ends in a clean error.

The command line runs in a subprocess (``python -m ppa_core``) with a timeout and, on
Linux, an address space of 1 GiB, so a case that hangs or eats memory fails instead of
taking the suite down. Each case says the exit status and every line stderr must hold,
one per problem, ``file:line: path: problem`` (``file: problem`` for a file that cannot
be read at all); there is never a traceback. The same hostile texts then go through
``serialization.loads`` in process, and hostile Python values through ``load_data``.

docs/limits.md ("Reading documents and the command line") describes the bounds.
"""

from __future__ import annotations

import json
import os
import pathlib
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ppa_core
from ppa_core import NoShowPolicy, sample_campaign
from ppa_core.adapters.serialization import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_NUMBER_CHARS,
    MAX_PROBLEMS,
    DocumentError,
    Problem,
    dump,
    dump_data,
    load_data,
    loads,
)
from ppa_core.adapters.serialization._problems import join, key_part
from ppa_core.adapters.serialization._text import locate, parse, size_text

AS_OF = "2026-04-10T09:00:00+02:00"
TIMEOUT = 20  # seconds a run may take: a hang (a FIFO, /dev/zero) fails the case
MEMORY = 1 << 30  # bytes of address space a run may use (Linux)
SRC = str(pathlib.Path(ppa_core.__file__).parents[1])


@attrs.frozen
class Sample:
    """The sample campaign as the command line's files hold it."""

    contract: dict[str, Any]
    lines: tuple[str, ...]

    def contract_text(self, mutate: Callable[[dict[str, Any]], object] | None = None) -> str:
        """The contract document, indented as ``ppa-core sample`` writes it, after ``mutate``."""
        document = json.loads(json.dumps(self.contract))
        if mutate is not None:
            mutate(document["data"])
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def line(self, index: int, mutate: Callable[[dict[str, Any]], object]) -> str:
        """Appointment line ``index`` (from 0) after ``mutate``."""
        data = json.loads(self.lines[index])
        mutate(data)
        return json.dumps(data, ensure_ascii=False)


@pytest.fixture(scope="module")
def sample() -> Sample:
    campaign = sample_campaign()
    lines = tuple(json.dumps(dump_data(a), ensure_ascii=False) for a in campaign.appointments)
    return Sample(dump(campaign.contract), lines[:12])


@attrs.frozen
class Run:
    """A command line to run, and what it must end in.

    Attributes:
        argv: the arguments after ``ppa-core``.
        status: the exit status.
        expected: each line stderr holds, in order: its start (``file:line: path: ``)
            and a part of the rest.
        stdin: a file to read stdin from (default: nothing).
    """

    argv: tuple[str, ...]
    status: int
    expected: tuple[tuple[str, str], ...]
    stdin: str | None = None


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The number of the first line of ``text`` holding ``needle``, from line ``after + 1``.

    Lines end at ``\\n`` only, as JSON's do (not at U+0085 or U+2028, as splitlines has it).
    """
    lines = text.split("\n")
    return next(i for i in range(after, len(lines)) if needle in lines[i]) + 1


class Files:
    """A case's files, in its own directory; by default the sample's, which read well."""

    def __init__(self, directory: pathlib.Path, sample: Sample) -> None:
        self.directory = directory
        self.contract = str(directory / "contract.json")
        self.appointments = str(directory / "appointments.jsonl")
        self.write("contract.json", sample.contract_text())
        self.write("appointments.jsonl", "\n".join(sample.lines) + "\n")

    def write(self, name: str, content: str | bytes) -> str:
        path = self.directory / name
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        path.write_bytes(data)
        return str(path)

    def lines(self, *lines: str | bytes) -> str:
        parts = [line.encode() if isinstance(line, str) else line for line in lines]
        return self.write("appointments.jsonl", b"\n".join(parts) + b"\n")

    def decide(self, *options: str) -> tuple[str, ...]:
        return ("decide", self.contract, self.appointments, "--as-of", AS_OF, *options)


Case = Callable[[Files, Sample], Run]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Set ``value`` at a dotted path of a dict (``terms.policy.grace_minutes``)."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            data = data[part]
        data[last] = value

    return mutate


# -- the cases ----------------------------------------------------------------------------
# Each writes its files and says what the run must end in. Many cases put several
# problems in one run: they are reported together, and a run costs about a second.


def empty_contract(f: Files, s: Sample) -> Run:
    f.write("contract.json", "")
    return Run(f.decide(), 2, ((f"{f.contract}:1: contract: ", "not JSON: Expecting value"),))


def a_byte_order_mark_is_skipped(f: Files, s: Sample) -> Run:
    f.write("contract.json", "\ufeff" + s.contract_text())
    f.lines("\ufeff" + s.lines[0], *s.lines[1:])
    return Run(f.decide(), 0, ())


def crlf_and_blank_lines_are_read(f: Files, s: Sample) -> Run:
    f.write("contract.json", s.contract_text().replace("\n", "\r\n"))
    f.lines(s.lines[0] + "\r", "", "   \t", *s.lines[1:])
    return Run(f.decide(), 0, ())


def invalid_utf8(f: Files, s: Sample) -> Run:
    text = s.contract_text().encode()
    second = text.index(b"\n") + 1
    f.write("contract.json", text[:second] + b'  "x\xff": 1,\n' + text[second:])
    f.lines(s.lines[0], s.lines[1].encode()[:-20] + b"\xc3\x28", s.lines[2], b"\xed\xa0\x80")
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:2: contract: ", "not UTF-8 text (invalid start byte: byte ff"),
            (f"{f.appointments}:2: appointment: ", "not UTF-8 text (invalid continuation byte"),
            (f"{f.appointments}:4: appointment: ", "not UTF-8 text"),
        ),
    )


def a_json_array_where_an_object_is_expected(f: Files, s: Sample) -> Run:
    f.write("contract.json", json.dumps([s.contract]))
    f.lines("[1, 2]", '"a-001"', "null", "3", *s.lines[4:])
    must = "must be an object with the fields"
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:1: contract: ", must),
            *((f"{f.appointments}:{n}: appointment: ", must) for n in (1, 2, 3, 4)),
        ),
    )


def duplicate_keys(f: Files, s: Sample) -> Run:
    text = s.contract_text().replace('"cap": 60,', '"cap": 60,\n      "cap": 6000,')
    f.write("contract.json", text)
    f.lines(s.lines[0].replace('"id": "a-001"', '"id": "a-001", "id": "a-999"'), *s.lines[1:])
    cap = line_of(text, '"cap": 6000')
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:{cap}: contract.terms.cap: ", "the key 'cap' is given twice"),
            (f"{f.appointments}:1: appointment.id: ", "the key 'id' is given twice"),
        ),
    )


def huge_strings(f: Files, s: Sample) -> Run:
    f.write("contract.json", s.contract_text(_set("client", "x" * (17 * 2**20))))
    f.lines(s.lines[0], s.line(1, _set("prospect.name", "y" * 2**20)), *s.lines[2:])
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}: ", "bytes is larger than 16 MiB: not read"),
            (f"{f.appointments}:2: appointment: ", "longer than 1 MiB: the line is not read"),
        ),
    )


def deep_nesting(f: Files, s: Sample) -> Run:
    deep: Any = []
    for _ in range(200):
        deep = {"a": deep}
    text = s.contract_text(_set("terms.guarantee", deep))
    f.write("contract.json", text)
    f.lines("[" * 100_000, s.line(1, _set("disputes", [[[[]]]] * 3)), *s.lines[2:])
    # The document, its data, the terms and the guarantee are four levels: the 65th is
    # the object that the 61st "a" opens, on that key's line.
    where = "contract.terms.guarantee" + ".a" * (MAX_DEPTH - 3)
    line = line_of(text, '"guarantee"') + MAX_DEPTH - 3
    nested = f"nested deeper than {MAX_DEPTH} levels"
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:{line}: {where}: ", nested),
            (f"{f.appointments}:1: appointment{'[0]' * MAX_DEPTH}: ", nested),
            (f"{f.appointments}:2: appointment.disputes[0]: ", "must be an object"),
            (f"{f.appointments}:2: appointment.disputes[1]: ", "must be an object"),
            (f"{f.appointments}:2: appointment.disputes[2]: ", "must be an object"),
        ),
    )


def huge_numbers(f: Files, s: Sample) -> Run:
    text = s.contract_text().replace('"cap": 60', '"cap": 1e999999')
    f.write("contract.json", text)
    digits = "9" * 5000
    f.lines(
        s.lines[0].replace('"duration_minutes": 30', f'"duration_minutes": {digits}'),
        s.lines[1].replace('"duration_minutes": 30', '"duration_minutes": -0.' + "1" * 200),
        *s.lines[2:],
    )
    cap = line_of(text, '"cap"')
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:{cap}: contract.terms.cap: ", "must be a whole number (got inf)"),
            (f"{f.appointments}:1: appointment.duration_minutes: ", "5000 characters (at most"),
            (f"{f.appointments}:2: appointment.duration_minutes: ", "203 characters (at most"),
        ),
    )


def nan_and_infinity(f: Files, s: Sample) -> Run:
    text = s.contract_text().replace('"cap": 60', '"cap": NaN')
    f.write("contract.json", text)
    lines = [
        s.lines[i].replace('"duration_minutes": 30', f'"duration_minutes": {word}')
        for i, word in enumerate(("Infinity", "-Infinity"))
    ]
    f.lines(*lines, *s.lines[2:])
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:{line_of(text, 'NaN')}: contract.terms.cap: ", "NaN is not a number"),
            (f"{f.appointments}:1: appointment.duration_minutes: ", "Infinity is not a number"),
            (f"{f.appointments}:2: appointment.duration_minutes: ", "-Infinity is not a number"),
        ),
    )


def lone_surrogates(f: Files, s: Sample) -> Run:
    f.write("contract.json", s.contract_text().replace('"agency": "', '"agency": "\\udead'))
    f.lines(s.lines[0].replace('"name": "', '"name": "\\ud800', 1), *s.lines[1:])
    surrogate = "a string holding a lone surrogate"
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:6: contract.agency: ", surrogate),
            (f"{f.appointments}:1: appointment.prospect.name: ", surrogate),
        ),
    )


def wrong_unknown_and_missing_fields(f: Files, s: Sample) -> Run:
    def contract(data: dict[str, Any]) -> None:
        del data["agency"]
        data["currency"] = 978
        data["colour"] = "blue"
        data["terms"]["cap"] = "sixty"
        data["terms"]["policy"]["grace_minutes"] = 10.0

    text = s.contract_text(contract)
    f.write("contract.json", text)
    f.lines(
        s.line(0, _set("prospect", 3)),
        s.line(1, _set("colour", "blue")),
        s.line(2, lambda d: d.pop("history")),
        s.line(3, lambda d: d["history"][0].update(action="fly")),
        *s.lines[4:],
    )
    c, a = f.contract, f.appointments
    return Run(
        f.decide(),
        2,
        (
            (f"{c}:4: contract.agency: ", "required field missing"),
            (f"{c}:{line_of(text, 'currency')}: contract.currency: ", "ISO 4217 currency code"),
            (
                f"{c}:{line_of(text, 'grace_minutes')}: contract.terms.policy.grace_minutes: ",
                "a whole number",
            ),
            (f"{c}:{line_of(text, 'cap')}: contract.terms.cap: ", "a whole number"),
            (f"{c}:{line_of(text, 'colour')}: contract.colour: ", "unknown field"),
            (f"{a}:1: appointment.prospect: ", "must be an object"),
            (f"{a}:2: appointment.colour: ", "unknown field"),
            (f"{a}:3: appointment.history: ", "required field missing"),
            (f"{a}:4: appointment.history[0].action: ", "must be one of ('propose'"),
        ),
    )


def wrong_schema_and_version(f: Files, s: Sample) -> Run:
    text = s.contract_text().replace('"ppa_core/contract"', '"ppa_core/invoice"')
    f.write("contract.json", text.replace('"version": 1', '"version": 2'))
    document = {"schema": "ppa_core/appointment", "data": json.loads(s.lines[0])}
    f.lines(
        json.dumps({**document, "version": "1"}),
        json.dumps({**document, "version": 1, "schema": "ppa_core/prospect"}),
        *s.lines[2:],
    )
    return Run(
        f.decide(),
        2,
        (
            (f"{f.contract}:2: schema: ", "must be 'ppa_core/contract' (got 'ppa_core/invoice')"),
            (f"{f.contract}:3: version: ", "newer than this ppa_core: upgrade ppa_core"),
            (f"{f.appointments}:1: version: ", "must be 1 (got '1')"),
            (f"{f.appointments}:2: schema: ", "must be 'ppa_core/appointment'"),
        ),
    )


def files_that_are_not_regular(f: Files, s: Sample) -> Run:
    fifo = f.directory / "fifo"
    os.mkfifo(fifo)
    regular = "not a regular file: only regular files and '-' (stdin) are read"
    argv = ("invoice", str(f.directory), str(fifo), "--as-of", AS_OF, "--period", "2026-03")
    return Run(
        (*argv, "--previous", "/dev/zero"),
        2,
        (
            (f"{f.directory}: ", f"a directory, {regular}"),
            (f"{fifo}: ", f"a FIFO (named pipe), {regular}"),
            ("/dev/zero: ", f"a character device, {regular}"),
        ),
    )


def files_that_do_not_exist_or_loop(f: Files, s: Sample) -> Run:
    loop = f.directory / "loop"
    loop.symlink_to(loop)
    missing = str(f.directory / "missing.jsonl")
    return Run(
        ("decide", str(loop), missing, "--as-of", AS_OF),
        2,
        (
            (f"{loop}: ", "cannot read: Too many levels of symbolic links"),
            (f"{missing}: ", "cannot read: No such file or directory"),
        ),
    )


def stdin_from_dev_zero(f: Files, s: Sample) -> Run:
    return Run(
        ("decide", f.contract, "-", "--as-of", AS_OF),
        2,
        (
            ("<stdin>:1: appointment: ", "longer than 1 MiB: the line is not read"),
            ("<stdin>:1: ", "larger than 32 MiB: the rest was not read"),
        ),
        stdin="/dev/zero",
    )


def stdin_twice(f: Files, s: Sample) -> Run:
    return Run(
        ("decide", "-", "-", "--as-of", AS_OF),
        2,
        (
            ("ppa-core: ", "'-' (stdin) is read once"),
            ("<stdin>:1: contract: ", "not JSON: Expecting value"),
        ),
        stdin=os.devnull,
    )


def every_problem_of_every_input_at_once(f: Files, s: Sample) -> Run:
    text = s.contract_text(_set("terms.cap", -1))
    f.write("contract.json", text)
    f.lines(s.lines[0], s.line(1, _set("duration_minutes", "long")), s.lines[0], '{"id": ')
    previous = f.write("previous.json", "[")
    argv = ("invoice", f.contract, f.appointments, "--as-of", AS_OF, "--period", "2026-03")
    return Run(
        (*argv, "--previous", previous, "--keep-going"),
        2,
        (
            (f"{f.contract}:{line_of(text, 'cap')}: contract.terms.cap: ", "must be"),
            (f"{f.appointments}:2: appointment.duration_minutes: ", "whole number (got 'long')"),
            (f"{f.appointments}:3: appointment.id: ", "'a-001' is already used on line 1"),
            (f"{f.appointments}:4: appointment: ", "not JSON: Expecting value"),
            (f"{previous}:1: invoice: ", "not JSON"),
        ),
    )


def too_many_problems(f: Files, s: Sample) -> Run:
    wide = s.line(0, _set("history", [1] * 200_000))  # a line under 1 MiB, 200,000 problems
    f.lines(wide, *(["["] * 1100))
    a = f.appointments
    return Run(
        f.decide(),
        2,
        (
            *((f"{a}:1: appointment.history[{i}]: ", "must be an object") for i in range(100)),
            (f"{a}:1: appointment.history: ", "more problems follow: at most 100 are reported"),
            *((f"{a}:{n}: appointment: ", "not JSON") for n in range(2, 901)),
            (f"{a}:901: ", "1000 problems before this line: the rest was not read"),
        ),
    )


def keep_going_leaves_bad_lines_out(f: Files, s: Sample) -> Run:
    f.lines(*s.lines[:3], "[", s.line(4, _set("duration_minutes", -5)), *s.lines[5:])
    return Run(
        (*f.decide("--keep-going"),),
        3,
        (
            (f"{f.appointments}:4: appointment: ", "not JSON"),
            (f"{f.appointments}:5: appointment.duration_minutes: ", "must be"),
            ("INCOMPLETE: ", "2 of 12 appointment lines left out (--keep-going); exit status 3"),
        ),
    )


def bad_as_of_and_period(f: Files, s: Sample) -> Run:
    argv = ("invoice", f.contract, f.appointments, "--as-of", "yesterday", "--period", "March")
    return Run(
        argv,
        2,
        (
            ("ppa-core: --as-of: ", "(got 'yesterday')"),
            ("ppa-core: --period: ", "(got 'March')"),
        ),
    )


def _option(option: str, value: str) -> Case:
    """An option the time-zone work (issue 16 item 2) must refuse with a clear error."""

    def case(f: Files, s: Sample) -> Run:
        argv = ["invoice", f.contract, f.appointments, "--as-of", AS_OF, "--period", "2026-03"]
        argv[argv.index(option) + 1] = value
        return Run(tuple(argv), 2, ((f"ppa-core: {option}: ", ""),))

    return case


def _far_year(option: str, value: str) -> Case:
    """A date near year 9999: refused with the option named, or it works (item 2)."""
    case = _option(option, value)

    def far(f: Files, s: Sample) -> Run:
        run = case(f, s)
        return attrs.evolve(run, status=-1)  # -1: 0 with no stderr, or 2 naming the option

    return far


CASES = [
    pytest.param(case, id=case.__name__.replace("_", "-"))
    for case in (
        empty_contract,
        a_byte_order_mark_is_skipped,
        crlf_and_blank_lines_are_read,
        invalid_utf8,
        a_json_array_where_an_object_is_expected,
        duplicate_keys,
        huge_strings,
        deep_nesting,
        huge_numbers,
        nan_and_infinity,
        lone_surrogates,
        wrong_unknown_and_missing_fields,
        wrong_schema_and_version,
        files_that_are_not_regular,
        files_that_do_not_exist_or_loop,
        stdin_from_dev_zero,
        stdin_twice,
        too_many_problems,
        every_problem_of_every_input_at_once,
        keep_going_leaves_bad_lines_out,
        bad_as_of_and_period,
    )
] + [
    pytest.param(_option("--as-of", AS_OF + "[Europe]"), id="as-of-zone-a-directory"),
    pytest.param(_option("--as-of", AS_OF + "[]"), id="as-of-empty-zone"),
    pytest.param(_option("--as-of", AS_OF + "[" + "A" * 300 + "]"), id="as-of-zone-300-chars"),
    pytest.param(_far_year("--as-of", "9999-12-31T23:59:59-14:00"), id="as-of-9999"),
    pytest.param(_far_year("--period", "9999-12"), id="period-9999"),
]


def _limit_memory() -> None:  # pragma: no cover - runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def ppa_core_cli(argv: tuple[str, ...], stdin: str | None) -> subprocess.CompletedProcess[str]:
    """``python -m ppa_core argv`` in a subprocess, bounded in time and (on Linux) memory."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    with open(stdin or os.devnull, "rb") as source:
        return subprocess.run(
            [sys.executable, "-m", "ppa_core", *argv],
            stdin=source,
            capture_output=True,
            text=True,
            errors="backslashreplace",
            timeout=TIMEOUT,
            env=env,
            check=False,
            preexec_fn=_limit_memory if sys.platform == "linux" else None,
        )


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_ends_every_hostile_input_cleanly(
    case: Case, sample: Sample, tmp_path: pathlib.Path
) -> None:
    run = case(Files(tmp_path, sample), sample)
    result = ppa_core_cli(run.argv, run.stdin)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    if run.status == -1 and result.returncode == 0:  # a far date that works
        assert lines == []
        return
    assert result.returncode == (2 if run.status == -1 else run.status), result.stderr
    if run.status == 2:
        assert result.stdout == ""
    assert len(lines) == len(run.expected), result.stderr
    for line, (start, part) in zip(lines, run.expected, strict=True):
        assert line.startswith(start), (line, start)
        assert part in line.removeprefix(start), (line, part)


class TestKeepGoing:
    def test_the_report_says_it_is_incomplete_at_its_top_and_bottom(
        self, sample: Sample, tmp_path: pathlib.Path
    ) -> None:
        run = keep_going_leaves_bad_lines_out(files := Files(tmp_path, sample), sample)
        result = ppa_core_cli(run.argv, None)
        out = result.stdout.splitlines()
        summary = "INCOMPLETE: 2 of 12 appointment lines left out (--keep-going); exit status 3"
        assert out[0] == summary
        assert out[-3] == f"{summary}; left out, and why:"
        assert out[-2].startswith(f"  {files.appointments}:4: appointment: not JSON")
        assert out[-1].startswith(f"  {files.appointments}:5: appointment.duration_minutes: ")
        assert sum(line.startswith("a-0") for line in out) == 10  # the other lines' decisions


# -- in process: serialization.loads and load_data ----------------------------------------

POLICY = json.dumps(dump(NoShowPolicy()), indent=1)


def _policy(old: str, new: str) -> str:
    assert old in POLICY
    return POLICY.replace(old, new, 1)


TEXTS = [
    pytest.param("", [("document", 1, "not JSON: Expecting value")], id="empty"),
    pytest.param(b"\xef\xbb\xbf" + POLICY.encode(), [], id="bom-skipped"),
    pytest.param(b'{\n"a": "\xff"}', [("document", 2, "not UTF-8 text")], id="invalid-utf8"),
    pytest.param("[1]", [("document", 1, "must be an object with the fields")], id="array"),
    pytest.param(
        _policy('"grace_minutes": 10,', '"grace_minutes": 10,\n"grace_minutes": 11,'),
        [("policy.grace_minutes", 6, "the key 'grace_minutes' is given twice")],
        id="duplicate-key",
    ),
    pytest.param(
        '"' + "x" * (17 * 2**20) + '"', [("document", 1, "longer than 16 MiB")], id="huge-string"
    ),
    pytest.param(
        "[" * 100_000,
        [("document" + "[0]" * MAX_DEPTH, 1, "nested deeper than 64 levels")],
        id="deep",
    ),
    pytest.param(
        _policy('"grace_minutes": 10', '"grace_minutes": ' + "1" * 5000),
        [("policy.grace_minutes", 5, "a literal of 5000 characters (at most 100)")],
        id="huge-int",
    ),
    pytest.param(
        _policy('"grace_minutes": 10', '"grace_minutes": NaN'),
        [("policy.grace_minutes", 5, "NaN is not a number JSON allows")],
        id="nan",
    ),
    pytest.param(
        _policy('"grace_minutes": 10', '"grace_minutes": 1e999'),
        [("policy.grace_minutes", 5, "must be a whole number (got inf)")],
        id="float-overflow",
    ),
    pytest.param(
        _policy('"grace_minutes": 10', '"grace_minutes": "\\udc00"'),
        [("policy.grace_minutes", 5, "lone surrogate \\udc00")],
        id="lone-surrogate",
    ),
    pytest.param(
        _policy('"grace_minutes": 10,', '"grace_minutes": 10, "colour": 1,'),
        [("policy.colour", 5, "unknown field")],
        id="unknown-field",
    ),
    pytest.param(
        _policy('"version": 1,', '"version": 2,').replace('"schema": "ppa_core/policy",\n', ""),
        [("schema", 1, "required field missing"), ("version", 2, "upgrade ppa_core")],
        id="envelope",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_loads_names_the_line_and_path_of_every_problem_in_bounded_time_and_memory(
    text: str | bytes, expected: list[tuple[str, int, str]]
) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: Any = loads(NoShowPolicy, text)
    except DocumentError as exc:
        result = exc
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < TIMEOUT / 2
    assert peak < 4 * len(text) + 64 * 2**20
    if not expected:
        assert result == NoShowPolicy()
        return
    assert isinstance(result, DocumentError)
    found = [(p.path, p.line, p.message) for p in result.problems]
    assert [(path, line) for path, line, _ in found] == [(p, n) for p, n, _ in expected]
    for (_, _, message), (_, _, part) in zip(found, expected, strict=True):
        assert part in message


MORE = f"more problems follow: at most {MAX_PROBLEMS} are reported"


def test_a_load_reports_at_most_max_problems_and_says_more_follow() -> None:
    with pytest.raises(DocumentError) as caught:
        load_data("policy", {"grace_minutes": 1, **{f"x{i}": i for i in range(500)}})
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == Problem("policy", MORE)
    with pytest.raises(DocumentError) as caught:
        load_data("criteria", {"countries": list(range(500))})
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == Problem("criteria.countries", MORE)
    assert [p.path for p in problems[:3]] == [f"criteria.countries[{i}]" for i in range(3)]
    with pytest.raises(DocumentError) as caught:  # exactly the budget: nothing more follows
        load_data("criteria", {"countries": list(range(MAX_PROBLEMS))})
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert MORE not in str(caught.value)


def test_the_reader_reports_at_most_max_problems_and_says_more_follow() -> None:
    with pytest.raises(DocumentError) as caught:
        parse("[" + "NaN, " * 500 + "1]", "x")
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == MORE


def _deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("kind", "value", "path"),
    [
        pytest.param("policy", {"grace_minutes": float("nan")}, "policy.grace_minutes", id="nan"),
        pytest.param("policy", {1: 2}, "policy[1]", id="a-key-not-a-string"),
        pytest.param("policy", {"grace_minutes": b"10"}, "policy.grace_minutes", id="bytes"),
        pytest.param("appointment", _deep_list(100_000), "appointment", id="deep"),
        pytest.param("contract", {"id": "\ud800"}, "contract.agency", id="lone-surrogate"),
        pytest.param(
            "money",
            {"amount": 10**5000, "currency": "EUR"},
            "money.amount",
            id="huge-int",
        ),
    ],
)
def test_load_data_of_hostile_values_raises_document_error(
    kind: str, value: object, path: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        load_data(kind, value)
    assert time.perf_counter() - started < TIMEOUT / 2
    assert path in [p.path for p in caught.value.problems]
    assert all(p.line is None for p in caught.value.problems)


# -- the reader itself: its bounds exactly, and what it finds where --------------------------

_SCALARS = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.text(max_size=8)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


class TestReader:
    @given(value=_VALUES, indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans())
    def test_reads_what_json_reads_within_its_bounds(
        self, value: object, indent: int | None, ascii_only: bool
    ) -> None:
        text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
        assert parse(text, "x") == value

    @given(value=_VALUES, ascii_only=st.booleans())
    def test_locates_every_key_on_its_line(self, value: object, ascii_only: bool) -> None:
        keyed: list[tuple[str, str]] = []  # (problem path, key) in document order

        def unique(value: object, path: str) -> object:
            """``value`` with every key made unique by a prefix, its paths noted."""
            if isinstance(value, dict):
                renamed = {}
                for key, item in value.items():
                    new = f"k{len(keyed)} {key}"
                    keyed.append((join(path, key_part(new)), new))
                    renamed[new] = unique(item, keyed[-1][0])
                return renamed
            if isinstance(value, list):
                return [unique(item, f"{path}[{i}]") for i, item in enumerate(value)]
            return value

        text = json.dumps(unique(value, "x"), indent=2, ensure_ascii=ascii_only)
        problems = [Problem(path, "wrong") for path, _ in keyed]
        located = locate(text, "x", problems, envelope=False)
        for problem, (_, key) in zip(located, keyed, strict=True):
            assert problem.line == line_of(text, json.dumps(key, ensure_ascii=ascii_only) + ":")

    @given(
        items=st.lists(
            _SCALARS | st.sampled_from([",", "a, b", 'say "hi", ok']), min_size=1, max_size=300
        ),
        data=st.data(),
    )
    def test_locates_every_list_item_on_its_line(self, items: list[object], data: Any) -> None:
        """Runs of plain items are stepped over, yet a wanted item's line is exact."""
        separators = st.sampled_from([",", ", ", ",\n", " ,\n  "])
        text = "["
        starts = []
        for i, item in enumerate(items):
            if i:
                text += data.draw(separators)
            starts.append(text.count("\n") + 1)
            text += json.dumps(item)
        text += "]"
        wanted = data.draw(st.sets(st.integers(0, len(items) - 1), max_size=5))
        problems = [Problem(f"x[{i}]", "wrong") for i in sorted(wanted)]
        located = locate(text, "x", problems, envelope=False)
        assert [p.line for p in located] == [starts[i] for i in sorted(wanted)]

    def test_a_comma_in_a_string_is_not_an_item_of_a_run(self) -> None:
        text = '["a, b",' + ",\n".join(["1"] * 70) + "]"  # item k on line k (k >= 1)
        located = locate(text, "x", [Problem("x[66]", "wrong")], envelope=False)
        assert located[0].line == 66

    def test_locates_list_items_and_falls_back_to_the_nearest_field(self) -> None:
        text = '{\n "a": [\n  1,\n  {"b": 2}\n ],\n "c": {\n  "d": 3\n }\n}'
        paths = ["x.a[0]", "x.a[1].b", "x.a[1].missing", "x.c.e", "x", "x.zz"]
        found = locate(text, "x", [Problem(p, "m") for p in paths], envelope=False)
        assert [p.line for p in found] == [3, 4, 4, 6, 1, 1]

    def test_locates_in_an_envelope(self) -> None:
        text = '{"schema": "ppa_core/x",\n "version": 1,\n "data": {\n  "a": 1}}'
        paths = ["version", "x.a", "x", "document"]
        found = locate(text, "x", [Problem(p, "m") for p in paths], envelope=True)
        assert [p.line for p in found] == [2, 4, 3, 1]

    @pytest.mark.parametrize(("depth", "refused"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
    def test_nesting_is_read_to_its_bound(self, depth: int, refused: bool) -> None:
        text = "[" * depth + "]" * depth
        if not refused:
            assert parse(text, "x") is not None
            return
        with pytest.raises(DocumentError) as caught:
            parse(text, "x")
        assert caught.value.problems[0].message.startswith(f"nested deeper than {MAX_DEPTH}")

    def test_brackets_in_strings_do_not_nest(self) -> None:
        text = json.dumps(["[" * 100, {'k\\"[': "{" * 100}])
        assert parse(text, "x") == json.loads(text)

    @pytest.mark.parametrize(
        "literal", ["9" * MAX_NUMBER_CHARS, "-0." + "1" * (MAX_NUMBER_CHARS - 3)]
    )
    def test_a_number_literal_is_read_to_its_bound(self, literal: str) -> None:
        assert parse(f"[{literal}]", "x") == [json.loads(literal)]
        with pytest.raises(DocumentError) as caught:
            parse(f"[{literal}1]", "x")
        assert caught.value.problems == (
            Problem(
                "x[0]", f"a literal of {MAX_NUMBER_CHARS + 1} characters (at most 100)", line=1
            ),
        )

    def test_a_document_is_read_to_its_bound(self) -> None:
        text = '"' + "é" * ((MAX_DOCUMENT_BYTES - 2) // 2) + '"'
        assert len(text.encode()) == MAX_DOCUMENT_BYTES
        assert parse(text, "x") == text[1:-1]
        with pytest.raises(DocumentError, match="longer than 16 MiB"):
            parse(text + " ", "x")

    def test_every_bounded_problem_of_a_text_is_reported(self) -> None:
        text = '{"a": NaN,\n "b": [Infinity, -Infinity],\n "a": 1' + "0" * 100 + "}"
        with pytest.raises(DocumentError) as caught:
            parse(text, "x")
        assert [(p.path, p.line) for p in caught.value.problems] == [
            ("x.a", 1),
            ("x.b[0]", 2),
            ("x.b[1]", 2),
            ("x.a", 3),  # given twice
            ("x.a", 3),  # and too long
        ]

    @pytest.mark.parametrize(
        ("count", "text"),
        [(300, "300 bytes"), (2**10, "1 KiB"), (16 * 2**20, "16 MiB"), (2**30, "1 GiB")],
    )
    def test_sizes_read_as_a_person_writes_them(self, count: int, text: str) -> None:
        assert size_text(count) == text

    def test_a_problem_read_from_text_shows_its_line(self) -> None:
        assert str(Problem("x.a", "wrong", line=3)) == "line 3: x.a: wrong"
        assert str(Problem("x.a", "wrong")) == "x.a: wrong"
