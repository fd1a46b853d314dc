"""Applying scheduling events to appointments: idempotent and independent of arrival order.

:func:`apply_events` takes the :class:`~ppa_core.events.ledger.Ledger` known so
far, a batch of events and the caller's :class:`~ppa_core.events.identity.Identity`,
and returns the new ledger with one :class:`~ppa_core.events.ledger.EventResult`
per event: applied, noted (true but no lifecycle change), duplicate, deferred
(waiting for another fact) or conflict (cannot be applied), each with its
reason. Nothing is dropped silently and nothing is half-applied: an event
either makes its whole change or none.

The same events in any order, any number of deliveries and any batching give
the same appointments and the same ledger:

- a batch is sorted by :func:`~ppa_core.events.event.event_order` with the
  events still pending from earlier batches; a key already taken is a duplicate;
- an event older than the last one logged for its appointment (delivered late,
  in a later batch) is put in its place: the appointment is rebuilt from its
  log with the event in order, and the event's reason says so;
- a deferred event is tried again when the rest of the batch made it
  applicable, and otherwise kept in :attr:`Ledger.pending` for the next batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ppa_core.domain.appointment import Appointment
from ppa_core.events._run import _Run
from ppa_core.events.event import SchedulingEvent
from ppa_core.events.identity import Identity
from ppa_core.events.ledger import EventResult, EventStatus, Ledger

__all__ = ["Applied", "apply_events"]

_DEFERRED = EventStatus.DEFERRED


@attrs.frozen
class Applied:
    """The result of :func:`apply_events`: the new ledger and the results, in event order.

    There is one result per event of the batch, and one per event pending from an
    earlier batch that is no longer deferred.
    """

    ledger: Ledger
    results: tuple[EventResult, ...]

    @property
    def appointments(self) -> Mapping[str, Appointment]:
        """The appointments after the batch."""
        return self.ledger.appointments

    def having(self, status: EventStatus) -> tuple[EventResult, ...]:
        """The results with ``status``."""
        return tuple(r for r in self.results if r.status is status)

    @property
    def deferred(self) -> tuple[SchedulingEvent, ...]:
        """The deferred events of this batch (kept in the ledger's ``pending``)."""
        return tuple(r.event for r in self.results if r.status is _DEFERRED)


def apply_events(
    ledger: Ledger,
    events: Iterable[SchedulingEvent],
    identity: Identity,
    *,
    correction_window_days: int | None = None,
) -> Applied:
    """Apply a batch of events to the ledger.

    Args:
        ledger: what is known so far (``Ledger()`` to start).
        events: the batch, in any order, duplicates allowed. Passing deferred events
            again is allowed but not needed: the ledger keeps them.
        identity: the caller's look-ups (see :class:`~ppa_core.events.identity.Identity`
            and :class:`~ppa_core.events.identity.Directory`).
        correction_window_days: when given, a correction or retraction later than this
            many days after the meeting is a conflict (the contract's correction window).

    Returns:
        The new ledger and, per event in :func:`~ppa_core.events.event.event_order`,
        what became of it.
    """
    run = _Run(ledger, identity, correction_window_days)
    batch = list(events)
    fresh = {e.key for e in batch}
    retried = [e for e in ledger.pending if e.key not in fresh]
    ordered = sorted([*batch, *retried], key=run.order)
    run.moved.update(e.previous_booking for e in ordered if e.previous_booking is not None)
    results: list[EventResult] = []
    delivered: set[str] = set()  # keys met in this batch: a second delivery is a duplicate
    for e in ordered:
        if e.key in delivered or e.key in run.seen:
            reason, aid = "delivered before", run.find(e.booking)
            results.append(EventResult(e, EventStatus.DUPLICATE, reason, aid))
        else:
            results.append(run.take(e))
        delivered.add(e.key)
    _retry_deferred(run, results)
    waiting = sorted(
        [*(r.event for r in results if r.status is _DEFERRED), *run.unplaced], key=run.order
    )
    again = {e.key for e in retried}
    shown = tuple(r for r in results if r.event.key not in again or r.status is not _DEFERRED)
    return Applied(run.ledger(waiting), shown)


def _retry_deferred(run: _Run, results: list[EventResult]) -> None:
    """Try the deferred events again until none more becomes applicable.

    The batch may have brought what they waited for, even when it occurred after them.
    """
    progress = True
    while progress:
        progress = False
        for i, r in enumerate(results):
            if r.status is _DEFERRED:
                result = run.take(r.event)
                if result.status is not _DEFERRED:
                    results[i], progress = result, True
