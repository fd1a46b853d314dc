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

import bisect
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from ppa_core.adapters.serialization._problems import key_part
from ppa_core.adapters.serialization._values import MAX_PROBLEMS, MORE_PROBLEMS
from ppa_core.exceptions import DocumentError, Problem

MAX_DOCUMENT_BYTES: Final = 16 * 2**20
"""The largest document read (16 MiB of UTF-8): a contract is 8 KiB, a month's invoice of
200 appointments 64 KiB; parsed, a document takes up to ten times its size in memory
(thirty for a text of nothing but empty objects: 440 MB at the bound)."""

MAX_DEPTH: Final = 64
"""The deepest nesting of objects and lists read: documents nest about 8 levels."""

MAX_NUMBER_CHARS: Final = 100
"""The longest number literal read: whole numbers in documents have a few digits, and
amounts are strings; a longer literal is refused before anything converts it."""

_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})
# An escaped UTF-16 surrogate: half of a pair (fine) or alone (not text: it cannot be
# written out again as UTF-8, so the report would fail where it prints it).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
# For the depth, measured before parsing: strings go, then all but the brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: twice as fast as (a|b)*
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# A number literal long enough to be refused, perhaps inside a string, is a run of bytes
# that are each 1 once translated; found in C, ten times faster than a regular expression.
_LITERAL_BYTES = bytes(int(chr(b) in "+-.0123456789eE") for b in range(256))
_LONG_LITERAL = b"\x01" * (MAX_NUMBER_CHARS + 1)
# A string (one line: JSON forbids raw line breaks in strings), a structural character, a
# line break, or a bare word (a number or a literal). Anything else is skipped: the scanner
# runs on text json has refused too, and only needs to be right where json agrees.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:\n]|[^\s"{}\[\],:]+')
# A list item the scanner need not look at: a string without escapes, or a short bare word
# other than NaN and Infinity. Up to 64 such items, each with its comma, are one step.
_PLAIN = rf'(?:"[^"\\\n]*"|(?!NaN|-?Infinity)[^\s"{{}}\[\],:]{{1,{MAX_NUMBER_CHARS}}})'
_PLAIN_ITEM = re.compile(_PLAIN)
_PLAIN_RUN = re.compile(rf"(?:\s*{_PLAIN}\s*,){{1,64}}")


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

    __slots__ = ("awaiting_item", "expecting_key", "index", "is_object", "keys", "member", "raw")

    def __init__(self, raw: str, *, is_object: bool) -> None:
        self.raw = raw
        self.is_object = is_object
        self.expecting_key = is_object
        self.awaiting_item = not is_object
        self.index = 0
        self.member = raw if is_object else f"{raw}[0]"
        self.keys: set[str] = set()

    def member_named(self, lexeme: str) -> str:
        """The raw path of the member a key (a string literal) names; it is now current."""
        self.member = _child(self.raw, key_part(_key(lexeme)))
        return self.member


def _key_problem(top: _Frame, lexeme: str) -> str | None:
    """What is wrong with a key of ``top`` (not text, given twice), or None."""
    key = _key(lexeme)
    duplicate = key in top.keys
    top.keys.add(key)
    return _not_text(lexeme) or (f"the key {key!r} is given twice" if duplicate else None)


def _not_text(lexeme: str) -> str | None:
    """Why a string literal is not text (it holds a lone surrogate), or None."""
    if not _SURROGATE.search(lexeme):
        return None
    try:
        json.loads(lexeme).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"a string holding a lone surrogate \\u{ord(exc.object[exc.start]):04x}, not text"
    except ValueError:  # not a string literal after all: json reports it
        return None
    return None


def _key(lexeme: str) -> str:
    try:
        key = json.loads(lexeme)
    except ValueError:  # a lone surrogate escape or another oddity: the text as written
        return lexeme[1:-1]
    return key if isinstance(key, str) else lexeme[1:-1]


def _skip_plain_items(
    text: str, pos: int, top: _Frame, wanted: Mapping[str, Sequence[int]]
) -> tuple[int, int] | None:
    """``(end, line breaks)`` of the plain items of a list starting at ``pos``, if any.

    None when there are none, or when one of them is wanted (its line is to be found).
    """
    run = _PLAIN_RUN.match(text, pos)
    if run is None:
        return None
    # Each item ends with a comma; only a string can hold another.
    count = len(_PLAIN_ITEM.findall(run[0])) if '"' in run[0] else run[0].count(",")
    indices = wanted.get(top.raw)
    if indices:
        first = bisect.bisect_left(indices, top.index)
        if first < len(indices) and indices[first] < top.index + count:
            return None
    top.index += count
    top.member = f"{top.raw}[{top.index}]"
    return run.end(), run[0].count("\n")


