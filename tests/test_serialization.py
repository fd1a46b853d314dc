"""Serialisation: every domain object to JSON-ready data and back, losslessly.

Round trips are properties over the public strategies of ``ppa_core.testing``;
the fuzz tests feed random and mutated documents and check that a load either
builds an object or raises DocumentError with every problem's path.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import zoneinfo
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ppa_core
from _documents import credit_notes, invoice_documents, number_series, statements
from ppa_core import (
    Appointment,
    AppointmentState,
    Attendance,
    BillingEngine,
    BillingPeriod,
    Contract,
    ContractTerms,
    Decision,
    DecisionStatus,
    DocumentError,
    GuaranteeRemedy,
    GuaranteeResult,
    Invoice,
    InvoiceLine,
    LineKind,
    Money,
    NoShowPolicy,
    PerAppointment,
    PpaError,
    Prospect,
    QualificationResult,
    ReasonCode,
    RuleOutcome,
    Term,
    Tier,
    ValidationError,
    Verdict,
    build_invoice,
)
from ppa_core.adapters.serialization import (
    KINDS,
    SCHEMA_VERSION,
    Problem,
    dump,
    dump_data,
    dumps,
    load,
    load_data,
    loads,
)
from ppa_core.domain.lifecycle import Actor
from ppa_core.events import (
    EventKind,
    Ledger,
    Participant,
    Provider,
    SchedulingEvent,
    apply_events,
)
from ppa_core.testing import (
    appointments,
    aware_datetimes,
    contract_terms,
    contracts,
    currencies,
    make_appointment,
    make_contract,
    make_prospect,
    money,
    no_show_policies,
    prospects,
    qualification_criteria,
)
from test_applying import DIRECTORY, STORY

BERLIN = "Europe/Berlin"
# The IANA list as the standard library gives it, less the machine's own setting.
IANA = sorted(zoneinfo.available_timezones() - {"localtime", "posixrules"})


def _loadable(key: str) -> bool:
    try:
        ZoneInfo(key)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


# Zones some systems keep beside the IANA ones (Debian's posix/ and right/ copies).
SYSTEM_ONLY_ZONES = [
    key
    for key in ("posix/Europe/Berlin", "posix/UTC", "right/UTC", "right/America/New_York")
    if _loadable(key)
]
JSON_TYPES = (dict, list, str, int, bool, type(None))

# -- strategies ---------------------------------------------------------------------------

_REASONS = st.sampled_from(("wrong person", "not a decision maker", "no budget"))
_TEXT = st.text(max_size=20)
_IDS = st.integers(1, 9_999).map(lambda n: f"a-{n}")
_CODES = st.one_of(st.sampled_from(ReasonCode).map(str), st.just("CUSTOM_CODE"))


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def full_appointments(draw: st.DrawFn) -> Appointment:
    """Appointments with every kind of history: outcomes, corrections and disputes."""
    state = draw(st.sampled_from(AppointmentState))
    appointment = draw(appointments(state=state))
    if appointment.outcome_at is None or state not in {
        AppointmentState.HELD,
        AppointmentState.NO_SHOW,
        AppointmentState.CANCELLED,
    }:
        return appointment
    at = appointment.history[-1].at
    if state is not AppointmentState.CANCELLED and draw(st.booleans()):
        at = at.add(minutes=draw(st.integers(0, 600)))
        if state is AppointmentState.HELD:
            appointment = appointment.correct(
                to=AppointmentState.NO_SHOW, at=at, reason="recording shows nobody joined"
            )
        else:
            attendance = Attendance(attended_minutes=draw(st.integers(0, 60)))
            appointment = appointment.correct(
                to=AppointmentState.HELD, at=at, attendance=attendance
            )
    for _ in range(draw(st.integers(0, 2))):
        at = at.add(minutes=draw(st.integers(0, 20_000)))
        appointment = appointment.dispute(at=at, reason=draw(_REASONS))
        if draw(st.booleans()):
            at = at.add(minutes=draw(st.integers(0, 20_000)))
            appointment = appointment.resolve_dispute(at=at, upheld=draw(st.booleans()))
        else:
            break
    return appointment


verdicts = st.builds(
    Verdict,
    rule_id=st.sampled_from(("qualification", "attendance", "cap", "custom_rule")),
    outcome=st.sampled_from(RuleOutcome),
    code=_maybe(_CODES),
    reason=_TEXT,
    facts=st.dictionaries(_TEXT, _TEXT, max_size=3),
)


@st.composite
def decisions(draw: st.DrawFn) -> Decision:
    """Decisions with any field set, traces included (the engine's are tested apart)."""
    cur = draw(currencies())
    return Decision(
        appointment_id=draw(_IDS),
        meeting_start=draw(aware_datetimes()),
        state=draw(st.sampled_from(AppointmentState)),
        status=draw(st.sampled_from(DecisionStatus)),
        amount=draw(money(cur)),
        reason_codes=tuple(draw(st.lists(_CODES, max_size=3))),
        unit_price=draw(_maybe(money(cur))),
        tier=draw(_maybe(st.integers(1, 5))),
        unit=draw(_maybe(st.integers(1, 50))),
        period_start=draw(_maybe(aware_datetimes())),
        terms_from=draw(_maybe(aware_datetimes())),
        trace=draw(_maybe(st.lists(verdicts, max_size=4).map(tuple))),
    )


@st.composite
def invoice_lines(draw: st.DrawFn, cur: Any) -> InvoiceLine:
    return InvoiceLine(
        kind=draw(st.sampled_from(LineKind)),
        description=draw(_TEXT),
        amount=draw(money(cur, -1_000, 1_000)),
        appointment_id=draw(_maybe(_IDS)),
        meeting_start=draw(_maybe(aware_datetimes())),
        status=draw(_maybe(st.sampled_from(DecisionStatus))),
        reason_codes=tuple(draw(st.lists(_CODES, max_size=2))),
        tier=draw(_maybe(st.integers(1, 5))),
        unit=draw(_maybe(st.integers(1, 50))),
        unit_price=draw(_maybe(money(cur))),
        quantity=draw(st.decimals(0, 1_000, places=3)),
    )


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    """Invoices with any lines (real ones, from build_invoice, are tested apart)."""
    cur = draw(currencies())
    start = draw(aware_datetimes())
    guarantee = st.builds(
        GuaranteeResult,
        st.integers(1, 20),
        st.integers(0, 20),
        st.integers(0, 20),
        st.sampled_from(GuaranteeRemedy),
    )
    results = tuple(draw(st.lists(guarantee, max_size=3)))
    return Invoice(
        contract_id="c-1",
        period=BillingPeriod(start, start.add(days=draw(st.integers(1, 31)))),
        issued_at=draw(aware_datetimes()),
        currency=cur,
        lines=tuple(draw(st.lists(invoice_lines(cur), max_size=3))),
        not_billed=tuple(draw(st.lists(invoice_lines(cur), max_size=2))),
        guarantee=results[-1] if results else None,
        guarantees=results,
    )


# Every kind, with a strategy of its objects.
def scheduling_events() -> st.SearchStrategy[SchedulingEvent]:
    """Events with every optional fact present or absent (shrinks to the fewest facts)."""
    moments = aware_datetimes()
    return st.builds(
        SchedulingEvent,
        provider=st.sampled_from(Provider),
        kind=st.sampled_from(EventKind),
        source_kind=st.sampled_from(["BOOKING_CREATED", "invitee.canceled", "meeting.ended"]),
        key=st.text(min_size=1, max_size=8).filter(str.strip),
        occurred_at=moments,
        booking=st.just("calcom:bk_1"),
        previous_booking=st.none() | st.just("calcom:bk_0"),
        new_booking=st.none() | st.just("calendly:x"),
        start=st.none() | moments,
        end=st.none() | moments,
        invitee_email=st.none() | st.just("ada@acme.example"),
        actor=st.none() | st.sampled_from(Actor),
        absent=st.frozensets(st.sampled_from([Actor.PROSPECT, Actor.CLIENT])),
        participant=st.none() | st.builds(Participant, st.just("uuid-1"), email=st.none()),
        reason=st.none() | st.just("why"),
        on_schedule=st.booleans(),
    )


def ledgers() -> st.SearchStrategy[Ledger]:
    """Ledgers left by any part of the webhook story (shrinks to the empty ledger)."""
    return st.lists(st.sampled_from(STORY)).map(
        lambda events: apply_events(Ledger(), events, DIRECTORY).ledger
    )


OBJECTS: dict[str, st.SearchStrategy[Any]] = {
    "money": money(),
    "prospect": prospects(),
    "criteria": qualification_criteria(),
    "appointment": full_appointments(),
    "policy": no_show_policies(),
    "terms": contract_terms(),
    "contract": contracts(),
    "decision": decisions(),
    "invoice": invoices(),
    "scheduling_event": scheduling_events(),
    "ledger": ledgers(),
    "invoice_document": invoice_documents(),
    "credit_note": credit_notes(),
    "statement": statements(),
    "number_series": number_series,
}
any_object = st.sampled_from(sorted(OBJECTS)).flatmap(lambda kind: OBJECTS[kind])


def walk(value: Any) -> Iterator[Any]:
    """Every value in a document, containers and leaves."""
    yield value
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def _same_trace(loaded: Decision, original: Decision) -> bool:
    """Decision equality leaves the trace out (eq=False): compare it too."""
    return loaded.trace == original.trace


# -- round trips ------------------------------------------------------------------------


class TestRoundTrip:
    @pytest.mark.parametrize("kind", sorted(OBJECTS))
    @given(data=st.data())
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_every_object_loads_back_equal(self, kind: str, data: st.DataObject) -> None:
        obj = data.draw(OBJECTS[kind])
        document = dump(obj)
        loaded = load(type(obj), document)
        assert loaded == obj
        assert type(loaded) is type(obj)
        assert load(kind, document) == obj
        if isinstance(obj, Decision):
            assert _same_trace(loaded, obj)

    @given(any_object)
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_json_text_round_trips(self, obj: Any) -> None:
        text = dumps(obj)
        assert loads(type(obj), text) == obj
        assert loads(type(obj), text.encode()) == obj

    @given(any_object)
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_dumping_what_was_loaded_writes_the_same_document(self, obj: Any) -> None:
        document = dump(obj)
        assert dump(load(type(obj), document)) == document

    @given(any_object)
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_documents_hold_only_plain_json_data_and_never_a_float(self, obj: Any) -> None:
        for value in walk(dump(obj)):
            assert type(value) in JSON_TYPES, value

    @given(any_object)
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_bare_data_round_trips_without_the_envelope(self, obj: Any) -> None:
        data = dump_data(obj)
        assert data == dump(obj)["data"]
        assert load_data(type(obj), data) == obj

    @given(full_appointments())
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_an_appointment_replays_its_derived_facts_on_load(self, original: Appointment) -> None:
        loaded = load(Appointment, dump(original))
        assert loaded.state is original.state
        assert loaded.start == original.start
        assert loaded.original_start == original.original_start
        assert loaded.reschedule_count == original.reschedule_count
        assert loaded.attendance == original.attendance
        assert loaded.open_dispute == original.open_dispute
        assert "state" not in dump_data(original)

    def test_engine_decisions_keep_their_traces(self) -> None:
        contract = make_contract()
        engine = BillingEngine(contract)
        as_of = pendulum.datetime(2026, 4, 1, tz=BERLIN)
        for state in AppointmentState:
            decision = engine.decide(make_appointment(state=state), as_of=as_of, trace=True)
            loaded = load(Decision, dump(decision))
            assert loaded == decision
            assert loaded.trace is not None
            assert decision.trace is not None
            assert [v.facts for v in loaded.trace] == [v.facts for v in decision.trace]
            assert loaded.trace == decision.trace
            assert loaded.explain() == decision.explain()

    def test_a_built_invoice_round_trips(self) -> None:
        contract = make_contract(cap=1)
        held = [
            make_appointment(id=f"a-{day}", start=pendulum.datetime(2026, 3, day, 10, tz=BERLIN))
            for day in (2, 3)
        ]
        no_show = make_appointment(
            AppointmentState.NO_SHOW, id="a-9", start=pendulum.datetime(2026, 3, 4, 10, tz=BERLIN)
        )
        invoice = build_invoice(
            contract,
            [*held, no_show],
            pendulum.datetime(2026, 3, 15, tz=BERLIN),
            as_of=pendulum.datetime(2026, 4, 1, tz=BERLIN),
        )
        assert invoice.not_billed
        loaded = load(Invoice, dump(invoice))
        assert loaded == invoice
        assert loaded.total == invoice.total

    def test_an_invoice_written_before_guarantees_were_listed_loads_with_its_one(self) -> None:
        result = GuaranteeResult(3, 1, 2, GuaranteeRemedy.SERVICE_CREDIT)
        invoice = Invoice(
            "c-1",
            BillingPeriod(
                pendulum.datetime(2026, 3, 1, tz=BERLIN), pendulum.datetime(2026, 4, 1, tz=BERLIN)
            ),
            pendulum.datetime(2026, 4, 1, tz=BERLIN),
            "EUR",
            (),
            guarantee=result,
        )
        document = dump(invoice)
        del document["data"]["guarantees"]

        assert load(Invoice, document).guarantees == (result,)

    def test_a_trace_written_by_another_criteria_set_round_trips(self) -> None:
        result = QualificationResult(False, "MEDDIC", ())
        verdict = Verdict("qualification", RuleOutcome.FAIL, "NOT_QUALIFIED", result.reason)
        decision = attrs.evolve(
            BillingEngine(make_contract()).decide(
                make_appointment(), as_of=pendulum.datetime(2026, 4, 1, tz=BERLIN)
            ),
            trace=(verdict,),
        )
        assert load(Decision, dump(decision)).trace == (verdict,)


class TestDatetimes:
    """Instants, wall times and zones come back exactly (domain.md: DST-correct periods)."""

    @staticmethod
    def _decision_at(moment: dt.datetime) -> Decision:
        return Decision(
            "a-1", moment, AppointmentState.HELD, DecisionStatus.PENDING, Money.zero("EUR")
        )

    @pytest.mark.parametrize("fold", [0, 1])
    def test_a_repeated_local_time_keeps_its_side_of_the_clock_change(self, fold: int) -> None:
        """02:30 happens twice in Berlin on 25 October 2026: CEST first, then CET."""
        moment = pendulum.datetime(2026, 10, 25, 2, 30, tz=BERLIN, fold=fold)
        loaded = load(Decision, dump(self._decision_at(moment))).meeting_start
        assert loaded == moment
        assert loaded.utcoffset() == moment.utcoffset()
        assert loaded.tzinfo is moment.tzinfo

    def test_a_datetime_is_written_with_its_offset_and_zone(self) -> None:
        moment = pendulum.datetime(2026, 3, 2, 10, 0, 0, 123, tz=BERLIN)
        data = dump_data(self._decision_at(moment))
        assert data["meeting_start"] == "2026-03-02T10:00:00.000123+01:00[Europe/Berlin]"

    @pytest.mark.parametrize(
        "tz",
        [pendulum.FixedTimezone(-16_200), dt.timezone(dt.timedelta(hours=5, minutes=45)), dt.UTC],
    )
    def test_a_fixed_offset_is_written_without_a_zone_and_keeps_the_instant(
        self, tz: dt.tzinfo
    ) -> None:
        moment = pendulum.DateTime(2026, 3, 2, 10, tzinfo=tz)
        data = dump_data(self._decision_at(moment))
        assert "[" not in data["meeting_start"]
        loaded = load_data(Decision, data).meeting_start
        assert loaded == moment
        assert loaded.utcoffset() == moment.utcoffset()

    @given(st.datetimes(timezones=st.sampled_from(IANA).map(ZoneInfo), allow_imaginary=False))
    def test_any_zoned_datetime_round_trips_with_its_zone_and_wall_time(
        self, moment: dt.datetime
    ) -> None:
        zoned = pendulum.instance(moment)
        loaded = load(Decision, dump(self._decision_at(zoned))).meeting_start
        assert loaded == zoned
        assert loaded.utcoffset() == zoned.utcoffset()
        assert loaded.tzinfo is zoned.tzinfo
        assert loaded.timetuple()[:6] == zoned.timetuple()[:6]

    def test_an_amendment_may_take_effect_at_an_instant(self) -> None:
        moment = pendulum.datetime(2026, 3, 1, 12, tz=BERLIN)
        contract = make_contract().amend(moment, cap=3)
        data = dump_data(contract)
        assert data["amendments"][0]["effective_from"] == "2026-03-01T12:00:00+01:00[Europe/Berlin]"
        loaded = load_data(Contract, data)
        assert loaded == contract
        assert loaded.amendments[0].effective_from == moment

    @pytest.mark.skipif(not SYSTEM_ONLY_ZONES, reason="no posix/ or right/ zones here")
    @given(st.datetimes(timezones=st.sampled_from(SYSTEM_ONLY_ZONES).map(ZoneInfo)))
    def test_a_zone_outside_the_iana_list_is_written_as_its_offset_only(
        self, moment: dt.datetime
    ) -> None:
        """The loader refuses names outside the IANA list (posix/ and right/ copies): the
        document keeps the instant and the offset only."""
        zoned = pendulum.instance(moment)
        data = dump_data(self._decision_at(zoned))
        assert "[" not in data["meeting_start"]
        loaded = load_data(Decision, data).meeting_start
        # In UTC: PEP 495 makes a repeated local time unequal to any other zone's.
        assert loaded.astimezone(dt.UTC) == zoned.astimezone(dt.UTC)
        assert loaded.utcoffset() == zoned.utcoffset()

    def test_an_instant_before_year_one_in_utc_is_refused(self) -> None:
        document = dump(make_appointment())
        document["data"]["history"][0]["at"] = "0001-01-01T00:00:00+05:00"
        [(path, message)] = _problems_of(Appointment, document)
        assert path == "appointment.history[0].at"
        assert "a moment in the years 1900 to 9000 (UTC)" in message

    def test_a_naive_datetime_cannot_be_dumped(self) -> None:
        naive = self._decision_at(pendulum.naive(2026, 3, 2, 10))
        with pytest.raises(DocumentError) as caught:
            dump(naive)
        assert caught.value.problems[0].path == "decision"
        assert "naive" in caught.value.problems[0].message


class TestGoldenDocuments:
    """The document format is a contract with agency back ends: these pin it."""

    def test_a_small_contract_document(self) -> None:
        contract = Contract(
            id="c-1",
            agency="Outbound Co",
            client="Acme GmbH",
            currency="EUR",
            timezone=BERLIN,
            term=Term(start=pendulum.Date(2026, 1, 1)),
            terms=ContractTerms(pricing=PerAppointment(price=Money.of("350.00", "EUR")), cap=20),
        )
        contract = contract.amend(
            pendulum.Date(2026, 3, 1),
            pricing=PerAppointment(
                tiers=[Tier(10, Money.of("350.00", "EUR")), Tier(None, Money.of("150.00", "EUR"))]
            ),
        )
        document = dump(contract)
        assert document["schema"] == "ppa_core/contract"
        assert document["version"] == SCHEMA_VERSION == 1
        data = document["data"]
        assert data["currency"] == "EUR"
        assert data["timezone"] == BERLIN
        assert data["term"] == {"start": "2026-01-01", "end": None, "notice_days": 30}
        assert data["terms"]["pricing"] == {
            "type": "pay_per_appointment",
            "price": {"amount": "350.00", "currency": "EUR"},
            "seniority_prices": {},
            "tiers": [],
            "tier_mode": "graduated",
        }
        assert data["terms"]["cap"] == 20
        assert data["terms"]["rounding"] == "half_up"
        assert data["terms"]["criteria"]["type"] == "bant"
        assert data["terms"]["criteria"]["bant"]["authority_roles"] == ["decision_maker"]
        assert data["terms"]["policy"]["prospect_no_show_fee"] == "0"
        assert "extra_rules" not in data["terms"]
        amendment = data["amendments"][0]
        assert amendment["effective_from"] == "2026-03-01"
        assert amendment["note"] is None
        assert amendment["terms"]["pricing"]["tiers"] == [
            {"up_to": 10, "price": {"amount": "350.00", "currency": "EUR"}},
            {"up_to": None, "price": {"amount": "150.00", "currency": "EUR"}},
        ]
        assert data["billing_period"] == {"kind": "monthly", "anchor_day": 1}
        assert load(Contract, json.loads(json.dumps(document))) == contract

    def test_an_appointment_is_its_history(self) -> None:
        data = dump_data(make_appointment())
        assert sorted(data) == ["disputes", "duration_minutes", "history", "id", "prospect"]
        assert data["history"][0] == {
            "action": "propose",
            "state": "proposed",
            "at": "2026-02-23T10:00:00+01:00[Europe/Berlin]",
            "actor": "agency",
            "reason": None,
            "start": "2026-03-02T10:00:00+01:00[Europe/Berlin]",
            "attendance": None,
            "absent": None,
        }
        assert data["history"][-1]["attendance"] == {
            "attended_minutes": 30,
            "join_delay_minutes": 0,
            "attendees": ["client", "prospect"],
        }

    def test_prices_per_seniority_are_keyed_by_the_seniority_value(self) -> None:
        pricing = PerAppointment(
            price=Money.of("300.00", "EUR"),
            seniority_prices={"c_level": Money.of("600.00", "EUR"), "vp": Money.of(450, "EUR")},
        )
        data = dump_data(make_contract(pricing=pricing))["terms"]["pricing"]
        assert data["seniority_prices"] == {
            "vp": {"amount": "450", "currency": "EUR"},
            "c_level": {"amount": "600.00", "currency": "EUR"},
        }

    @pytest.mark.parametrize(
        ("amount", "text"),
        [("350.00", "350.00"), ("1E+2", "100"), ("0.0000001", "0.0000001"), ("-12.5", "-12.5")],
    )
    def test_an_amount_is_an_exact_decimal_string(self, amount: str, text: str) -> None:
        data = dump_data(Money.of(amount, "EUR"))
        assert data == {"amount": text, "currency": "EUR"}
        assert load_data(Money, data) == Money.of(amount, "EUR")

    @pytest.mark.parametrize("code", ["XXX", "eur", 978, None])
    def test_an_unknown_currency_is_refused(self, code: Any) -> None:
        [(path, message)] = _problems_of(
            Money,
            {"schema": "ppa_core/money", "version": 1, "data": {"amount": "1", "currency": code}},
        )
        assert path == "money.currency"
        assert "ISO 4217" in message

    def test_a_whole_number_amount_is_exact_and_accepted(self) -> None:
        assert load_data(Money, {"amount": 350, "currency": "EUR"}) == Money.of(350, "EUR")

    def test_a_quantity_that_is_not_a_number_cannot_be_dumped(self) -> None:
        invoice = build_invoice(
            make_contract(),
            [make_appointment()],
            pendulum.datetime(2026, 3, 15, tz=BERLIN),
            as_of=pendulum.datetime(2026, 4, 1, tz=BERLIN),
        )
        line = attrs.evolve(invoice.lines[0], quantity=Decimal("NaN"))
        with pytest.raises(DocumentError) as caught:
            dump(attrs.evolve(invoice, lines=(line,)))
        assert caught.value.problems[0].path == "invoice"

    def test_an_enormous_exponent_stays_short(self) -> None:
        # Money refuses 1E+999999 (docs/limits.md); a fraction may still be 1E-999999.
        policy = NoShowPolicy(prospect_no_show_fee=Decimal("1E-999999"))
        assert dump_data(policy)["prospect_no_show_fee"] == "1E-999999"

    def test_the_document_kinds(self) -> None:
        assert set(KINDS) == set(OBJECTS)
        assert dump(NoShowPolicy())["schema"] == "ppa_core/policy"


# -- what has no document form ------------------------------------------------------------


@attrs.frozen
class _AlwaysPasses:
    rule_id: str = "always_passes"

    def __call__(self, context: object) -> None:
        return None


@attrs.frozen
class _Meddic:
    name: str = "MEDDIC"

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        return QualificationResult(True, self.name, ())


class TestUnserialisable:
    def test_custom_rules_are_refused_with_their_path(self) -> None:
        contract = make_contract().amend(pendulum.Date(2026, 2, 1), extra_rules=(_AlwaysPasses(),))
        with pytest.raises(DocumentError) as caught:
            dump(contract)
        assert [p.path for p in caught.value.problems] == [
            "contract.amendments[0].terms.extra_rules"
        ]
        assert "BillingEngine" in caught.value.problems[0].message

    def test_a_custom_criteria_set_is_refused_with_its_path(self) -> None:
        terms = ContractTerms(pricing=PerAppointment(price=Money.of(1, "EUR")), criteria=_Meddic())
        with pytest.raises(DocumentError) as caught:
            dump(terms)
        assert [p.path for p in caught.value.problems] == ["terms.criteria"]

    def test_custom_rules_in_a_document_are_refused(self) -> None:
        document = dump(make_contract())
        document["data"]["terms"]["extra_rules"] = [{"rule_id": "x"}]
        with pytest.raises(DocumentError) as caught:
            load(Contract, document)
        assert [p.path for p in caught.value.problems] == ["contract.terms.extra_rules"]

    def test_an_empty_list_of_custom_rules_is_no_rules(self) -> None:
        document = dump(make_contract())
        document["data"]["terms"]["extra_rules"] = []
        assert load(Contract, document) == make_contract()

    @pytest.mark.parametrize("obj", [object(), PerAppointment(price=Money.of(1, "EUR")), None])
    def test_an_object_of_no_kind_is_a_validation_error(self, obj: object) -> None:
        with pytest.raises(ValidationError) as caught:
            dump(obj)
        assert caught.value.field == "obj"

    @pytest.mark.parametrize("kind", ["contracts", PerAppointment, 3])
    def test_an_unknown_kind_is_a_validation_error(self, kind: Any) -> None:
        with pytest.raises(ValidationError) as caught:
            load(kind, {})
        assert caught.value.field == "kind"


# -- errors ---------------------------------------------------------------------------------


def _problems_of(kind: Any, document: Any) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as caught:
        load(kind, document)
    return [(p.path, p.message) for p in caught.value.problems]


def _paths_of(kind: Any, document: Any) -> list[str]:
    return [path for path, _ in _problems_of(kind, document)]


def _tiered_contract() -> dict[str, Any]:
    tiers = [Tier(10, Money.of(350, "EUR")), Tier(20, Money.of(250, "EUR"))]
    pricing = PerAppointment(tiers=[*tiers, Tier(None, Money.of(150, "EUR"))])
    return dump(make_contract(pricing=pricing))


class TestEnvelope:
    @pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None])
    def test_a_version_this_library_does_not_read_is_refused(self, version: Any) -> None:
        document = {**dump(NoShowPolicy()), "version": version}
        assert _paths_of(NoShowPolicy, document) == ["version"]

    def test_a_newer_version_says_to_upgrade(self) -> None:
        [(_, message)] = _problems_of(NoShowPolicy, {**dump(NoShowPolicy()), "version": 7})
        assert "upgrade" in message

    def test_a_document_of_another_kind_is_refused(self) -> None:
        assert _paths_of(Contract, dump(NoShowPolicy())) == ["schema"]

    def test_every_envelope_problem_is_listed(self) -> None:
        assert _paths_of("policy", {"data": {}, "extra": 1}) == ["extra", "schema", "version"]

    @pytest.mark.parametrize("document", [[], "policy", 3, None])
    def test_a_document_that_is_not_an_object_is_refused(self, document: Any) -> None:
        assert _paths_of(NoShowPolicy, document) == ["document"]

    @pytest.mark.parametrize("text", ["", "{", "[1,", '{"a": NaN', b"\xff\xfe"])
    def test_text_that_is_not_json_is_refused(self, text: str | bytes) -> None:
        with pytest.raises(DocumentError) as caught:
            loads(NoShowPolicy, text)
        assert caught.value.problems[0].path == "document"


