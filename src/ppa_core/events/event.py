"""Scheduling events: what a scheduling or video tool's webhook states, as a typed value.

A parser (:mod:`~ppa_core.events.calcom`, :mod:`~ppa_core.events.calendly`,
:mod:`~ppa_core.events.zoom`) turns one webhook body into one
:class:`SchedulingEvent`; :func:`~ppa_core.events.applying.apply_events` turns a
batch of them into appointments. Every event carries a stable idempotency
``key``, the moment it ``occurred_at``, the tool's ``booking`` reference
(namespaced by tool: ``"calcom:<uid>"``) and the facts it states; what the tool
does not say stays None (unknown), never guessed.

Events are ordered by :func:`event_order`: the moment they occurred, then the
lifecycle order of their kinds (the order of :class:`EventKind`: a booking
before its reschedule, a join before the meeting's end, a cancellation last),
then their key, so a batch sorts the same way whatever order it arrived in.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.lifecycle import Actor
from ppa_core.exceptions import ValidationError

__all__ = ["EventKind", "Participant", "Provider", "SchedulingEvent", "event_order"]


class Provider(enum.StrEnum):
    """The tool a webhook came from."""

    CALCOM = "calcom"
    CALENDLY = "calendly"
    ZOOM = "zoom"


class EventKind(enum.StrEnum):
    """What an event states, in lifecycle order (the tie-break of :func:`event_order`)."""

    REQUESTED = "requested"
    """A booking request awaiting the host's confirmation (a proposal)."""
    BOOKED = "booked"
    """A meeting booked (or a request accepted)."""
    RESCHEDULED = "rescheduled"
    """A new booking that replaces ``previous_booking`` (a reschedule)."""
    RESCHEDULE_CANCELLED = "reschedule_cancelled"
    """The cancel half of a Calendly reschedule; the move itself comes with ``new_booking``."""
    MEETING_STARTED = "meeting_started"
    """The meeting started (Cal.com: on the schedule, not on attendance)."""
    PARTICIPANT_JOINED = "participant_joined"
    """Someone joined the video meeting."""
    PARTICIPANT_LEFT = "participant_left"
    """Someone left the video meeting."""
    MEETING_ENDED = "meeting_ended"
    """The meeting ended (Cal.com: on the schedule; Zoom: the video meeting ended)."""
    NO_SHOW_MARKED = "no_show_marked"
    """The tool marked the ``absent`` parties as no-shows."""
    NO_SHOW_UNMARKED = "no_show_unmarked"
    """The tool took a no-show back."""
    CANCELLED = "cancelled"
    """The booking was cancelled (``actor`` None: the tool did not say by whom)."""
    REJECTED = "rejected"
    """The host rejected a booking request."""


_RANK = {kind: i for i, kind in enumerate(EventKind)}


@attrs.frozen
class Participant:
    """Someone in a video meeting, as the tool names them.

    Attributes:
        id: the key that pairs their join and leave (Zoom's ``participant_uuid``, which
            stays the same when ``user_id`` changes between join and leave).
        email: their email, when the tool gives it.
        name: their display name, when the tool gives it.
    """

    id: str = attrs.field(validator=v.text("participant.id"))
    email: str | None = attrs.field(default=None, validator=v.optional_text("participant.email"))
    name: str | None = attrs.field(default=None, validator=v.optional_text("participant.name"))


def _absent(value: Any) -> frozenset[Actor]:
    return v.enum_set(Actor, "absent")(value)


def _emails(value: Any) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        raise ValidationError("emails", value, "a set of emails")
    for item in value:
        if not isinstance(item, str) or not item:
            raise ValidationError("emails", value, "a set of non-empty strings")
    return frozenset(value)


def _provider(value: Any) -> Provider:
    return v.to_enum(Provider, "provider", value)


def _kind(value: Any) -> EventKind:
    return v.to_enum(EventKind, "kind", value)


def _occurred(value: Any) -> pendulum.DateTime:
    return v.to_datetime(value, "occurred_at")


def _start(value: Any) -> pendulum.DateTime | None:
    return None if value is None else v.to_datetime(value, "start")


def _end(value: Any) -> pendulum.DateTime | None:
    return None if value is None else v.to_datetime(value, "end")


def _actor(value: Any) -> Actor | None:
    return None if value is None else v.to_enum(Actor, "actor", value)


@attrs.frozen
class SchedulingEvent:
    """One fact a scheduling or video tool reported.

    Attributes:
        provider: the tool.
        kind: what it states.
        source_kind: the tool's own name for the event ("BOOKING_CREATED").
        key: the idempotency key: the same delivery always has the same key.
        occurred_at: when it happened, timezone-aware.
        booking: the tool's booking reference, namespaced ("calendly:<invitee uri>").
        previous_booking: for a reschedule, the booking it replaces.
        new_booking: for the cancel half of a reschedule, the booking that replaces it.
        start: the (new) scheduled start, when the event gives one.
        end: the (new) scheduled end, when the event gives one.
        invitee_email: the invitee's (prospect's) email, when given.
        invitee_name: the invitee's name, when given.
        actor: who made it happen (None: the tool did not say).
        absent: for a no-show, who was absent (or, unmarked, who is no longer).
        marked: for Cal.com's no-show update, the attendees' emails it marked absent.
        unmarked: for Cal.com's no-show update, the attendees' emails it unmarked (the
            caller's identity says which of these, if any, is the prospect).
        participant: for a join or leave, who.
        reason: the tool's free-text reason, if any.
        on_schedule: True when the tool fires the event on the clock, not on attendance
            (Cal.com's MEETING_STARTED/ENDED): it says nothing about who attended.
    """

    provider: Provider = attrs.field(converter=_provider)
    kind: EventKind = attrs.field(converter=_kind)
    source_kind: str = attrs.field(validator=v.text("source_kind"))
    key: str = attrs.field(validator=v.text("key"))
    occurred_at: pendulum.DateTime = attrs.field(converter=_occurred)
    booking: str = attrs.field(validator=v.text("booking"))
    previous_booking: str | None = attrs.field(
        default=None, validator=v.optional_text("previous_booking")
    )
    new_booking: str | None = attrs.field(default=None, validator=v.optional_text("new_booking"))
    start: pendulum.DateTime | None = attrs.field(default=None, converter=_start)
    end: pendulum.DateTime | None = attrs.field(default=None, converter=_end)
    invitee_email: str | None = attrs.field(
        default=None, validator=v.optional_text("invitee_email")
    )
    invitee_name: str | None = attrs.field(default=None, validator=v.optional_text("invitee_name"))
    actor: Actor | None = attrs.field(default=None, converter=_actor)
    absent: frozenset[Actor] = attrs.field(default=frozenset(), converter=_absent)
    marked: frozenset[str] = attrs.field(default=frozenset(), converter=_emails)
    unmarked: frozenset[str] = attrs.field(default=frozenset(), converter=_emails)
    participant: Participant | None = attrs.field(
        default=None,
        validator=v.optional_instance_of("participant", Participant, "a Participant"),
    )
    reason: str | None = attrs.field(default=None, validator=v.optional_text("reason"))
    on_schedule: bool = attrs.field(
        default=False, validator=v.instance_of("on_schedule", bool, "a bool")
    )


def event_order(event: SchedulingEvent) -> tuple[pendulum.DateTime, int, str]:
    """The sort key of events: when they occurred, their kind's lifecycle rank, their key."""
    return (_utc(event.occurred_at), _RANK[event.kind], event.key)
