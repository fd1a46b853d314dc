"""Compact pickling of the values a billing run sends to workers and back."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings

from ppa_core.billing import build_invoice
from ppa_core.domain._compact import _rebuild, compact_pickle
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.money import Money
from ppa_core.testing import (
    DEFAULT_START,
    appointments,
    make_appointment,
    make_contract,
    make_prospect,
)

ISSUED = pendulum.datetime(2026, 4, 2, 9, tz="Europe/Berlin")


def _every_field(value: Any) -> tuple[Any, ...]:
    """All attrs fields, those left out of == (derived, init=False) included."""
    return tuple(getattr(value, f.name) for f in attrs.fields(type(value)))


def _round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


class TestCompactPickle:
    @settings(max_examples=40)
    @given(appointments())
    def test_an_appointment_comes_back_exactly_with_its_derived_facts(
        self, appointment: Appointment
    ) -> None:
        copy = _round_trip(appointment)
        assert type(copy) is Appointment
        assert copy == appointment
        assert _every_field(copy) == _every_field(appointment)
        assert _every_field(copy.prospect) == _every_field(appointment.prospect)
        assert [_every_field(e) for e in copy.history] == [
            _every_field(e) for e in appointment.history
        ]
        assert copy.state is appointment.state
        assert copy.start == appointment.start

    def test_an_invoice_comes_back_equal_line_for_line(self) -> None:
        meetings = [
            make_appointment(
                "held" if j % 3 else "no_show",
                DEFAULT_START.add(days=j),
                id=f"a-{j}",
                prospect=make_prospect(id=f"p-{j}"),
            )
            for j in range(6)
        ]
        invoice = build_invoice(make_contract(), meetings, DEFAULT_START.add(days=3), as_of=ISSUED)
        assert len(invoice.lines) >= 2
        assert invoice.not_billed
        copy = _round_trip(invoice)
        assert copy == invoice
        assert [_every_field(line) for line in copy.lines] == [
            _every_field(line) for line in invoice.lines
        ]
        assert copy.total == invoice.total

    def test_money_keeps_its_exact_amount_and_currency(self) -> None:
        price = Money.of("350.10", "EUR")
        copy = _round_trip(price)
        assert copy == price
        assert str(copy.amount) == "350.10"
        assert copy.currency.code == "EUR"

    def test_the_copy_is_still_frozen(self) -> None:
        copy = _round_trip(Money.of("1.00", "EUR"))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            copy.amount = 2  # type: ignore[misc]

    def test_it_pickles_smaller_than_attrs_field_dicts(self) -> None:
        meetings = [make_appointment("held", DEFAULT_START.add(days=j)) for j in range(20)]
        compact = len(pickle.dumps(meetings, pickle.HIGHEST_PROTOCOL))
        by_dict = len(
            pickle.dumps(
                [(type(m), m.__getstate__()) for m in meetings],  # what attrs pickles
                pickle.HIGHEST_PROTOCOL,
            )
        )
        assert compact < by_dict

    def test_a_class_with_one_field_pickles_as_a_one_value_tuple(self) -> None:
        copy = _round_trip(_One(7))
        assert copy == _One(7)
        assert _One(7).__reduce__() == (_rebuild, (_One, (7,)))

    def test_a_subclass_keeps_its_own_class_and_fields(self) -> None:
        copy = _round_trip(_Two(7, "seven"))
        assert type(copy) is _Two
        assert copy == _Two(7, "seven")

    def test_only_registered_classes_are_rebuilt(self) -> None:
        with pytest.raises(KeyError):
            _rebuild(_Unregistered, (1,))


@compact_pickle
@attrs.frozen
class _One:
    value: int


@attrs.frozen
class _Unregistered:
    value: int


@attrs.frozen
class _Two(_One):
    name: str