class TestProblems:
    def test_a_float_where_money_is_names_its_full_path(self) -> None:
        document = _tiered_contract()
        document["data"]["terms"]["pricing"]["tiers"][2]["price"]["amount"] = 150.0
        [(path, message)] = _problems_of(Contract, document)
        assert path == "contract.terms.pricing.tiers[2].price.amount"
        assert "never a float" in message

    def test_every_problem_is_listed_at_once(self) -> None:
        document = _tiered_contract()
        data = document["data"]
        del data["agency"]
        data["timezone"] = 3
        data["terms"]["cap"] = "ten"
        data["terms"]["pricing"]["tier_mode"] = "stepped"
        data["term"]["start"] = "2026-01-01T00:00:00"
        data["surprise"] = True
        assert sorted(_paths_of(Contract, document)) == [
            "contract.agency",
            "contract.surprise",
            "contract.term.start",
            "contract.terms.cap",
            "contract.terms.pricing.tier_mode",
            "contract.timezone",
        ]

    def test_the_domain_rules_are_reported_at_their_path(self) -> None:
        document = _tiered_contract()
        document["data"]["terms"]["pricing"]["tiers"][1]["up_to"] = 5
        [(path, message)] = _problems_of(Contract, document)
        assert path == "contract.terms.pricing.tiers[1].up_to"
        assert "greater than the previous tier's 10" in message

    def test_a_value_in_a_message_is_shown_as_the_document_writes_it(self) -> None:
        document = dump(make_contract().amend(pendulum.Date(2026, 2, 1), cap=3))
        document["data"]["amendments"][0]["effective_from"] = "2025-12-31"
        [(path, message)] = _problems_of(Contract, document)
        assert path == "contract.amendments[0].effective_from"
        assert message.endswith("(got '2025-12-31')")

    def test_a_domain_field_named_after_its_object_is_not_repeated(self) -> None:
        document = dump(make_appointment())
        document["data"]["prospect"]["company"]["country"] = "GBR"
        document["data"]["history"][2]["attendance"]["attended_minutes"] = -1
        assert _paths_of(Appointment, document) == [
            "appointment.prospect.company.country",
            "appointment.history[2].attendance.attended_minutes",
        ]

    def test_a_history_that_does_not_replay_is_refused(self) -> None:
        document = dump(make_appointment())
        document["data"]["history"][2]["at"] = "2026-03-01T10:00:00+01:00[Europe/Berlin]"
        [(path, message)] = _problems_of(Appointment, document)
        assert path == "appointment.history"
        assert "before its scheduled start" in message

    @pytest.mark.parametrize(
        ("value", "words"),
        [
            ("2026-03-02T10:00:00", "naive datetime is refused"),
            ("2026-03-02T10:00:00+05:00[Europe/Berlin]", "offset that Europe/Berlin has"),
            ("2026-03-02T10:00:00+01:00[Mars/Olympus]", "IANA timezone name"),
            ("yesterday", "ISO 8601 datetime"),
            ("2026-03-02T10:00:00+01:00:00.5", "whole seconds"),
            (1_772_442_000, "ISO 8601 datetime"),
        ],
    )
    def test_a_bad_datetime_is_refused(self, value: Any, words: str) -> None:
        document = dump(make_appointment())
        document["data"]["history"][1]["at"] = value
        [(path, message)] = _problems_of(Appointment, document)
        assert path == "appointment.history[1].at"
        assert words in message

    @pytest.mark.parametrize("value", ["2026-02-30", "2026-3-1", "01/03/2026", 20260301])
    def test_a_bad_date_is_refused(self, value: Any) -> None:
        document = dump(make_contract())
        document["data"]["term"]["start"] = value
        [(path, message)] = _problems_of(Contract, document)
        assert path == "contract.term.start"
        assert "ISO 8601 date" in message

    def test_a_history_step_to_the_wrong_state_is_refused(self) -> None:
        document = dump(make_appointment())
        document["data"]["history"][2]["action"] = "cancel"
        [(path, message)] = _problems_of(Appointment, document)
        assert path == "appointment.history.state"
        assert message == "must be cancelled after cancel (got 'held')"

    def test_an_unknown_enum_value_lists_the_allowed_ones(self) -> None:
        document = dump(make_prospect())
        document["data"]["seniority"] = "intern"
        [(path, message)] = _problems_of(Prospect, document)
        assert path == "prospect.seniority"
        assert "'c_level'" in message
        assert "(got 'intern')" in message

    def test_a_pricing_without_a_known_type_is_refused(self) -> None:
        document = dump(make_contract())
        document["data"]["terms"]["pricing"]["type"] = "per_meeting"
        assert _paths_of(Contract, document) == ["contract.terms.pricing.type"]
        del document["data"]["terms"]["pricing"]["type"]
        assert _paths_of(Contract, document) == ["contract.terms.pricing.type"]

    def test_a_bad_price_per_seniority_names_its_key(self) -> None:
        pricing = PerAppointment(seniority_prices={"vp": Money.of(450, "EUR")})
        document = dump(make_contract(pricing=pricing))
        document["data"]["terms"]["pricing"]["seniority_prices"]["intern"] = {
            "amount": "1",
            "currency": "EUR",
        }
        assert _paths_of(Contract, document) == ["contract.terms.pricing.seniority_prices[intern]"]

    def test_prices_per_seniority_must_be_an_object(self) -> None:
        pricing = PerAppointment(seniority_prices={"vp": Money.of(450, "EUR")})
        document = dump(make_contract(pricing=pricing))
        document["data"]["terms"]["pricing"]["seniority_prices"] = [["vp", "450"]]
        assert _paths_of(Contract, document) == ["contract.terms.pricing.seniority_prices"]

    def test_an_odd_unknown_key_is_shown_in_brackets(self) -> None:
        document = dump(NoShowPolicy())
        document["data"]["grace minutes"] = 5
        document[""] = 1
        assert _paths_of(NoShowPolicy, document) == ["document['']"]
        del document[""]
        assert _paths_of(NoShowPolicy, document) == ["policy['grace minutes']"]

    def test_a_string_is_not_a_list(self) -> None:
        document = dump(make_appointment())
        document["data"]["history"] = "propose, schedule, hold"
        assert _paths_of(Appointment, document) == ["appointment.history"]

    def test_the_message_lists_one_problem_per_line(self) -> None:
        document = dump(NoShowPolicy())
        document["data"]["grace_minutes"] = 1.5
        document["data"]["free_reschedules"] = None
        with pytest.raises(DocumentError) as caught:
            load(NoShowPolicy, document)
        assert str(caught.value).splitlines() == [
            "2 problems in the document:",
            "policy.grace_minutes: must be a whole number (got 1.5)",
            "policy.free_reschedules: must be a whole number (got None)",
        ]