def _scan(
    text: str, first_line: int = 1, wanted: Mapping[str, Sequence[int]] | None = None
) -> Iterator[tuple[str, int, str | None]]:
    """``(raw path, line, problem or None)`` for keys and list items of ``text``, in order.

    Plain list items (strings without escapes, short numbers, literals) are stepped over
    in runs, unless ``wanted`` (list path -> item indices, sorted) asks for their lines. Stops
    after a problem of nesting (deeper than :data:`MAX_DEPTH`): nothing inside can be
    read. Runs in time linear in the text and in memory bounded by the depth.
    """
    wanted = wanted or {}
    stack: list[_Frame] = []
    line = first_line
    pos = 0
    while True:
        top = stack[-1] if stack else None
        if top is not None and top.awaiting_item:
            skipped = _skip_plain_items(text, pos, top, wanted)
            if skipped is not None:
                pos, breaks = skipped
                line += breaks
                continue
        match = _TOKEN.search(text, pos)
        if match is None:
            return
        pos = match.end()
        lexeme = match[0]
        if lexeme == "\n":
            line += 1
            continue
        if lexeme in ",:":
            if top is not None and lexeme == "," and not top.is_object:
                top.index += 1
                top.member = f"{top.raw}[{top.index}]"
                top.awaiting_item = True
            elif top is not None and top.is_object:
                top.expecting_key = lexeme == ","
            continue
        if lexeme in "}]":
            if stack:
                stack.pop()
            continue
        if top is not None and top.is_object and top.expecting_key and lexeme.startswith('"'):
            yield top.member_named(lexeme), line, _key_problem(top, lexeme)
            continue
        # A value: where it starts is where a list item is.
        where = top.member if top is not None else ""
        if top is not None and not top.is_object:
            top.awaiting_item = False
            yield where, line, None
        if lexeme in "{[":
            if len(stack) >= MAX_DEPTH:
                yield where, line, f"nested deeper than {MAX_DEPTH} levels of objects and lists"
                return
            stack.append(_Frame(where, is_object=lexeme == "{"))
        else:
            problem = _value_problem(lexeme)
            if problem:
                yield where, line, problem


def _value_problem(lexeme: str) -> str | None:
    """What is wrong with a string or a bare word, or None."""
    if lexeme.startswith('"'):
        return _not_text(lexeme)
    if lexeme in _CONSTANTS:
        return f"{lexeme} is not a number JSON allows"
    if len(lexeme) > MAX_NUMBER_CHARS:
        return f"a literal of {len(lexeme)} characters (at most {MAX_NUMBER_CHARS})"
    return None


def _depth(text: str) -> int:
    """How deep objects and lists nest in ``text``: exactly when at most :data:`MAX_DEPTH`.

    Measured in C, without recursing: strings go, then all but the brackets; each pass
    then removes the innermost pairs, so the passes count the levels. What is left has
    no pair (unbalanced text): its open brackets nest as deep again.
    """
    bare = _STRING.sub("", text).encode("utf-8", "surrogatepass")
    brackets = bare.translate(None, _NOT_BRACKETS).replace(b"{", b"[").replace(b"}", b"]")
    passes = 0
    while b"[]" in brackets and passes <= MAX_DEPTH:
        brackets = brackets.replace(b"[]", b"")
        passes += 1
    if passes > MAX_DEPTH:
        return passes
    steps = itertools.accumulate(1 if b == ord("[") else -1 for b in brackets)
    return passes + max(itertools.chain((0,), steps))


def _problems(text: str, first_line: int) -> list[_Found]:
    """The problems the scanner finds, at most :data:`MAX_PROBLEMS` and one saying more follow."""
    found: list[_Found] = []
    for raw, line, message in _scan(text, first_line):
        if not message:
            continue
        if len(found) == MAX_PROBLEMS:
            found.append(_Found(raw, line, MORE_PROBLEMS))
            break
        found.append(_Found(raw, line, message))
    return found


def _is_envelope(text: str) -> bool:
    """Whether the top-level object of ``text`` has a ``schema`` key (a dumped document)."""
    # Most text has no such key anywhere: say so in C, without scanning it all.
    return bool(_SCHEMA_KEY.search(text)) and any(raw == "schema" for raw, _, _ in _scan(text))


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


_SCHEMA_KEY = re.compile(r'"schema"\s*:')
_ITEM = re.compile(r"(?P<list>.*)\[(?P<index>\d+)\]")


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
    items: dict[str, set[int]] = {}
    for raw in needed:
        item = _ITEM.fullmatch(raw)
        if item:
            items.setdefault(item["list"], set()).add(int(item["index"]))
    lines: dict[str, int] = {}
    if needed:
        indices = {raw: sorted(found) for raw, found in items.items()}
        for raw, line, _ in _scan(text, first_line, indices):
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
    # Before json converts anything (it would recurse, or run int() on 5,000 digits): in C,
    # text nested too deep or with a long literal (in a string, maybe); then the scanner.
    deep = text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH
    long = _LONG_LITERAL in text.encode("utf-8", "surrogatepass").translate(_LITERAL_BYTES)
    if deep or long:
        found = _problems(text, first_line)
        if found:
            raise DocumentError(_named_problems(found, kind, text, envelope))
    checks = _Checks()
    try:
        value = json.loads(text, parse_constant=checks.constant, object_pairs_hook=checks.pairs)
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        not_json = Problem(root, f"not JSON: {exc.msg} (column {exc.colno})", line=line)
        found = _problems(text, first_line) if checks.refused or _SURROGATE.search(text) else []
        raise DocumentError([not_json, *_named_problems(found, kind, text, envelope)]) from None
    except RecursionError:  # pragma: no cover - the depth is checked first
        message = f"nested deeper than {MAX_DEPTH} levels of objects and lists"
        raise DocumentError([Problem(root, message, line=first_line)]) from None
    if checks.refused or _SURROGATE.search(text):
        found = _problems(text, first_line)
        if found:
            raise DocumentError(_named_problems(found, kind, text, envelope))
    if checks.refused:  # pragma: no cover - the scanner finds what the hooks noticed
        raise DocumentError([Problem(root, "refused by the reader's bounds", line=first_line)])
    return value


def size_text(count: int) -> str:
    """A byte count as a person reads it: ``16 MiB``, ``1 KiB``, ``300 bytes``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"
