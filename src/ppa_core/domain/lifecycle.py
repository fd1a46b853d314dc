"""The appointment lifecycle: its states, actions and actors, and the table of transitions.

States run ``proposed`` -> ``scheduled`` -> (``confirmed``) -> one outcome:
``held``, ``no_show``, ``cancelled`` or ``void``. :data:`TRANSITIONS` is the
single source of these arrows; :data:`CORRECTIONS` says which outcomes may be
corrected to which. The :class:`~ppa_core.domain.appointment.Appointment`
moves along them.

>>> allowed_actions(AppointmentState.CONFIRMED)
(<Action.RESCHEDULE: 'reschedule'>, <Action.HOLD: 'hold'>, <Action.NO_SHOW: 'no_show'>, ...)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CORRECTIONS",
    "RETRACTABLE",
    "TRANSITIONS",
    "Action",
    "Actor",
    "AppointmentState",
]


class AppointmentState(enum.StrEnum):
    """Where an appointment is in its lifecycle."""

    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    VOID = "void"

    @property
    def is_final(self) -> bool:
        """True for an outcome (held, no_show, cancelled, void)."""
        return self in _FINAL


_FINAL = frozenset(
    {
        AppointmentState.HELD,
        AppointmentState.NO_SHOW,
        AppointmentState.CANCELLED,
        AppointmentState.VOID,
    }
)


class Action(enum.StrEnum):
    """What can happen to an appointment. ``propose`` creates one."""

    PROPOSE = "propose"
    SCHEDULE = "schedule"
    CONFIRM = "confirm"
    RESCHEDULE = "reschedule"
    HOLD = "hold"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    VOID = "void"
    CORRECT = "correct"
    RETRACT = "retract"


class Actor(enum.StrEnum):
    """Who made a transition happen. The client's sales rep is the meeting's host."""

    PROSPECT = "prospect"
    CLIENT = "client"
    AGENCY = "agency"
    UNKNOWN = "unknown"
    """The tool that reported the transition did not say who made it (a contract term decides)."""


S = AppointmentState
A = Action

TRANSITIONS: Mapping[tuple[AppointmentState, Action], AppointmentState] = MappingProxyType(
    {
        (S.PROPOSED, A.SCHEDULE): S.SCHEDULED,
        (S.PROPOSED, A.CANCEL): S.CANCELLED,
        (S.PROPOSED, A.VOID): S.VOID,
        (S.SCHEDULED, A.CONFIRM): S.CONFIRMED,
        (S.SCHEDULED, A.RESCHEDULE): S.SCHEDULED,
        (S.SCHEDULED, A.HOLD): S.HELD,
        (S.SCHEDULED, A.NO_SHOW): S.NO_SHOW,
        (S.SCHEDULED, A.CANCEL): S.CANCELLED,
        (S.SCHEDULED, A.VOID): S.VOID,
        (S.CONFIRMED, A.RESCHEDULE): S.SCHEDULED,
        (S.CONFIRMED, A.HOLD): S.HELD,
        (S.CONFIRMED, A.NO_SHOW): S.NO_SHOW,
        (S.CONFIRMED, A.CANCEL): S.CANCELLED,
        (S.CONFIRMED, A.VOID): S.VOID,
    }
)
"""The lifecycle: ``(state, action) -> next state``. Nothing leaves a final state."""

CORRECTIONS: Mapping[AppointmentState, frozenset[AppointmentState]] = MappingProxyType(
    {
        S.HELD: frozenset({S.HELD, S.NO_SHOW}),
        S.NO_SHOW: frozenset({S.HELD, S.NO_SHOW}),
    }
)
"""Outcomes that describe the meeting may be corrected to another such outcome."""

RETRACTABLE: frozenset[AppointmentState] = frozenset({S.HELD, S.NO_SHOW})
"""Outcomes a tool may take back (a no-show unmarked): back to the state before them."""

_MEETING_OUTCOMES = frozenset({S.HELD, S.NO_SHOW})


def allowed_actions(state: AppointmentState) -> tuple[Action, ...]:
    """The actions allowed from ``state``, in table order (corrections and disputes last)."""
    actions = [a for (s, a) in TRANSITIONS if s is state]
    if state in CORRECTIONS:
        actions.append(A.CORRECT)
    if state in RETRACTABLE:
        actions.append(A.RETRACT)
    return tuple(actions)
