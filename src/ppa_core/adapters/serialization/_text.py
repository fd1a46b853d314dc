"""JSON text in, within bounds: size, nesting depth, number length; every problem with its line.

:func:`parse` reads a document with :func:`json.loads` and cheap hooks that only
notice what is refused (a number literal too long, ``NaN``/``Infinity``, a key
given twice); the standard library then never converts a 5,000-digit integer
or recurses 100,000 levels deep. Only when something is wrong does a small
scanner (:func:`_scan`) walk the text once more to say where: the line and the
path of each offending key or value. The same scanner maps the paths of a
failed load's problems to the lines of the fields they name (:func:`locate`).

Paths are those of :class:`~ppa_core.exceptions.Problem`: a bare document's
paths start at its kind (``contract.terms.cap``); in an envelope the data's
paths do, and the envelope's own keys are named as they are (``version``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from ppa_core.adapters.serialization._problems import key_part
from ppa_core.exceptions import DocumentError, Problem

MAX_DOCUMENT_BYTES: Final = 16 * 2**20
"""The largest document read (16 MiB of UTF-8): a contract is a few KiB, an invoice of
a month's thousands of lines a few MiB; parsed, a document takes about ten times its size."""

MAX_DEPTH: Final = 64
"""The deepest nesting of objects and lists read: documents nest about 8 levels."""

MAX_NUMBER_CHARS: Final = 100
"""The longest number literal read: whole numbers in documents have a few digits, and
amounts are strings; a longer literal is refused before anything converts it."""

_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})
# A string (one line: JSON forbids raw line breaks in strings), a structural character, a
# line break, or a bare word (a number or a literal). Anything else is skipped: the scanner
# runs on text json has refused too, and only needs to be right where json agrees.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:\n]|[^\s"{}\[\],:]+')


@attrs.frozen
class _Found:
    """A problem the scanner found, at a raw path (``data.terms.cap``, ``[3]``)."""

    raw: str
    line: int
    message: str


def _child(raw: str, part: str) -> str:
    if part.startswith("[") or not raw:
        return f"{raw}{part}"
    return f"{raw}.{part}"


class _Frame:
    """An open object or list: the raw path of the container and of its current member."""

    __slots__ = ("expecting_key", "index", "is_object", "keys", "member", "raw")

    def __init__(self, raw: str, *, is_object: bool) -> None:
        self.raw = raw
        self.is_object = is_object
        self.expecting_key = is_object
        self.index = 0
        self.member = raw if is_object else f"{raw}[0]"
        self.keys: set[str] = set()


def _key(lexeme: str) -> str:
    try:
        key = json.loads(lexeme)
    except ValueError:  # a lone surrogate escape or another oddity: the text as written
        return lexeme[1:-1]
    return key if isinstance(key, str) else lexeme[1:-1]


def _scan(text: str, first_line: int = 1) -> Iterator[tuple[str, int, str | None]]:
    """``(raw path, line, problem or None)`` for every key and list item of ``text``, in order.

    Stops after a problem of nesting (deeper than :data:`MAX_DEPTH`): nothing inside
    can be read. Runs in time linear in the text and in memory bounded by the depth.
    """
    stack: list[_Frame] = []
    line = first_line
    for match in _TOKEN.finditer(text):
        lexeme = match[0]
        if lexeme == "\n":
            line += 1
            continue
        top = stack[-1] if stack else None
        if lexeme in ",:":
            if top is not None and lexeme == "," and not top.is_object:
                top.index += 1
                top.member = f"{top.raw}[{top.index}]"
            elif top is not None and top.is_object:
                top.expecting_key = lexeme == ","
            continue
        if lexeme in "}]":
            if stack:
                stack.pop()
            continue
        if top is not None and top.is_object and top.expecting_key and lexeme.startswith('"'):
            key = _key(lexeme)
            top.member = _child(top.raw, key_part(key))
            duplicate = key in top.keys
            top.keys.add(key)
            yield top.member, line, (f"the key {key!r} is given twice" if duplicate else None)
            continue
        # A value: where it starts is where a list item is.
        where = top.member if top is not None else ""
        if top is not None and not top.is_object:
            yield where, line, None
        if lexeme in "{[":
            if len(stack) >= MAX_DEPTH:
                yield where, line, f"nested deeper than {MAX_DEPTH} levels of objects and lists"
                return
            stack.append(_Frame(where, is_object=lexeme == "{"))
        elif lexeme in _CONSTANTS:
            yield where, line, f"{lexeme} is not a number JSON allows"
        elif not lexeme.startswith('"') and len(lexeme) > MAX_NUMBER_CHARS:
            yield (
                where,
                line,
                (f"a literal of {len(lexeme)} characters (at most {MAX_NUMBER_CHARS})"),
            )