class TestDocumentError:
    def test_it_is_a_ppa_error_and_a_value_error(self) -> None:
        assert issubclass(DocumentError, PpaError)
        assert issubclass(DocumentError, ValueError)
        assert DocumentError.__doc__ is not None
        assert DocumentError.__doc__.startswith("Raised when")
        assert ppa_core.DocumentError is DocumentError
        assert "DocumentError" in ppa_core.__all__

    def test_it_keeps_its_problems_as_values(self) -> None:
        error = DocumentError([Problem("contract.cap", "must be a whole number")])
        assert error.problems == (Problem("contract.cap", "must be a whole number"),)
        assert str(error.problems[0]) == "contract.cap: must be a whole number"
        assert str(error) == "1 problem in the document:\ncontract.cap: must be a whole number"

    def test_it_pickles(self) -> None:
        error = DocumentError([Problem("a", "b"), Problem("c", "d")])
        copy = pickle.loads(pickle.dumps(error))
        assert copy.problems == error.problems
        assert str(copy) == str(error)


# -- fuzzing ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)

_ODD_STRINGS = st.sampled_from(
    (
        "",
        "not_a_member",
        "2026-03-02T10:00:00",  # naive
        "2026-03-02T10:00:00+01:00[Nowhere/Else]",
        "2026-02-30",
        "1E+5",
        "NaN",
        "Infinity",
        "-0",
        "XXX",
        "Europe/Berlin",
        "pay_per_lead",
        "bant",
    )
)
_REPLACEMENTS = st.one_of(
    json_values,
    _ODD_STRINGS,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**70), 2**70),
)


