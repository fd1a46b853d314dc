"""to_records and to_dataframe of appointments and contracts; dtypes as documented."""

from __future__ import annotations

import pytest

from ppa_core import Actor
from ppa_core.presentation.notebook import to_dataframe, to_records
from ppa_core.testing import make_appointment, make_contract

pd = pytest.importorskip("pandas")


class TestAppointmentRecords:
    def test_one_row_per_appointment_with_its_state_and_history(self) -> None:
        held = make_appointment(id="a-1")
        cancelled = make_appointment("cancelled", id="a-2", actor=Actor.PROSPECT)
        rows = to_records([held, cancelled])
        assert [r["appointment_id"] for r in rows] == ["a-1", "a-2"]
        assert rows[0]["state"] == "held"
        assert rows[1]["cancelled_by"] == "prospect"
        assert rows[0]["steps"] == len(held.history)
        assert rows[0]["start"] == held.start

    def test_the_frame_has_the_documented_dtypes_on_this_pandas(self) -> None:
        frame = to_dataframe([make_appointment(id="a-1"), make_appointment("proposed", id="a-2")])
        assert str(frame["start"].dtype) == "datetime64[ns, UTC]"
        assert str(frame["outcome_at"].dtype) == "datetime64[ns, UTC]"
        assert str(frame["state"].dtype) == "category"
        assert str(frame["duration_minutes"].dtype) == "int64"
        assert frame["prospect"].dtype == pd.StringDtype()


class TestContractRecords:
    def test_one_row_per_contract_with_parties_term_and_pricing(self) -> None:
        contract = make_contract()
        (row,) = to_records(contract)
        assert row["contract_id"] == contract.id
        assert row["client"] == contract.client
        assert row["term_start"] == contract.term.start.isoformat()
        assert row["pricing"] == "EUR 350.00 per appointment"
        frame = to_dataframe([contract])
        assert str(frame["currency"].dtype) == "category"
