"""Calendly webhooks -> scheduling events.

Reads the webhook body Calendly posts (``{"event", "created_at", "payload"}``,
the payload being the invitee) for ``invitee.created``, ``invitee.canceled``,
``invitee_no_show.created`` and ``invitee_no_show.deleted``. The booking
reference is the invitee's URI.

Quirks this parser knows:

- Calendly never reports that a meeting was held: a Calendly-only appointment
  stays scheduled until another source (a video tool, the back end) says so.
- A reschedule is a cancel plus a create: ``invitee.canceled`` with
  ``rescheduled: true`` and the ``new_invitee`` URI, and ``invitee.created``
  with the ``old_invitee`` URI. The create carries the move
  (:attr:`~ppa_core.events.event.EventKind.RESCHEDULED`); the cancel half is
  :attr:`~ppa_core.events.event.EventKind.RESCHEDULE_CANCELLED`.
- ``cancellation.canceler_type`` is ``host`` (the client's rep) or ``invitee``
  (the prospect); when it is absent the actor is unknown (None).

Source: https://developer.calendly.com/docs/api-guides/see-how-webhook-payloads-change-when-invitees-reschedule-events
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ppa_core.domain.lifecycle import Actor
from ppa_core.events._payload import _Body, body_key
from ppa_core.events.event import EventKind, Provider, SchedulingEvent

__all__ = ["KINDS", "parse"]

KINDS = (
    "invitee.created",
    "invitee.canceled",
    "invitee_no_show.created",
    "invitee_no_show.deleted",
)
"""The Calendly events this parser reads."""

_CANCELLER = {"host": Actor.CLIENT, "invitee": Actor.PROSPECT}


def _ref(uri: str) -> str:
    return f"calendly:{uri}"


def parse(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> SchedulingEvent:
    """One Calendly webhook body as a :class:`~ppa_core.events.event.SchedulingEvent`.

    Args:
        body: the decoded JSON body.
        headers: the request headers (unused: Calendly puts no delivery id there).

    Raises:
        EventPayloadError: an unknown event, a missing field, a wrong type or an
            unreadable timestamp, naming ``calendly``, the event and the JSON path.
    """
    b = _Body(Provider.CALENDLY, body, "event")
    kind = b.kind or ""
    if kind not in KINDS:
        raise b.fail("event", kind, f"one of {KINDS}")
    common: dict[str, Any] = {
        "provider": Provider.CALENDLY,
        "source_kind": kind,
        "key": body_key(Provider.CALENDLY, body),
        "occurred_at": b.time("created_at"),
    }
    if kind.startswith("invitee_no_show."):
        # The payload is the invitee, or the no-show resource naming it.
        invitee = b.optional_text("payload.invitee") or b.text("payload.uri")
        marked = kind == "invitee_no_show.created"
        return SchedulingEvent(
            kind=EventKind.NO_SHOW_MARKED if marked else EventKind.NO_SHOW_UNMARKED,
            booking=_ref(invitee),
            absent=frozenset({Actor.PROSPECT}),
            invitee_email=b.optional_text("payload.email"),
            **common,
        )
    invitee = b.text("payload.uri")
    facts: dict[str, Any] = {
        "booking": _ref(invitee),
        "invitee_email": b.optional_text("payload.email"),
        "invitee_name": b.optional_text("payload.name"),
        "start": b.optional_time("payload.scheduled_event.start_time"),
        "end": b.optional_time("payload.scheduled_event.end_time"),
    }
    if kind == "invitee.created":
        old = b.optional_text("payload.old_invitee")
        if old is None:
            if facts["start"] is None:
                b.time("payload.scheduled_event.start_time")  # raises: a booking needs a start
            return SchedulingEvent(kind=EventKind.BOOKED, actor=Actor.PROSPECT, **facts, **common)
        b.time("payload.scheduled_event.start_time")
        return SchedulingEvent(
            kind=EventKind.RESCHEDULED,
            previous_booking=_ref(old),
            actor=Actor.PROSPECT,  # only the invitee can reschedule through Calendly
            **facts,
            **common,
        )
    canceller = b.optional_text("payload.cancellation.canceler_type")
    if canceller is not None and canceller not in _CANCELLER:
        raise b.fail("payload.cancellation.canceler_type", canceller, "'host' or 'invitee'")
    actor = None if canceller is None else _CANCELLER[canceller]
    reason = b.optional_text("payload.cancellation.reason")
    if b.flag("payload.rescheduled", default=False):
        new = b.optional_text("payload.new_invitee")
        return SchedulingEvent(
            kind=EventKind.RESCHEDULE_CANCELLED,
            new_booking=None if new is None else _ref(new),
            actor=actor,
            reason=reason,
            **facts,
            **common,
        )
    return SchedulingEvent(kind=EventKind.CANCELLED, actor=actor, reason=reason, **facts, **common)
