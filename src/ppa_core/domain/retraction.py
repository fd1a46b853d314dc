"""Retraction: a tool takes an outcome of the meeting back (Cal.com unmarks a no-show).

The appointment goes back to the state before that outcome, with the facts it
had then, through a new ``retract`` history entry: nothing is erased, and the
retraction counts as a correction (the contract's correction window applies).

>>> import pendulum
>>> from ppa_core.domain.appointment import Appointment
>>> from ppa_core.domain.prospect import Company, Prospect
>>> p = Prospect(id="p-1", name="Ada", job_title="CTO", company=Company(name="Acme"))
>>> t = pendulum.datetime(2026, 3, 2, 10, tz="UTC")
>>> a = Appointment.book("a-1", p, start=t, at=t.subtract(days=6)).no_show(at=t.add(hours=1))
>>> retract(a, at=t.add(hours=2)).state
<AppointmentState.SCHEDULED: 'scheduled'>
"""

from __future__ import annotations

from typing import TypeVar

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.history import HistoryEntry, _replay
from ppa_core.domain.lifecycle import Action, Actor, AppointmentState
from ppa_core.exceptions import TransitionNotAllowed

__all__ = ["retract", "retracts_to"]

AppointmentT = TypeVar("AppointmentT", bound=Appointment)


def retracts_to(appointment: Appointment) -> AppointmentState | None:
    """The state a retraction would lead back to, or None when there is no outcome to take back."""
    return _replay(appointment.history).retract_to


def retract(
    appointment: AppointmentT,
    *,
    at: pendulum.DateTime,
    actor: Actor = Actor.AGENCY,
    reason: str | None = None,
    deadline: pendulum.DateTime | None = None,
) -> AppointmentT:
    """Take the latest held/no-show outcome back: the appointment returns to what it was.

    Args:
        appointment: a held or no-show appointment.
        at: when the tool took the outcome back (timezone-aware).
        actor: who took it back (default the agency, which runs the tool).
        reason: why ("no-show unmarked in Cal.com").
        deadline: the end of the contract's correction window; a later ``at`` is refused.

    Returns:
        A new appointment with a ``retract`` history entry.

    Raises:
        TransitionNotAllowed: no outcome of the meeting to take back, or the window closed.
    """
    back = _replay(appointment.history).retract_to
    if back is None:
        raise TransitionNotAllowed(
            appointment.state,
            Action.RETRACT,
            appointment.allowed_actions,
            detail="there is no outcome of the meeting to take back",
        )
    when = v.to_datetime(at, "at")
    if deadline is not None and _utc(when) > _utc(v.to_datetime(deadline, "deadline")):
        raise TransitionNotAllowed(
            appointment.state,
            Action.RETRACT,
            appointment.allowed_actions,
            detail=f"the correction window closed at {deadline}",
        )
    entry = HistoryEntry(Action.RETRACT, back, when, actor, reason)
    return attrs.evolve(appointment, history=(*appointment.history, entry))
