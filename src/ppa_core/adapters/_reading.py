"""What the command line reads: regular files or stdin, within bounds, every problem kept.

A path must name a regular file: a directory, a FIFO or a device (``/dev/zero``,
which never ends) is refused from ``os.stat`` before it is opened, and the
file is opened without blocking and checked again, so a FIFO swapped in
between cannot hang the command. ``-`` is stdin, read within the same bounds.

A document (the contract, an issued invoice) is read whole, at most
:data:`~ppa_core.adapters.serialization.MAX_DOCUMENT_BYTES`; a JSON Lines file
line by line, each line at most :data:`MAX_LINE_BYTES`, the file at most
:data:`MAX_LINES_BYTES` and :data:`MAX_FILE_PROBLEMS` problems, so memory stays
bounded whatever stdin holds. Each problem is one line of text,
``file:line: path: problem`` (``file: problem`` for a file that cannot be read
at all).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, Final

import attrs

from ppa_core.adapters.serialization import MAX_DOCUMENT_BYTES, load, load_data
from ppa_core.adapters.serialization._text import decode, locate, parse, size_text
from ppa_core.exceptions import DocumentError, Problem

MAX_LINE_BYTES: Final = 2**20
"""The longest line of a JSON Lines file read (1 MiB): an appointment takes about 1.5 KiB."""

MAX_LINES_BYTES: Final = 32 * 2**20
"""The largest JSON Lines file read (32 MiB: some 20,000 appointments as the sample writes
them, 100,000 of the smallest form). Loaded and decided, 50,000 of the smallest (16 MiB)
took 260 MB at peak, so a file this large stays near half a gigabyte."""

MAX_FILE_PROBLEMS: Final = 1000
"""The most problems reported of one JSON Lines file: past them, the rest is not read
(each problem costs time and memory to find and print; a file of 32 MiB of bad lines
would report some sixteen million)."""

STDIN = "-"
_STDIN_NAME = "<stdin>"
_CHUNK = 2**16


class BadInput(Exception):
    """Input the command cannot use: each line is printed to stderr, the exit status is 2."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def shown_name(path: str) -> str:
    """The name a file's problems start with: the path as given, ``<stdin>`` for ``-``."""
    return _STDIN_NAME if path == STDIN else path


def problem_lines(name: str, problems: Iterable[Problem], line: int | None = None) -> list[str]:
    """``file:line: path: problem`` for each problem (its own line, else ``line``)."""
    found = []
    for p in problems:
        at = p.line if p.line is not None else line
        found.append(
            f"{name}:{at}: {p.path}: {p.message}" if at else f"{name}: {p.path}: {p.message}"
        )
    return found


_KINDS_OF_FILE = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str:
    what = next((text for test, text in _KINDS_OF_FILE if test(mode)), "a special file")
    return f"{what}, not a regular file: only regular files and '-' (stdin) are read"


def _cannot(path: str, exc: OSError) -> BadInput:
    return BadInput([f"{path}: cannot read: {exc.strerror or exc}"])


def _open(path: str, max_bytes: int) -> IO[bytes]:
    """A regular file opened for reading, or BadInput saying why not."""
    try:
        # Never open what is not a regular file: opening a FIFO blocks, a device may act.
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise _cannot(path, exc if isinstance(exc, OSError) else OSError(str(exc))) from None
    if not stat.S_ISREG(mode):
        raise BadInput([f"{path}: {_not_regular(mode)}"])
    try:
        # O_NONBLOCK: should a FIFO replace the file after the check, opening it won't hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _cannot(path, exc) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise BadInput([f"{path}: {_not_regular(info.st_mode)}"])
    if info.st_size > max_bytes:
        os.close(fd)
        raise BadInput(
            [f"{path}: {size_text(info.st_size)} is larger than {size_text(max_bytes)}: not read"]
        )
    return os.fdopen(fd, "rb")


def _stdin() -> IO[Any]:
    # Tests hand in a text stream without a buffer; a real stdin is read as bytes.
    return getattr(sys.stdin, "buffer", sys.stdin)


def _as_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk


