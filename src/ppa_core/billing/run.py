"""The billing run: every contract's invoice for a period, here or on a cluster.

An agency bills thousands of contracts a month. :func:`billing_run` takes the
contracts with their appointments as an iterable (read lazily: a generator over a
database cursor works, nothing is held beyond the work in flight), builds each
contract's invoice with :func:`~ppa_core.billing.invoice.build_invoice` on any
:class:`concurrent.futures.Executor`, and yields the invoices in the order the
contracts came:

- ``None`` (the default) builds them here, one after the other;
- ``ProcessPoolExecutor()`` spreads them over this machine's cores;
- a Dask cluster's ``Client.get_executor()`` (install ``ppa_core[dask]``) or Ray's
  executor spreads them over a cluster, unchanged.

Each contract's appointments come either as the appointments themselves, or as an
:data:`AppointmentLoader`: a picklable callable that returns them (say
``functools.partial(load_appointments, contract.id)``), called where the invoice is
built. On a process pool or a cluster the loader is what to prefer: the parent
process then pickles a few bytes per contract instead of every appointment, which
was what limited a run on two workers (issue 21: the parent's pickling cost more
CPU than a worker's invoicing).

At most ``in_flight`` batches of ``batch`` contracts are submitted and not yet
yielded: memory stays bounded however many contracts come, and a slow contract
holds back only the results after it. Each batch is one :class:`RunBatch` handed to
:func:`run_batch`, a top-level function, so everything pickles. The invoices are
the ones ``build_invoice`` gives for each contract alone, whatever the executor.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.contract import Contract
from ppa_core.exceptions import ValidationError

__all__ = ["AppointmentLoader", "RunBatch", "billing_run", "run_batch"]

AppointmentLoader = Callable[[], Iterable[Appointment]]
"""A callable without arguments that returns one contract's appointments, called where
the invoice is built; it must pickle to cross to another process (a top-level function,
a ``functools.partial`` of one, or an instance of a top-level class)."""

# What a batch carries for a contract: its appointments, or the loader that reads them.
_Appointments = tuple[Appointment, ...] | AppointmentLoader


@attrs.frozen
class RunBatch:
    """A unit of work: some contracts with their appointments, invoiced for one period.

    Attributes:
        work: (contract, its appointments or their loader) pairs, in the run's order.
        period: the period (or a moment inside each contract's period).
        as_of: the issue moment; facts recorded later are not known.
        first: the run's index of the batch's first contract (default 0), to name
            a loader's bad result as ``work[i]``.
    """

    work: tuple[tuple[Contract, _Appointments], ...]
    period: BillingPeriod | pendulum.DateTime
    as_of: pendulum.DateTime
    first: int = 0


def run_batch(batch: RunBatch) -> tuple[Invoice, ...]:
    """Invoice every contract of ``batch`` (what a worker runs).

    Args:
        batch: the contracts, period and issue moment.

    Returns:
        One invoice per contract, in the batch's order.

    Raises:
        ValidationError: a loader that returned something other than a collection
            of appointments, or what ``build_invoice`` refuses.
    """
    return tuple(
        build_invoice(
            contract, _appointments(appointments, batch.first + i), batch.period, as_of=batch.as_of
        )
        for i, (contract, appointments) in enumerate(batch.work)
    )


def _appointments(given: _Appointments, index: int) -> Iterable[Appointment]:
    if isinstance(given, tuple):
        return given
    return v.iterable(given(), f"work[{index}][1]()", "Appointment")


def _batches(
    work: Iterable[tuple[Contract, Iterable[Appointment] | AppointmentLoader]],
    period: BillingPeriod | pendulum.DateTime,
    as_of: pendulum.DateTime,
    size: int,
) -> Iterator[RunBatch]:
    pending: list[tuple[Contract, _Appointments]] = []
    first = 0
    for i, item in enumerate(work):
        pair: object = item  # callers are not always typed
        if not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[0], Contract):
            raise ValidationError(f"work[{i}]", pair, "a (Contract, appointments) pair")
        contract, appointments = pair
        if callable(appointments) and not isinstance(appointments, Iterable):
            pending.append((contract, appointments))  # loaded where the invoice is built
        else:
            listed = tuple(v.iterable(appointments, f"work[{i}][1]", "Appointment"))
            pending.append((contract, listed))
        if len(pending) == size:
            yield RunBatch(tuple(pending), period, as_of, first)
            pending, first = [], i + 1
    if pending:
        yield RunBatch(tuple(pending), period, as_of, first)


def billing_run(
    work: Iterable[tuple[Contract, Iterable[Appointment] | AppointmentLoader]],
    period: BillingPeriod | pendulum.DateTime,
    *,
    as_of: pendulum.DateTime,
    executor: Executor | None = None,
    batch: int = 1,
    in_flight: int = 8,
) -> Iterator[Invoice]:
    """Invoice every contract of ``work`` for ``period``, streaming the invoices in order.

    Args:
        work: (contract, its appointments) pairs, read lazily; each contract's
            appointments as ``build_invoice`` takes them (earlier periods too), or
            an :data:`AppointmentLoader` that returns them where the invoice is built
            (a callable that is not itself a collection: on a pool, the parent then
            sends the loader, not the appointments).
        period: a BillingPeriod, or a moment inside each contract's own period
            (contracts may start their months on different days).
        as_of: the issue moment; facts recorded later are not known.
        executor: where invoices are built: None here, a process pool,
            ``Client.get_executor()`` of Dask distributed, Ray's executor.
        batch: contracts per submitted task (default 1; raise it when contracts are
            small, so a task's overhead is shared).
        in_flight: most batches submitted and not yet yielded (default 8; at least
            the number of workers keeps them all busy).

    Yields:
        One invoice per contract, in the order of ``work``.

    Raises:
        ValidationError: bad ``work`` (not a collection), ``batch`` or ``in_flight``,
            or a naive ``as_of`` (at the call); an item of ``work`` that is not a
            (Contract, appointments) pair (when it is reached), a loader that
            returns no collection, or what ``build_invoice`` refuses for a contract
            (when its turn comes: the invoices before it were yielded, the batches
            after it are cancelled).
    """
    size = v.check_int("batch", batch, minimum=1)
    limit = v.check_int("in_flight", in_flight, minimum=1)
    moment = v.to_datetime(as_of, "as_of")
    items = v.iterable(work, "work", "(contract, appointments) pairs")
    batches = _batches(items, period, moment, size)
    if executor is None:
        return (invoice for one in batches for invoice in run_batch(one))
    return _stream(executor, batches, limit)


def _stream(executor: Executor, batches: Iterator[RunBatch], limit: int) -> Iterator[Invoice]:
    queue: collections.deque[Future[tuple[Invoice, ...]]] = collections.deque()
    try:
        for one in batches:
            queue.append(executor.submit(run_batch, one))
            if len(queue) >= limit:
                yield from queue.popleft().result()
        while queue:
            yield from queue.popleft().result()
    finally:
        # An error, or a caller that stopped reading: no work left running for nothing.
        for future in queue:
            future.cancel()
