"""Reading a webhook body (private): typed look-ups that name the JSON path on failure.

Every parser reads through a :class:`_Body`, so a missing field, a wrong type or
a timestamp in an unknown format raises :class:`~ppa_core.exceptions.EventPayloadError`
naming the tool, the event kind and the path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pendulum

from ppa_core.exceptions import EventPayloadError

_MISSING = object()
_TIMESTAMP = (
    "an ISO 8601 datetime with a UTC offset or 'Z' ('2026-03-02T10:00:00Z'), "
    "or epoch seconds/milliseconds"
)


def body_key(provider: str, body: Mapping[str, Any]) -> str:
    """An idempotency key from the body itself: a redelivery has the same bytes of fact."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return f"{provider}:sha256:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


class _Body:
    __slots__ = ("body", "kind", "provider")

    def __init__(self, provider: str, body: Any, kind_path: str) -> None:
        self.provider = provider
        self.kind: str | None = None
        if not isinstance(body, Mapping):
            raise EventPayloadError(provider, None, "$", body, "a JSON object (a dict)")
        self.body = body
        self.kind = self.text(kind_path)

    def fail(self, path: str, value: Any, allowed: str) -> EventPayloadError:
        return EventPayloadError(self.provider, self.kind, path, value, allowed)

    def get(self, path: str, default: Any = _MISSING) -> Any:
        node: Any = self.body
        walked: list[str] = []
        for part in path.split("."):
            if isinstance(node, list) and part.isdigit():
                index = int(part)
                node = node[index] if index < len(node) else _MISSING
            elif isinstance(node, Mapping):
                node = node.get(part, _MISSING)
            elif node is None and default is not _MISSING:
                return default
            else:
                raise self.fail(".".join(walked) or "$", node, "a JSON object")
            walked.append(part)
            if node is _MISSING:
                if default is _MISSING:
                    raise self.fail(path, None, "present (it is missing)")
                return default
        if node is None and default is not _MISSING:
            return default
        return node

    def text(self, path: str) -> str:
        value = self.get(path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, value, "a non-empty string")
        return value

    def optional_text(self, path: str) -> str | None:
        value = self.get(path, None)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.fail(path, value, "a string")
        return value

    def ident(self, path: str) -> str:
        """An id a tool sends as a number in some payloads and a string in others."""
        value = self.get(path)
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            raise self.fail(path, value, "an id (a string or an integer)")
        return str(value)

    def flag(self, path: str, default: bool | None = None) -> bool:
        value = self.get(path, default) if default is not None else self.get(path)
        if not isinstance(value, bool):
            raise self.fail(path, value, "true or false")
        return value

    def items(self, path: str) -> list[Any]:
        value = self.get(path)
        if not isinstance(value, list):
            raise self.fail(path, value, "a JSON array")
        return value

    def time(self, path: str) -> pendulum.DateTime:
        return self.parse_time(path, self.get(path))

    def optional_time(self, path: str) -> pendulum.DateTime | None:
        value = self.get(path, None)
        return None if value is None or value == "" else self.parse_time(path, value)

    def parse_time(self, path: str, value: Any) -> pendulum.DateTime:
        if isinstance(value, bool):
            raise self.fail(path, value, _TIMESTAMP)
        if isinstance(value, int | float):
            # Zoom's event_ts is in milliseconds; 1e11 s is the year 5138.
            seconds = value / 1000 if abs(value) >= 1e11 else value
            return pendulum.from_timestamp(seconds, tz="UTC")
        if isinstance(value, str):
            text = value.strip()
            try:
                parsed = pendulum.parse(text, exact=True, tz=None)
            except (ValueError, pendulum.parsing.exceptions.ParserError):
                parsed = None
            if isinstance(parsed, pendulum.DateTime) and parsed.tzinfo is not None:
                return parsed
        raise self.fail(path, value, _TIMESTAMP)
