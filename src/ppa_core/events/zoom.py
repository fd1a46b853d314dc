"""Zoom webhooks -> scheduling events.

Reads the body Zoom posts (``{"event", "event_ts", "payload": {"object": ...}}``)
for ``meeting.started``, ``meeting.ended``, ``meeting.participant_joined`` and
``meeting.participant_left``. The booking reference is the meeting id
(``"zoom:<id>"``): the caller's identity lookup says which appointment it is.

Quirks this parser knows:

- The meeting ``id`` is an integer in some payloads and a string in others: both
  give the same reference.
- A participant's ``user_id`` may differ between join and leave: joins and
  leaves are paired by ``participant_uuid`` (else the participant ``id``, else
  ``user_id``).
- ``event_ts`` is in epoch milliseconds; the participant's ``join_time`` and
  ``leave_time`` and the meeting's ``start_time``/``end_time`` are ISO 8601 and
  say when it happened, so they are preferred.

Sources: https://developers.zoom.us/docs/api/meetings/events/ (the
``meeting.*`` events) and Zoom's typed events in zoom/rivet-javascript
(``MeetingParticipantJoinedEvent``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ppa_core.events._payload import _Body, body_key
from ppa_core.events.event import EventKind, Participant, Provider, SchedulingEvent

__all__ = ["KINDS", "parse"]

_KINDS = {
    "meeting.started": (EventKind.MEETING_STARTED, "payload.object.start_time"),
    "meeting.ended": (EventKind.MEETING_ENDED, "payload.object.end_time"),
    "meeting.participant_joined": (
        EventKind.PARTICIPANT_JOINED,
        "payload.object.participant.join_time",
    ),
    "meeting.participant_left": (
        EventKind.PARTICIPANT_LEFT,
        "payload.object.participant.leave_time",
    ),
}
KINDS = tuple(_KINDS)
"""The Zoom events this parser reads."""


def parse(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> SchedulingEvent:
    """One Zoom webhook body as a :class:`~ppa_core.events.event.SchedulingEvent`.

    Args:
        body: the decoded JSON body.
        headers: the request headers (unused: the body's fields identify the delivery).

    Raises:
        EventPayloadError: an unknown event, a missing field, a wrong type or an
            unreadable timestamp, naming ``zoom``, the event and the JSON path.
    """
    b = _Body(Provider.ZOOM, body, "event")
    kind = b.kind or ""
    if kind not in _KINDS:
        raise b.fail("event", kind, f"one of {KINDS}")
    event_kind, when = _KINDS[kind]
    occurred = b.optional_time(when)
    if occurred is None:
        occurred = b.time("event_ts")
    participant = None
    if event_kind in (EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT):
        p = "payload.object.participant"
        key = (
            b.optional_text(f"{p}.participant_uuid")
            or b.optional_text(f"{p}.id")
            or b.ident(f"{p}.user_id")
        )
        participant = Participant(
            key,
            email=b.optional_text(f"{p}.email"),
            name=b.optional_text(f"{p}.user_name"),
        )
    return SchedulingEvent(
        provider=Provider.ZOOM,
        kind=event_kind,
        source_kind=kind,
        key=body_key(Provider.ZOOM, body),
        occurred_at=occurred,
        booking=f"zoom:{b.ident('payload.object.id')}",
        start=b.optional_time("payload.object.start_time"),
        end=b.optional_time("payload.object.end_time"),
        participant=participant,
    )
