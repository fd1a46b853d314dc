"""Limits of time: zone names checked against the IANA list, and the supported years.

docs/limits.md, "Time zones and dates": a zone is an IANA name, never a file path; a
date or moment outside the years 1900 to 9000 is refused with its field named, never an
OverflowError.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import pathlib
import subprocess
import sys
import zoneinfo
from collections.abc import Callable, Iterator

import attrs
import pendulum
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ppa_core import (
    Amendment,
    BillingEngine,
    BillingPeriodRule,
    DuplicateRule,
    Term,
    ValidationError,
    build_invoice,
    compute_figures,
)
from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import DocumentError, dump_data, load_data
from ppa_core.testing import make_appointment, make_contract, make_prospect

AS_OF = "2026-04-10T09:00:00+02:00"

# The IANA list as the standard library gives it, less the machine's own setting.
IANA = sorted(zoneinfo.available_timezones() - {"localtime", "posixrules"})

BAD_ZONES = [
    pytest.param("Europe", id="a-folder"),
    pytest.param("../../etc/passwd", id="a-path"),
    pytest.param("/etc/localtime", id="an-absolute-path"),
    pytest.param("A" * 300, id="300-characters"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
    pytest.param("localtime", id="the-machines-setting"),
    pytest.param("Europe/Berlin ", id="a-trailing-space"),
    pytest.param("Europe/Berlin\x00", id="a-nul"),
    pytest.param("europe/berlin", id="wrong-case"),
]

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)


def fixed(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


TOO_LATE = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=fixed(-14))  # past 9999 in UTC
TOO_EARLY = dt.datetime(1, 1, 1, tzinfo=fixed(14))  # before year 1 in UTC


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """The paths opened while the test runs (an audit hook: it sees every open()).

    The IANA list is read once beforehand (a contract checks its zone against it).
    """
    make_contract()
    seen: list[str] = []
    _RECORDING.append(seen)
    try:
        yield seen
    finally:
        _RECORDING.remove(seen)


_RECORDING: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _RECORDING and isinstance(args[0], str | bytes | pathlib.Path):
        _RECORDING[-1].append(str(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; it records only inside `opened`


# -- zone names ---------------------------------------------------------------------------------


class TestZoneNames:
    @pytest.mark.parametrize("name", BAD_ZONES)
    def test_a_contract_refuses_a_name_not_in_the_iana_list_without_opening_a_file(
        self, name: str, opened: list[str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            make_contract(timezone=name)
        assert (caught.value.field, caught.value.value) == ("timezone", name)
        assert "IANA timezone name" in caught.value.allowed
        assert len(str(caught.value)) < 250  # a long name is shortened in the message
        assert opened == []

    def test_a_wrong_case_is_answered_with_the_right_name(self) -> None:
        with pytest.raises(ValidationError, match="case-sensitive: 'America/New_York'"):
            make_contract(timezone="america/new_york")

    def test_a_zone_that_is_not_text_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            make_contract(timezone=1)
        assert caught.value.field == "timezone"

    def test_every_name_of_the_iana_list_is_accepted(self) -> None:
        contract = make_contract()
        for name in IANA:
            assert attrs.evolve(contract, timezone=name).timezone == name

    @given(name=st.text(max_size=40))
    @example(name="Europe")
    @example(name="Etc")
    def test_text_not_in_the_iana_list_is_refused(self, name: str) -> None:
        contract = make_contract()
        if name in IANA:
            assert attrs.evolve(contract, timezone=name).timezone == name
            return
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(contract, timezone=name)
        assert caught.value.field == "timezone"

    @pytest.mark.parametrize("name", BAD_ZONES)
    def test_the_billing_period_helpers_refuse_a_bad_zone(self, name: str) -> None:
        rule = BillingPeriodRule()
        moment = pendulum.datetime(2026, 3, 2, tz="UTC")
        with pytest.raises(ValidationError) as caught:
            rule.period_containing(moment, name)
        assert caught.value.field == "tz"
        with pytest.raises(ValidationError):
            rule.periods(moment, moment.add(days=40), name)

    @pytest.mark.parametrize("name", ["Europe", "../../etc/passwd", "A" * 300, "", "localtime"])
    def test_a_document_names_the_field_of_a_bad_zone(self, name: str, opened: list[str]) -> None:
        data = dump_data(make_contract())
        with pytest.raises(DocumentError) as caught:
            load_data("contract", {**data, "timezone": name})
        [problem] = caught.value.problems
        assert problem.path == "contract.timezone"
        assert "IANA timezone name" in problem.message
        assert opened == []

    @pytest.mark.parametrize(
        ("suffix", "expected"),
        [
            ("[Europe]", "IANA timezone name"),
            ("[../../etc/passwd]", "IANA timezone name"),
            ("[" + "A" * 300 + "]", "IANA timezone name"),
            ("[]", "empty brackets"),
        ],
    )
    def test_a_document_refuses_a_bad_zone_in_brackets(self, suffix: str, expected: str) -> None:
        data = dump_data(make_appointment())
        data["history"][0]["at"] = "2026-02-20T10:00:00+01:00" + suffix
        with pytest.raises(DocumentError) as caught:
            load_data("appointment", data)
        [problem] = caught.value.problems
        assert problem.path == "appointment.history[0].at"
        assert expected in problem.message


# -- the supported years ------------------------------------------------------------------------


class TestSupportedYears:
    @pytest.mark.parametrize("moment", [TOO_LATE, TOO_EARLY, LATEST + dt.timedelta.resolution])
    def test_an_as_of_outside_the_years_is_refused_by_every_entry_point(
        self, moment: dt.datetime
    ) -> None:
        contract = make_contract()
        appointments = [make_appointment()]
        period = contract.period_containing(appointments[0].start)
        engine = BillingEngine(contract)
        calls = [
            lambda: engine.decide_all(appointments, as_of=moment),
            lambda: engine.decide(appointments[0], as_of=moment),
            lambda: build_invoice(contract, appointments, period, as_of=moment),
            lambda: compute_figures(contract, appointments, as_of=moment),
        ]
        for call in calls:
            with pytest.raises(ValidationError) as caught:
                call()
            assert caught.value.field == "as_of"
            assert caught.value.allowed == "a moment in the years 1900 to 9000 (UTC)"

    def test_a_term_outside_the_years_names_its_field(self) -> None:
        with pytest.raises(ValidationError) as caught:
            Term(start=dt.date(1, 1, 1))
        assert (caught.value.field, caught.value.allowed) == (
            "term.start",
            "a date in the years 1900 to 9000",
        )
        with pytest.raises(ValidationError) as caught:
            Term(start=dt.date(2026, 1, 1), end="9999-12-31")
        assert (caught.value.field, caught.value.value) == ("term.end", "9999-12-31")

    def test_an_amendment_outside_the_years_names_its_field(self) -> None:
        contract = make_contract()
        with pytest.raises(ValidationError) as caught:
            Amendment(TOO_LATE, contract.terms)
        assert caught.value.field == "amendment.effective_from"
        with pytest.raises(ValidationError) as caught:
            contract.amend(dt.date(9999, 12, 31), cap=3)
        assert caught.value.field == "effective_from"

    def test_an_appointment_in_9999_names_its_history_field(self) -> None:
        data = dump_data(make_appointment())
        data["history"][0]["at"] = "9999-12-31T23:59:59-14:00"
        with pytest.raises(DocumentError) as caught:
            load_data("appointment", data)
        [problem] = caught.value.problems
        assert problem.path == "appointment.history[0].at"
        assert "1900 to 9000" in problem.message
        with pytest.raises(ValidationError) as error:
            make_appointment(start=TOO_LATE)
        assert "1900 to 9000" in str(error.value)

    def test_a_contract_window_longer_than_a_century_is_refused(self) -> None:
        """The policy's windows are tested in test_policy; these are the contract's."""
        contract = make_contract()
        changes: list[tuple[str, Callable[[int], object]]] = [
            ("dispute_window_days", lambda n: attrs.evolve(contract.terms, dispute_window_days=n)),
            ("duplicates.window_days", lambda n: DuplicateRule(window_days=n)),
            ("term.notice_days", lambda n: attrs.evolve(contract.term, notice_days=n)),
            ("review_every_months", lambda n: attrs.evolve(contract, review_every_months=n)),
        ]
        for field, change in changes:
            upper = 1200 if field == "review_every_months" else 36_600
            change(upper)
            with pytest.raises(ValidationError) as caught:
                change(upper + 1)
            assert (caught.value.field, caught.value.value) == (field, upper + 1)

    @pytest.mark.parametrize(
        ("zone", "first", "last"),
        [
            # +14:00: the last local day of 9000 starts ten hours before it does in UTC.
            ("Pacific/Kiritimati", dt.date(9000, 12, 1), dt.date(9000, 12, 31)),
            ("UTC", dt.date(9000, 12, 1), dt.date(9000, 12, 31)),
            ("Etc/GMT+12", dt.date(1900, 1, 1), dt.date(1900, 1, 31)),
            ("UTC", dt.date(1900, 1, 1), dt.date(1900, 1, 31)),
        ],
    )
    def test_a_contract_at_the_edge_of_the_years_decides_and_invoices(
        self, zone: str, first: dt.date, last: dt.date
    ) -> None:
        """Its periods end in the next year, its windows beyond: no error, no overflow."""
        contract = make_contract(timezone=zone, term=Term(start=first, end=last))
        tz = zoneinfo.ZoneInfo(zone)
        starts = [
            dt.datetime(last.year, last.month, day, 10, tzinfo=tz) for day in (first.day, last.day)
        ]
        appointments = [
            make_appointment(
                start=start,
                id=f"a-{i}",
                prospect=make_prospect(id=f"p-{i}"),
                booked_at=start - dt.timedelta(hours=2),
            )
            for i, start in enumerate(starts)
        ]
        as_of = LATEST if first.year == 9000 else starts[-1] + dt.timedelta(days=40)
        decisions = BillingEngine(contract).decide_all(appointments, as_of=as_of)
        assert [d.status.value for d in decisions] == ["billable", "billable"]
        period = contract.period_containing(starts[-1])
        invoice = build_invoice(contract, appointments, period, as_of=as_of)
        assert len(invoice.lines) == 2
        assert period.end > period.start


def supported_instants() -> st.SearchStrategy[dt.datetime]:
    """Instants of the supported years, shrinking towards 1900-01-01 UTC."""
    return st.datetimes(EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)).map(
        lambda naive: naive.replace(tzinfo=dt.UTC)
    )


def offsets() -> st.SearchStrategy[dt.timezone]:
    """Fixed UTC offsets from -14:00 to +14:00 in minutes, shrinking towards UTC."""
    return st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


class TestSupportedYearsProperties:
    @given(
        instant=supported_instants(),
        zone=st.one_of(offsets(), st.sampled_from(IANA).map(zoneinfo.ZoneInfo)),
    )
    @example(instant=EARLIEST, zone=fixed(14))
    @example(instant=LATEST, zone=fixed(-14))
    @example(instant=LATEST, zone=zoneinfo.ZoneInfo("Pacific/Kiritimati"))
    def test_any_moment_in_the_years_is_accepted_in_any_zone(
        self, instant: dt.datetime, zone: dt.tzinfo
    ) -> None:
        moment = instant.astimezone(zone)
        assert BillingEngine(make_contract()).decide_all([], as_of=moment) == ()

    @given(
        local=st.one_of(
            st.datetimes(dt.datetime(1, 1, 1), dt.datetime(1899, 12, 30, 9, 59)),
            st.datetimes(dt.datetime(9001, 1, 1, 14), dt.datetime(9999, 12, 31, 23, 59)),
        ),
        zone=offsets(),
    )
    @example(local=TOO_LATE.replace(tzinfo=None), zone=fixed(-14))
    @example(local=TOO_EARLY.replace(tzinfo=None), zone=fixed(14))
    @example(local=dt.datetime(9001, 1, 1), zone=dt.UTC)
    @example(local=dt.datetime(1900, 1, 1, 13, 59), zone=fixed(14))  # 1899-12-31T23:59Z
    def test_any_moment_outside_the_years_is_refused_with_the_field_named(
        self, local: dt.datetime, zone: dt.tzinfo
    ) -> None:
        moment = local.replace(tzinfo=zone)
        with pytest.raises(ValidationError) as caught:
            BillingEngine(make_contract()).decide_all([], as_of=moment)
        assert (caught.value.field, caught.value.value) == ("as_of", moment)

    @given(day=st.dates(dt.date(1900, 1, 1), dt.date(9000, 12, 31)))
    def test_any_date_in_the_years_starts_a_term(self, day: dt.date) -> None:
        assert Term(start=day).start == day

    @given(day=st.dates(dt.date(1, 1, 1), dt.date(1899, 12, 31)) | st.dates(dt.date(9001, 1, 1)))
    def test_any_date_outside_the_years_is_refused(self, day: dt.date) -> None:
        with pytest.raises(ValidationError) as caught:
            Term(start=dt.date(1900, 1, 1), end=day)
        assert caught.value.field == "term.end"


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The sample campaign written as files by ``sample``: (contract, appointments)."""
    directory = tmp_path_factory.mktemp("sample")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["sample", str(directory)]) == 0
    return str(directory / "contract.json"), str(directory / "appointments.jsonl")


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m ppa_core argv`` in a subprocess: what a user sees."""
    return subprocess.run(
        [sys.executable, "-m", "ppa_core", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


LONG = "A" * 300


class TestCommandLine:
    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            ("2026-03-01T00:00:00[]", "empty brackets name no zone"),
            ("2026-03-01T00:00:00[Europe]", "IANA timezone name"),
            ("2026-03-01T00:00:00[../../etc/passwd]", "IANA timezone name"),
            (f"2026-03-01T00:00:00[{LONG}]", "IANA timezone name"),
            ("2026-03-01T00:00:00[Europe/Berlin][UTC]", "one zone in brackets"),
            ("2026-03-01T10:00:00+05:00[Europe/Berlin]", "a UTC offset that Europe/Berlin has"),
            ("9999-12-31T23:59:59-14:00", "a moment in the years 1900 to 9000 (UTC)"),
            ("0001-01-01T00:00:00+14:00", "a moment in the years 1900 to 9000 (UTC)"),
            ("9999-12-31", "a moment in the years 1900 to 9000 (UTC)"),
            ("9000-12-31T23:59:59-14:00", "a moment in the years 1900 to 9000 (UTC)"),
        ],
    )
    def test_a_bad_as_of_is_one_line_naming_the_option(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        as_of: str,
        expected: str,
    ) -> None:
        status = main(["decide", *files, "--as-of", as_of])
        out, err = capsys.readouterr()
        assert (status, out) == (2, "")
        [line] = err.splitlines()
        assert line.startswith("ppa-core: --as-of: must be ")
        assert expected in line
        assert len(line) < 300  # a 300-character zone is shortened

    @pytest.mark.parametrize("period", ["9999-12", "0001-01", "9999-12-31", "1899-12"])
    def test_a_period_outside_the_years_is_one_line_naming_the_option(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], period: str
    ) -> None:
        status = main(["invoice", *files, "--period", period, "--as-of", AS_OF])
        out, err = capsys.readouterr()
        assert (status, out) == (2, "")
        assert err == (
            f"ppa-core: --period: must be a month from 1900-01 to 9000-12, or a date in it "
            f"(got {period!r})\n"
        )

    @pytest.mark.parametrize(
        "argv",
        [
            ("decide", "--as-of", "2026-03-01T00:00:00[Europe]"),
            ("decide", "--as-of", "2026-03-01T00:00:00[]"),
            ("decide", "--as-of", "9999-12-31T23:59:59-14:00"),
            ("invoice", "--as-of", AS_OF, "--period", "9999-12"),
        ],
    )
    def test_the_cases_of_the_issue_end_in_one_line_in_a_real_process(
        self, files: tuple[str, str], argv: tuple[str, ...]
    ) -> None:
        """Today's IsADirectoryError, ignored zone, OverflowError and ValueError, end to end."""
        command, *options = argv
        result = cli(command, *files, *options)
        assert (result.returncode, result.stdout) == (2, "")
        [line] = result.stderr.splitlines()
        assert line.startswith(f"ppa-core: {options[-2]}: must be ")

    def test_a_zone_in_brackets_reads_a_local_time_in_that_zone(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        """``09:00[Europe/Berlin]`` is 09:00 in Berlin, whatever the contract's zone."""
        argv = ("decide", *files, "--format", "csv", "--as-of")
        assert main([*argv, "2026-04-10T09:00:00[Europe/Berlin]"]) == 0
        in_berlin = capsys.readouterr().out
        assert main([*argv, "2026-04-10T03:00:00[America/New_York]"]) == 0
        assert capsys.readouterr().out == in_berlin
        assert main([*argv, "2026-04-10T09:00:00+02:00[!Europe/Berlin]"]) == 0
        assert capsys.readouterr().out == in_berlin

    @pytest.mark.parametrize("period", ["9000-12", "1900-01"])
    def test_the_first_and_last_supported_months_invoice(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], period: str
    ) -> None:
        status = main(["invoice", *files, "--period", period, "--as-of", AS_OF])
        out, err = capsys.readouterr()
        assert (status, err) == (0, "")
        assert "total" in out

    def test_a_contract_file_with_a_folder_for_a_zone_is_one_line(
        self, files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        text = pathlib.Path(files[0]).read_text(encoding="utf-8")
        path = tmp_path / "contract.json"
        path.write_text(text.replace('"Europe/Berlin"', '"Europe"'), encoding="utf-8")
        result = cli("decide", str(path), files[1], "--as-of", AS_OF)
        assert (result.returncode, result.stdout) == (2, "")
        assert "Traceback" not in result.stderr
        assert "contract.timezone: must be an IANA timezone name" in result.stderr


def test_the_iana_list_is_not_empty() -> None:
    """The checks are only as good as the list: the installed database must be found."""
    assert "Europe/Berlin" in IANA
    assert "UTC" in IANA
