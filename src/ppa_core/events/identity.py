"""Who is who: the caller's identity look-ups for applying scheduling events.

The tools' ids mean nothing to ppa_core: which prospect booked, whether a video
participant is the host, and which appointment a booking reference belongs to
come from the caller, through an :class:`Identity` (any object with its three
methods) or the ready-made :class:`Directory` of three look-up tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from ppa_core.domain.prospect import Prospect
from ppa_core.events.event import Participant, SchedulingEvent

__all__ = ["Directory", "Identity"]


class Identity(Protocol):
    """The caller's knowledge of who is who (the tools' ids mean nothing to ppa_core)."""

    def prospect_for(self, event: SchedulingEvent) -> Prospect | None:
        """The prospect who booked (by the invitee's email, say); None when unknown."""
        ...

    def is_host(self, participant: Participant, event: SchedulingEvent) -> bool:
        """True when ``participant`` is the client's rep (the host) of the meeting."""
        ...

    def appointment_for(self, booking: str) -> str | None:
        """The appointment id a booking reference belongs to; None: not known (a new one)."""
        ...


def _lower_keys(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k.lower(): v for k, v in dict(value).items()})


def _lowered(values: Iterable[str]) -> frozenset[str]:
    return frozenset(x.lower() for x in values)


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Directory:
    """A ready-made :class:`Identity` from three look-up tables.

    Attributes:
        prospects: the prospect for each invitee email (case-insensitive).
        hosts: the hosts' emails or participant ids (case-insensitive).
        bookings: the appointment id for booking references the caller already knows
            (a video meeting's ``"zoom:<id>"``, say); others become new appointments
            named by their reference.
    """

    prospects: Mapping[str, Prospect] = attrs.field(factory=dict, converter=_lower_keys)
    hosts: frozenset[str] = attrs.field(factory=frozenset, converter=_lowered)
    bookings: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)

    def prospect_for(self, event: SchedulingEvent) -> Prospect | None:
        """The prospect whose email the event names."""
        email = event.invitee_email
        return None if email is None else self.prospects.get(email.lower())

    def is_host(self, participant: Participant, event: SchedulingEvent) -> bool:
        """True when the participant's email or id is a host's."""
        email = (participant.email or "").lower()
        return email in self.hosts or participant.id.lower() in self.hosts

    def appointment_for(self, booking: str) -> str | None:
        """The appointment id the caller gave for ``booking``."""
        return self.bookings.get(booking)