def _problems(text: str, first_line: int) -> list[_Found]:
    return [_Found(raw, line, message) for raw, line, message in _scan(text, first_line) if message]


def _is_envelope(text: str) -> bool:
    """Whether the top-level object of ``text`` has a ``schema`` key (a dumped document)."""
    return any(raw == "schema" for raw, _, _ in _scan(text))


def _named(raw: str, kind: str, *, envelope: bool) -> str:
    """The problem path of a raw path."""
    if envelope:
        if raw == "data" or raw.startswith(("data.", "data[")):
            return kind + raw[4:]
        return f"document{raw}" if not raw or raw.startswith("[") else raw
    return kind + ("." + raw if raw and not raw.startswith("[") else raw)


def _raw(path: str, kind: str, *, envelope: bool) -> str | None:
    """The raw path a problem path names, or None when it names none (the document)."""
    if path == kind or path.startswith((f"{kind}.", f"{kind}[")):
        rest = path[len(kind) :]
        if envelope:
            return "data" + rest
        return rest.removeprefix(".")
    if envelope and not path.startswith("document"):
        return path
    if path.startswith("document["):
        return path.removeprefix("document")
    return None


def _parents(raw: str) -> Iterator[str]:
    """``raw`` and each path that holds it, nearest first (``a.b[2]``, ``a.b``, ``a``)."""
    while raw:
        yield raw
        cut = max(raw.rfind("."), raw.rfind("["))
        raw = raw[: max(cut, 0)]


def locate(
    text: str, kind: str, problems: Iterable[Problem], *, envelope: bool, first_line: int = 1
) -> list[Problem]:
    """``problems`` with the line of the field each names (or of the nearest field holding it).

    A problem naming no field in the text (the document as a whole, a missing field of
    the top-level object) gets the line where the document starts.

    Args:
        text: the JSON text the problems were found in.
        kind: the kind the paths start at (``contract``).
        problems: problems from a load of the parsed text.
        envelope: whether the text is a dumped document (``schema``, ``version``, ``data``).
        first_line: the number of the text's first line in its file (default 1).
    """
    problems = list(problems)
    wanted = {}
    for problem in problems:
        raw = _raw(problem.path, kind, envelope=envelope)
        wanted[problem.path] = list(_parents(raw)) if raw else []
    needed = {raw for parents in wanted.values() for raw in parents}
    lines: dict[str, int] = {}
    if needed:
        for raw, line, _ in _scan(text, first_line):
            if raw in needed and raw not in lines:
                lines[raw] = line
    start = _first_line(text, first_line)
    return [
        attrs.evolve(p, line=next((lines[raw] for raw in wanted[p.path] if raw in lines), start))
        for p in problems
    ]


def _first_line(text: str, first_line: int) -> int:
    stripped = text.lstrip()
    return first_line + text[: len(text) - len(stripped)].count("\n")


def _named_problems(
    found: list[_Found], kind: str, text: str, envelope: bool | None
) -> list[Problem]:
    if envelope is None:
        envelope = _is_envelope(text)
    return [Problem(_named(f.raw, kind, envelope=envelope), f.message, line=f.line) for f in found]