def _check(load_it: Callable[[], Any], kind: str) -> None:
    """A load returns an object of ``kind`` or raises DocumentError with located problems."""
    try:
        loaded = load_it()
    except DocumentError as caught:
        problems = caught.problems
    else:
        assert type(loaded) is KINDS[kind]
        return
    assert problems
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path
        assert problem.message


def _locations(value: Any, into: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) pair of a document."""
    if isinstance(value, dict):
        for key, item in value.items():
            into.append((value, key))
            _locations(item, into)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            into.append((value, i))
            _locations(item, into)
    return into


class TestFuzz:
    @given(kind=st.sampled_from(sorted(KINDS)), value=json_values)
    def test_random_values_never_escape_as_anything_but_document_error(
        self, kind: str, value: Any
    ) -> None:
        _check(lambda: load_data(kind, value), kind)
        _check(lambda: load(kind, value), kind)
        envelope = {"schema": f"ppa_core/{kind}", "version": 1, "data": value}
        _check(lambda: load(kind, envelope), kind)

    @given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
    def test_random_objects_with_the_right_field_names_never_escape(
        self, kind: str, data: st.DataObject
    ) -> None:
        names = [a.name for a in attrs.fields(KINDS[kind]) if a.init]
        value = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(names, _REPLACEMENTS)))
        _check(lambda: load_data(kind, value), kind)

    @given(obj=any_object, data=st.data())
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_mutated_documents_never_escape_as_anything_but_document_error(
        self, obj: Any, data: st.DataObject
    ) -> None:
        kind = next(k for k, cls in KINDS.items() if type(obj) is cls)
        document = dump(obj)
        locations = _locations(document["data"], [])
        assume(locations)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            container, key = data.draw(st.sampled_from(locations), label="where")
            if isinstance(container, dict) and data.draw(st.booleans(), label="drop"):
                container.pop(key, None)
            elif isinstance(container, dict) or key < len(container):
                container[key] = data.draw(_REPLACEMENTS, label="value")
        _check(lambda: load(kind, document), kind)
        _check(lambda: loads(kind, json.dumps(document)), kind)

    @given(text=st.one_of(st.text(max_size=40), st.binary(max_size=40)))
    def test_random_text_never_escapes_as_anything_but_document_error(
        self, text: str | bytes
    ) -> None:
        _check(lambda: loads("contract", text), "contract")

    @given(data=st.data())
    def test_any_amount_within_the_limits_round_trips(self, data: st.DataObject) -> None:
        """Every amount Money holds: up to 18 digits before the point and 12 after."""
        places = data.draw(st.integers(0, 12), label="places")
        units = data.draw(st.integers(-(10 ** (18 + places)) + 1, 10 ** (18 + places) - 1))
        amount = Money(Decimal(f"{units}E-{places}"), "EUR")
        loaded = load(Money, dump(amount))
        assert loaded == amount
        assert str(loaded.amount) == str(amount.amount)
