"""Events from scheduling and video tools (Cal.com, Calendly, Zoom), pure: no HTTP, no clock.

A parser turns one webhook body into a :class:`~ppa_core.events.event.SchedulingEvent`;
:func:`~ppa_core.events.applying.apply_events` turns a batch into appointments.
This layer sits above the domain: it imports the domain only, and nothing below
imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ppa_core.events import calcom, calendly, zoom
from ppa_core.events.applying import Applied, apply_events
from ppa_core.events.attendance import attendance_from_presence, merge_intervals
from ppa_core.events.event import EventKind, Participant, Provider, SchedulingEvent, event_order
from ppa_core.events.identity import Directory, Identity
from ppa_core.events.ledger import EventResult, EventStatus, Ledger
from ppa_core.exceptions import EventPayloadError

__all__ = [
    "Applied",
    "Directory",
    "EventKind",
    "EventResult",
    "EventStatus",
    "Identity",
    "Ledger",
    "Participant",
    "Provider",
    "SchedulingEvent",
    "apply_events",
    "attendance_from_presence",
    "event_order",
    "merge_intervals",
    "parse_webhook",
]

_PARSERS: Mapping[str, Callable[..., SchedulingEvent]] = {
    Provider.CALCOM: calcom.parse,
    Provider.CALENDLY: calendly.parse,
    Provider.ZOOM: zoom.parse,
}


def parse_webhook(
    provider: Provider | str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> SchedulingEvent:
    """Parse one webhook body from ``provider`` ("calcom", "calendly" or "zoom").

    Raises:
        EventPayloadError: an unknown provider, or a body that provider's parser refuses.
    """
    parser = _PARSERS.get(str(provider))
    if parser is None:
        raise EventPayloadError(
            str(provider), None, "provider", provider, f"one of {tuple(_PARSERS)}"
        )
    return parser(body, headers)