class _Checks:
    """json.loads hooks that note what is refused and let parsing go on cheaply."""

    def __init__(self) -> None:
        self.refused = False

    def number(self, literal: str, convert: type[Any]) -> Any:
        if len(literal) > MAX_NUMBER_CHARS:
            self.refused = True
            return 0
        return convert(literal)

    def integer(self, literal: str) -> Any:
        return self.number(literal, int)

    def real(self, literal: str) -> Any:
        return self.number(literal, float)

    def constant(self, literal: str) -> None:
        self.refused = True

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) != len(pairs):
            self.refused = True
        return value


def decode(
    data: bytes, *, first_line: int = 1, root: str = "document", max_bytes: int | None = None
) -> str:
    """UTF-8 bytes as text; a leading byte order mark is dropped.

    Args:
        data: the bytes.
        first_line: the number of their first line in their file (default 1).
        root: the path of problems (default ``document``).
        max_bytes: the most bytes decoded (default: no bound).

    Raises:
        DocumentError: more than ``max_bytes``, or not UTF-8 (the line of the first bad
            byte, its column counted in bytes from 1).
    """
    if max_bytes is not None and len(data) > max_bytes:
        message = f"longer than {size_text(max_bytes)}; a longer document is not read"
        raise DocumentError([Problem(root, message, line=first_line)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.end].hex(" ")
        message = f"not UTF-8 text ({exc.reason}: byte {bad} at column {column})"
        raise DocumentError([Problem(root, message, line=line)]) from None


def parse(
    text: str,
    kind: str,
    *,
    envelope: bool | None = None,
    root: str | None = None,
    first_line: int = 1,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Any:
    """The JSON value of ``text``, read within the bounds of this module.

    Args:
        text: the JSON text (a document or bare data).
        kind: the kind paths start at (``contract``).
        envelope: whether the text is a dumped document (``schema``, ``version``,
            ``data``); None (the default): when its top-level object has a ``schema``.
        root: the path of problems with the text as a whole (default ``kind``).
        first_line: the number of the text's first line in its file (default 1).
        max_bytes: the most UTF-8 bytes read (default :data:`MAX_DOCUMENT_BYTES`).

    Raises:
        DocumentError: the text is too long, not JSON, nested deeper than
            :data:`MAX_DEPTH`, or holds a number literal longer than
            :data:`MAX_NUMBER_CHARS`, ``NaN``/``Infinity`` or a key given twice in an
            object: every such problem with its line and path.
    """
    root = root or kind
    # Counting is cheap; the exact size only when it could matter (4 bytes a character).
    if len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        message = f"longer than {size_text(max_bytes)}; a longer document is not read"
        raise DocumentError([Problem(root, message, line=first_line)])
    text = text.removeprefix("\ufeff")
    if text.count("[") + text.count("{") > MAX_DEPTH:
        deep = [f for f in _problems(text, first_line) if f.message.startswith("nested")]
        if deep:
            raise DocumentError(_named_problems(deep, kind, text, envelope))
    checks = _Checks()
    try:
        value = json.loads(
            text,
            parse_int=checks.integer,
            parse_float=checks.real,
            parse_constant=checks.constant,
            object_pairs_hook=checks.pairs,
        )
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        not_json = Problem(root, f"not JSON: {exc.msg} (column {exc.colno})", line=line)
        found = _problems(text, first_line) if checks.refused else []
        raise DocumentError([not_json, *_named_problems(found, kind, text, envelope)]) from None
    except RecursionError:  # pragma: no cover - the depth is checked first
        message = f"nested deeper than {MAX_DEPTH} levels of objects and lists"
        raise DocumentError([Problem(root, message, line=first_line)]) from None
    if checks.refused:
        found = _problems(text, first_line)
        if found:
            raise DocumentError(_named_problems(found, kind, text, envelope))
        raise DocumentError([Problem(root, "refused by the reader's bounds", line=first_line)])
    return value


def size_text(count: int) -> str:
    """A byte count as a person reads it: ``16 MiB``, ``1 KiB``, ``300 bytes``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"
