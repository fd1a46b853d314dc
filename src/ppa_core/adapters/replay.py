"""Replaying a JSON Lines file of webhook bodies into appointments (for ``ppa-core replay``).

Each line is ``{"provider": "calcom" | "calendly" | "zoom", "body": {...}}``
(optionally ``"headers"``). Every line is parsed before anything is applied: a
file with a bad line gives one problem per bad line and no appointments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ppa_core.adapters.serialization import dump_data, load_data
from ppa_core.events import Directory, Ledger, SchedulingEvent, apply_events, parse_webhook
from ppa_core.exceptions import PpaError

__all__ = ["ReplayInputError", "replay"]


class ReplayInputError(PpaError, ValueError):
    """Raised when the webhooks or prospects cannot be read; ``lines`` names each problem."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def _events(text: str, name: str) -> tuple[list[SchedulingEvent], dict[int, int]]:
    events: list[SchedulingEvent] = []
    lines: dict[int, int] = {}  # by id(event): a redelivery keeps its own line number
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            event = parse_webhook(value["provider"], value["body"], value.get("headers"))
        except json.JSONDecodeError as exc:
            bad.append(f"{name}:{number}: not JSON: {exc.msg} (column {exc.colno})")
        except (KeyError, TypeError, AttributeError):
            bad.append(f'{name}:{number}: a line is {{"provider": ..., "body": {{...}}}}')
        except PpaError as exc:
            bad.append(f"{name}:{number}: {exc}")
        else:
            events.append(event)
            lines[id(event)] = number
    if bad:
        raise ReplayInputError(bad)
    return events, lines


def replay(
    webhooks: tuple[str, str],
    prospects: tuple[str, str],
    *,
    hosts: Iterable[str] = (),
    bookings: Mapping[str, str] | None = None,
    correction_window_days: int | None = None,
) -> tuple[list[str], list[str]]:
    """The appointments (JSON Lines) and one report line per event.

    Args:
        webhooks: the webhooks file's text and the name to report it by.
        prospects: a JSON object (each invitee email -> prospect data) and its name.
        hosts: the hosts' emails.
        bookings: booking references the caller maps to appointment ids.
        correction_window_days: refuse corrections later than this after the meeting.

    Raises:
        ReplayInputError: a bad line (every one is named) or unreadable prospects.
    """
    text, name = webhooks
    try:
        raw: Any = json.loads(prospects[0])
        people = {email: load_data("prospect", data) for email, data in dict(raw).items()}
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ReplayInputError([f"{prospects[1]}: prospects: {exc}"]) from None
    events, lines = _events(text, name)
    identity = Directory(prospects=people, hosts=hosts, bookings=bookings or {})
    done = apply_events(Ledger(), events, identity, correction_window_days=correction_window_days)
    report = [
        f"{name}:{lines[id(r.event)]}: {r.event.provider} {r.event.source_kind}: {r.status}: "
        f"{r.reason} ({r.appointment_id or r.event.booking})"
        for r in done.results
    ]
    out = [json.dumps(dump_data(a), ensure_ascii=False) for a in done.appointments.values()]
    return out, report
