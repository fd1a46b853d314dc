"""Cal.com webhooks -> scheduling events.

Reads the body Cal.com posts (``{"triggerEvent", "createdAt", "payload"}``) for
BOOKING_REQUESTED, BOOKING_CREATED, BOOKING_RESCHEDULED, BOOKING_CANCELLED,
BOOKING_REJECTED, BOOKING_NO_SHOW_UPDATED (marked and unmarked),
AFTER_HOSTS_CAL_VIDEO_NO_SHOW, AFTER_GUESTS_CAL_VIDEO_NO_SHOW, MEETING_STARTED
and MEETING_ENDED. The booking reference is the booking's ``uid``.

Quirks this parser knows:

- MEETING_STARTED and MEETING_ENDED fire on the schedule, not on attendance:
  the events are marked ``on_schedule`` and say nothing about who attended.
- BOOKING_RESCHEDULED carries the new booking's ``uid`` and the old one's in
  ``rescheduleUid``.
- BOOKING_CANCELLED names the canceller by email in ``cancelledBy`` (the
  organizer's: the client's rep; an attendee's: the prospect); without it the
  actor is unknown (None).
- The no-show events carry ``bookingUid``, not ``uid``.
- BOOKING_NO_SHOW_UPDATED lists only the attendees the update changed, each
  with its new ``noShow`` flag (several at once, some marked and some not);
  their emails go to ``marked``/``unmarked`` and the caller's identity says
  which one is the prospect. Marking the host absent sends no webhook.

Sources: https://cal.com/docs/developing/guides/automation/webhooks and the
payload types of calcom/cal.com (``BookingNoShowDTO``; ``sendWebhookPayload`` of
the Cal Video no-show task; ``packages/features/handleMarkNoShow.ts``, which
sends BOOKING_NO_SHOW_UPDATED).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ppa_core.domain.lifecycle import Actor
from ppa_core.events._payload import _Body, body_key
from ppa_core.events.event import EventKind, Provider, SchedulingEvent

__all__ = ["KINDS", "parse"]

_BOOKING = {
    "BOOKING_REQUESTED": EventKind.REQUESTED,
    "BOOKING_CREATED": EventKind.BOOKED,
    "BOOKING_RESCHEDULED": EventKind.RESCHEDULED,
    "BOOKING_CANCELLED": EventKind.CANCELLED,
    "BOOKING_REJECTED": EventKind.REJECTED,
    "MEETING_STARTED": EventKind.MEETING_STARTED,
    "MEETING_ENDED": EventKind.MEETING_ENDED,
}
_CAL_VIDEO_NO_SHOW = {
    "AFTER_HOSTS_CAL_VIDEO_NO_SHOW": Actor.CLIENT,
    "AFTER_GUESTS_CAL_VIDEO_NO_SHOW": Actor.PROSPECT,
}
KINDS = (*_BOOKING, "BOOKING_NO_SHOW_UPDATED", *_CAL_VIDEO_NO_SHOW)
"""The Cal.com trigger events this parser reads."""


def _ref(uid: str) -> str:
    return f"calcom:{uid}"


def parse(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> SchedulingEvent:
    """One Cal.com webhook body as a :class:`~ppa_core.events.event.SchedulingEvent`.

    Args:
        body: the decoded JSON body.
        headers: the request headers (unused: Cal.com puts no delivery id there).

    Raises:
        EventPayloadError: an unknown trigger, a missing field, a wrong type or an
            unreadable timestamp, naming ``calcom``, the trigger and the JSON path.
    """
    b = _Body(Provider.CALCOM, body, "triggerEvent")
    kind = b.kind or ""
    if kind not in KINDS:
        raise b.fail("triggerEvent", kind, f"one of {KINDS}")
    common: dict[str, Any] = {
        "provider": Provider.CALCOM,
        "source_kind": kind,
        "key": body_key(Provider.CALCOM, body),
        "occurred_at": b.time("createdAt"),
    }
    if kind == "BOOKING_NO_SHOW_UPDATED":
        # Only the attendees this update changed are listed, each with its new flag.
        attendees = b.items("payload.attendees")
        flags = {
            b.text(f"payload.attendees.{i}.email"): b.flag(f"payload.attendees.{i}.noShow")
            for i in range(len(attendees))
        }
        marked = frozenset(email for email, no_show in flags.items() if no_show)
        return SchedulingEvent(
            kind=EventKind.NO_SHOW_MARKED if marked else EventKind.NO_SHOW_UNMARKED,
            booking=_ref(b.text("payload.bookingUid")),
            marked=marked,
            unmarked=frozenset(flags) - marked,
            reason=b.optional_text("payload.message"),
            **common,
        )
    if kind in _CAL_VIDEO_NO_SHOW:
        return SchedulingEvent(
            kind=EventKind.NO_SHOW_MARKED,
            booking=_ref(b.text("payload.bookingUid")),
            absent=frozenset({_CAL_VIDEO_NO_SHOW[kind]}),
            start=b.optional_time("payload.startTime"),
            reason=b.optional_text("payload.message"),
            **common,
        )
    event_kind = _BOOKING[kind]
    organizer = (b.optional_text("payload.organizer.email") or "").lower()
    facts: dict[str, Any] = {
        "booking": _ref(b.text("payload.uid")),
        "start": b.time("payload.startTime"),
        "end": b.optional_time("payload.endTime"),
        "invitee_email": b.optional_text("payload.attendees.0.email"),
        "invitee_name": b.optional_text("payload.attendees.0.name"),
    }
    if event_kind is EventKind.RESCHEDULED:
        facts["previous_booking"] = _ref(b.text("payload.rescheduleUid"))
        by = b.optional_text("payload.rescheduledBy")
        facts["actor"] = Actor.CLIENT if by and by.lower() == organizer else Actor.PROSPECT
    elif event_kind is EventKind.CANCELLED:
        by = b.optional_text("payload.cancelledBy")
        facts["actor"] = _canceller(b, by, organizer)
        facts["reason"] = b.optional_text("payload.cancellationReason")
    elif event_kind is EventKind.REJECTED:
        facts["actor"] = Actor.CLIENT
        facts["reason"] = b.optional_text("payload.rejectionReason")
    elif event_kind in (EventKind.REQUESTED, EventKind.BOOKED):
        facts["actor"] = Actor.PROSPECT
    else:
        facts["on_schedule"] = True
    return SchedulingEvent(kind=event_kind, **facts, **common)


def _canceller(b: _Body, by: str | None, organizer: str) -> Actor | None:
    if by is None:
        return None
    if by.lower() == organizer:
        return Actor.CLIENT
    attendees = b.get("payload.attendees", [])
    emails = (
        {str(a.get("email", "")).lower() for a in attendees if isinstance(a, Mapping)}
        if isinstance(attendees, list)
        else set()
    )
    return Actor.PROSPECT if by.lower() in emails else None
