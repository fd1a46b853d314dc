"""An engine keeps the contract's days and periods between runs: decisions do not change."""

from __future__ import annotations

import pendulum

from ppa_core.rules import per_appointment_pass
from ppa_core.rules.engine import BillingEngine
from ppa_core.testing import DEFAULT_START, make_appointment, make_contract, make_prospect

AS_OF = pendulum.datetime(2026, 6, 1, tz="Europe/Berlin")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "UTC")


def _month(run: int) -> list:  # type: ignore[type-arg]
    """Meetings around the end of March (DST in Berlin) in several zones."""
    meetings = []
    for j in range(12):
        zone = ZONES[(run + j) % len(ZONES)]
        start = DEFAULT_START.add(days=24 + j, hours=run).in_timezone(zone)
        meetings.append(
            make_appointment(
                "held", start, id=f"r{run}-a{j}", prospect=make_prospect(id=f"r{run}-p{j}")
            )
        )
    return meetings


def test_one_engine_over_many_runs_decides_as_fresh_engines() -> None:
    contract = make_contract()
    kept = BillingEngine(contract)
    for run in range(6):
        month = _month(run)
        assert kept.decide_all(month, as_of=AS_OF) == BillingEngine(contract).decide_all(
            month, as_of=AS_OF
        )


def test_a_full_calendar_is_replaced_not_cleared(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ppa_core.rules.engine.CALENDAR_LIMIT", 2)
    contract = make_contract()
    kept = BillingEngine(contract)
    first = kept._calendar
    kept.decide_all(_month(0), as_of=AS_OF)
    assert len(first[0]) > 2
    kept.decide_all(_month(1), as_of=AS_OF)
    assert kept._calendar is not first  # the run before keeps its own
    assert first[0]  # untouched
    assert per_appointment_pass.new_calendar() == ({}, {}, {})
