"""The billing run: every contract's invoice, here, on a pool or on a Dask cluster."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pendulum
import pytest

from ppa_core.billing import build_invoice
from ppa_core.billing.run import billing_run
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract
from ppa_core.exceptions import ValidationError
from ppa_core.testing import DEFAULT_START, make_appointment, make_contract, make_prospect

MARCH = DEFAULT_START.add(days=10)
ISSUED = pendulum.datetime(2026, 4, 2, 9, tz="Europe/Berlin")


def _work(n: int) -> list[tuple[Contract, list[Appointment]]]:
    """``n`` contracts, the k-th with k + 1 meetings (a no-show among them from the third)."""
    work = []
    for k in range(n):
        contract = make_contract(id=f"c-{k}")
        meetings = [
            make_appointment(
                "no_show" if j == 2 else "held",
                DEFAULT_START.add(days=j),
                id=f"c-{k}-a-{j}",
                prospect=make_prospect(id=f"c-{k}-p-{j}"),
            )
            for j in range(k + 1)
        ]
        work.append((contract, meetings))
    return work


def _meetings(k: int) -> list[Appointment]:
    """Contract ``c-{k}``'s meetings, as ``_work`` builds them: a loader for a worker."""
    return _work(k + 1)[k][1]


def _one_by_one(work: list[tuple[Contract, list[Appointment]]]) -> list[Any]:
    return [build_invoice(c, a, MARCH, as_of=ISSUED) for c, a in work]


def test_here_gives_each_contracts_own_invoice_in_order() -> None:
    work = _work(4)
    invoices = list(billing_run(work, MARCH, as_of=ISSUED))
    assert invoices == _one_by_one(work)
    assert [i.contract_id for i in invoices] == ["c-0", "c-1", "c-2", "c-3"]
    assert [len(i.lines) for i in invoices] != [len(invoices[0].lines)] * 4  # they differ


@pytest.mark.parametrize(("batch", "in_flight"), [(1, 1), (2, 2), (3, 8)])
def test_a_pool_gives_the_same_invoices_in_the_same_order(batch: int, in_flight: int) -> None:
    work = _work(5)
    with ThreadPoolExecutor(2) as pool:
        there = list(
            billing_run(work, MARCH, as_of=ISSUED, executor=pool, batch=batch, in_flight=in_flight)
        )
    assert there == _one_by_one(work)


def test_the_input_is_read_lazily_with_bounded_work_in_flight() -> None:
    work = _work(6)
    taken: list[int] = []

    def lazily() -> Iterator[tuple[Contract, list[Appointment]]]:
        for i, pair in enumerate(work):
            taken.append(i)
            yield pair

    with ThreadPoolExecutor(2) as pool:
        stream = billing_run(lazily(), MARCH, as_of=ISSUED, executor=pool, in_flight=2)
        assert taken == []  # nothing read before the first invoice is asked for
        first = next(stream)
        assert first.contract_id == "c-0"
        assert len(taken) == 2  # the first result waits once two batches are in flight
        rest = list(stream)
    assert [i.contract_id for i in rest] == [f"c-{k}" for k in range(1, 6)]


def test_a_dask_cluster_gives_the_invoices_built_here() -> None:
    distributed = pytest.importorskip("distributed")
    work = _work(4)
    # Port 0: None still binds 8787, and a parallel worker's cluster may hold it.
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
    ) as client:
        there = list(
            billing_run(work, MARCH, as_of=ISSUED, executor=client.get_executor(), batch=2)
        )
    assert there == _one_by_one(work)


def test_bad_arguments_are_refused_at_the_call() -> None:
    work = _work(1)
    with pytest.raises(ValidationError, match="batch"):
        billing_run(work, MARCH, as_of=ISSUED, batch=0)
    with pytest.raises(ValidationError, match="in_flight"):
        billing_run(work, MARCH, as_of=ISSUED, in_flight=0)
    with pytest.raises(ValidationError, match="work"):
        billing_run("contracts", MARCH, as_of=ISSUED)  # type: ignore[arg-type]


def test_an_item_that_is_not_a_pair_is_named_when_reached() -> None:
    work: list[Any] = [*_work(1), "not a pair"]
    stream = billing_run(work, MARCH, as_of=ISSUED)
    assert next(stream).contract_id == "c-0"
    with pytest.raises(ValidationError, match=r"work\[1\]"):
        next(stream)


class TestLoaders:
    """Appointments loaded where the invoice is built, so the parent sends only the loader."""

    def test_a_process_pool_loads_them_in_the_worker(self) -> None:
        work = _work(3)
        loaders = [(c, functools.partial(_meetings, k)) for k, (c, _) in enumerate(work)]
        with ProcessPoolExecutor(1) as pool:
            there = list(billing_run(loaders, MARCH, as_of=ISSUED, executor=pool, batch=2))
        assert there == _one_by_one(work)

    def test_the_loader_runs_on_the_executor_not_in_the_parent(self) -> None:
        work = _work(3)
        callers: list[str] = []

        def load(meetings: list[Appointment]) -> list[Appointment]:
            callers.append(threading.current_thread().name)
            return meetings

        loaders = [(c, functools.partial(load, a)) for c, a in work]
        with ThreadPoolExecutor(2, thread_name_prefix="worker") as pool:
            there = list(billing_run(loaders, MARCH, as_of=ISSUED, executor=pool))
        assert there == _one_by_one(work)
        assert len(callers) == 3
        assert all(name.startswith("worker") for name in callers)

    def test_loaders_and_appointments_mix_in_one_run(self) -> None:
        work = _work(4)
        mixed: list[Any] = [
            (c, functools.partial(_meetings, k) if k % 2 else a) for k, (c, a) in enumerate(work)
        ]
        assert list(billing_run(mixed, MARCH, as_of=ISSUED, batch=3)) == _one_by_one(work)

    def test_a_loader_that_returns_no_collection_is_named_by_its_place(self) -> None:
        work: list[Any] = [*_work(2), (make_contract(id="c-2"), lambda: 42)]
        stream = billing_run(work, MARCH, as_of=ISSUED, batch=2)
        assert [next(stream).contract_id for _ in range(2)] == ["c-0", "c-1"]
        with pytest.raises(ValidationError, match=r"work\[2\]\[1\]\(\)"):
            next(stream)