def read_text(path: str, max_bytes: int = MAX_LINES_BYTES) -> tuple[str, str]:
    """The UTF-8 text of ``path`` (``-``: stdin), at most ``max_bytes``, and its shown name.

    Raises:
        BadInput: the file cannot be read, is larger than ``max_bytes`` or not UTF-8.
    """
    name = shown_name(path)
    stream = _stdin() if path == STDIN else _open(path, max_bytes)
    try:
        data = _as_bytes(stream.read(max_bytes + 1))
    except OSError as exc:
        raise _cannot(name, exc) from None
    finally:
        if path != STDIN:
            stream.close()
    if len(data) > max_bytes:
        raise BadInput([f"{name}: larger than {size_text(max_bytes)}: not read"])
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as exc:
        raise BadInput([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None


def read_document(path: str, kind: str) -> Any:
    """The object of ``kind`` in the document at ``path`` (a dumped document or bare data).

    Raises:
        BadInput: the file cannot be read, is beyond the bounds, or the document is not a
            valid ``kind``: every problem, each on the line of the field it names.
    """
    name = shown_name(path)
    stream = _stdin() if path == STDIN else _open(path, MAX_DOCUMENT_BYTES)
    try:
        data = _as_bytes(stream.read(MAX_DOCUMENT_BYTES + 1))
    except OSError as exc:
        raise _cannot(name, exc) from None
    finally:
        if path != STDIN:
            stream.close()
    try:
        text = decode(data, root=kind, max_bytes=MAX_DOCUMENT_BYTES)
        value = parse(text, kind)
    except DocumentError as exc:
        raise BadInput(problem_lines(name, exc.problems)) from None
    envelope = isinstance(value, dict) and "schema" in value
    try:
        return load(kind, value) if envelope else load_data(kind, value)
    except DocumentError as exc:
        found = locate(text, kind, exc.problems, envelope=envelope)
        raise BadInput(problem_lines(name, found)) from None


@attrs.frozen
class Record:
    """One line of a JSON Lines file: the object it holds, or the problems that stop it.

    Attributes:
        line: the line's number, from 1.
        value: the object, or None when there are problems.
        problems: the problems, each as a line of text (``file:line: path: problem``).
        ends_file: whether the problem is that the file's bound was reached: the lines
            after this one were not read.
    """

    line: int
    value: Any
    problems: tuple[str, ...] = ()
    ends_file: bool = False


def _lines(stream: IO[Any], name: str) -> Iterator[tuple[int, bytes | None] | str]:
    """``(number, line)`` for each line (None when too long), or a problem ending the file."""
    total = number = 0
    while True:
        line = _as_bytes(stream.readline(MAX_LINE_BYTES + 1))
        if not line:
            return
        number += 1
        total += len(line)
        long = len(line) > MAX_LINE_BYTES
        while long and not line.endswith(b"\n") and total <= MAX_LINES_BYTES:
            # Skip the rest of a long line in chunks: memory stays bounded, and the
            # file's bound ends an endless one (stdin from /dev/zero).
            line = _as_bytes(stream.readline(_CHUNK))
            if not line:
                break
            total += len(line)
        if total > MAX_LINES_BYTES:
            if long:
                yield number, None
            bound = size_text(MAX_LINES_BYTES)
            yield f"{name}:{number}: larger than {bound}: the rest was not read"
            return
        yield number, None if long else line


def read_records(path: str, kind: str) -> list[Record]:
    """Every line of the JSON Lines file at ``path``, each an object of ``kind`` or problems.

    Blank lines are skipped. Each line is bare data or a dumped document of ``kind``.

    Raises:
        BadInput: the file cannot be read at all (missing, not a regular file, too large).
    """
    name = shown_name(path)
    stream = _stdin() if path == STDIN else _open(path, MAX_LINES_BYTES)
    records: list[Record] = []
    count = 0
    try:
        for item in _lines(stream, name):
            if isinstance(item, str):
                records.append(Record(0, None, (item,), ends_file=True))
                break
            number, line = item
            if count >= MAX_FILE_PROBLEMS:  # and a line follows
                stop = f"{name}:{number}: {count} problems before this line: the rest was not read"
                records.append(Record(number, None, (stop,), ends_file=True))
                break
            records.append(_record(name, kind, number, line))
            count += len(records[-1].problems)
    except OSError as exc:
        raise _cannot(name, exc) from None
    finally:
        if path != STDIN:
            stream.close()
    return [r for r in records if r.value is not None or r.problems]


def _record(name: str, kind: str, number: int, line: bytes | None) -> Record:
    if line is None:
        message = f"longer than {size_text(MAX_LINE_BYTES)}: the line is not read"
        return Record(number, None, (f"{name}:{number}: {kind}: {message}",))
    try:
        # Without its line break: json would place a problem at the end on the next line.
        text = decode(line, first_line=number, root=kind).removesuffix("\n").removesuffix("\r")
        if not text.strip():
            return Record(number, None)
        value = parse(text, kind, first_line=number, max_bytes=MAX_LINE_BYTES)
        envelope = isinstance(value, dict) and "schema" in value
        loaded = load(kind, value) if envelope else load_data(kind, value)
    except DocumentError as exc:
        return Record(number, None, tuple(problem_lines(name, exc.problems, number)))
    return Record(number, loaded)
