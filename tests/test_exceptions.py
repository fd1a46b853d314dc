"""The library's exceptions: one base, one kind per failure, facts kept as attributes."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pendulum
import pytest

import ppa_core
from ppa_core import BillingEngine, exceptions
from ppa_core.billing.figures import compute_figures
from ppa_core.billing.invoice import build_invoice
from ppa_core.domain.money import Money
from ppa_core.exceptions import (
    CurrencyMismatch,
    DocumentError,
    EventPayloadError,
    InvalidMoney,
    MissingDependency,
    MoneyOperationError,
    NaiveDatetime,
    PpaError,
    RuleDefinitionError,
    TransitionNotAllowed,
    ValidationError,
)
from ppa_core.testing import make_appointment, make_contract, make_criteria, make_prospect

ALL_ERRORS = (
    ValidationError,
    InvalidMoney,
    NaiveDatetime,
    CurrencyMismatch,
    DocumentError,
    EventPayloadError,
    MoneyOperationError,
    MissingDependency,
    TransitionNotAllowed,
    RuleDefinitionError,
)


class TestHierarchy:
    @pytest.mark.parametrize("error", ALL_ERRORS)
    def test_every_library_error_is_a_ppa_error_and_a_builtin_kind(
        self, error: type[Exception]
    ) -> None:
        """Callers catching ValueError/TypeError keep working: each error is also one of them."""
        assert issubclass(error, PpaError)
        expected = {MoneyOperationError: TypeError, MissingDependency: ImportError}.get(
            error, ValueError
        )
        assert issubclass(error, expected)

    def test_ppa_error_is_an_exception_but_not_itself_a_value_error(self) -> None:
        assert issubclass(PpaError, Exception)
        assert not issubclass(PpaError, ValueError)

    @pytest.mark.parametrize("error", [InvalidMoney, NaiveDatetime])
    def test_bad_money_and_naive_datetimes_are_validation_errors(
        self, error: type[Exception]
    ) -> None:
        assert issubclass(error, ValidationError)

    def test_a_currency_mismatch_is_not_a_validation_error(self) -> None:
        """Mixing currencies is a broken operation, not a bad field value."""
        assert not issubclass(CurrencyMismatch, ValidationError)

    def test_the_module_exports_exactly_its_error_classes(self) -> None:
        defined = {
            name
            for name, obj in vars(exceptions).items()
            if inspect.isclass(obj) and issubclass(obj, BaseException)
            if obj.__module__ == exceptions.__name__
        }
        assert set(exceptions.__all__) == defined == {e.__name__ for e in (PpaError, *ALL_ERRORS)}

    def test_every_error_is_public_at_the_package_top_level(self) -> None:
        for error in (PpaError, *ALL_ERRORS):
            assert getattr(ppa_core, error.__name__) is error
            assert error.__name__ in ppa_core.__all__

    @pytest.mark.parametrize("error", ALL_ERRORS)
    def test_every_error_documents_when_it_is_raised(self, error: type[Exception]) -> None:
        assert error.__doc__ is not None
        assert error.__doc__.startswith("Raised when")

    def test_catching_ppa_error_catches_what_the_library_raises(self) -> None:
        with pytest.raises(PpaError):
            Money(0.1, "EUR")
        with pytest.raises(PpaError):
            Money(1, "EUR") + Money(1, "USD")


class TestValidationError:
    def test_keeps_field_value_and_allowed_as_attributes(self) -> None:
        error = ValidationError("company.country", "DEU", "an ISO 3166-1 alpha-2 code")
        assert error.field == "company.country"
        assert error.value == "DEU"
        assert error.allowed == "an ISO 3166-1 alpha-2 code"

    def test_message_says_field_must_be_allowed_got_value(self) -> None:
        error = ValidationError("currency", "usd ", "one of ('EUR', 'USD')")
        assert str(error) == "'currency' must be one of ('EUR', 'USD') (got 'usd ')"

    def test_the_given_value_is_shown_with_its_repr(self) -> None:
        """A string '10' and the number 10 must read differently in the message."""
        assert str(ValidationError("n", "10", "a whole number")).endswith("(got '10')")
        assert str(ValidationError("n", 10.0, "a whole number")).endswith("(got 10.0)")


class TestInvalidMoney:
    def test_a_float_amount_names_the_field_and_the_reason(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(0.1, "EUR")
        assert info.value.field == "amount"
        assert info.value.value == 0.1
        assert str(info.value) == (
            "'amount' must be a Decimal, int or decimal string; "
            "floats are refused for money (got 0.1)"
        )

    def test_an_unknown_currency_names_the_field_and_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(1, "usd")
        assert str(info.value).startswith("'currency' must be an ISO 4217 code")
        assert str(info.value).endswith("(got 'usd')")


class TestNaiveDatetime:
    def test_says_a_timezone_aware_datetime_is_needed(self) -> None:
        error = NaiveDatetime("start", "2026-03-02 10:00")
        assert error.field == "start"
        assert error.allowed == "a timezone-aware datetime"
        assert str(error) == "'start' must be a timezone-aware datetime (got '2026-03-02 10:00')"


class TestCurrencyMismatchError:
    def test_keeps_the_operation_and_both_currencies(self) -> None:
        error = CurrencyMismatch("invoice line", "EUR", "USD")
        assert error.operation == "invoice line"
        assert error.currencies == ("EUR", "USD")
        assert str(error) == "cannot invoice line money in EUR and USD: currencies never mix"


class TestTransitionNotAllowed:
    def test_names_state_action_and_allowed_actions(self) -> None:
        error = TransitionNotAllowed("held", "cancel", ["correct", "dispute"])
        assert error.state == "held"
        assert error.action == "cancel"
        assert error.allowed == ("correct", "dispute")
        assert error.detail is None
        assert str(error) == (
            "cannot cancel an appointment that is held; allowed from held: correct, dispute"
        )

    def test_a_final_state_says_nothing_is_allowed(self) -> None:
        error = TransitionNotAllowed("void", "hold", [])
        assert error.allowed == ()
        assert "none (final state)" in str(error)

    def test_a_detail_explains_an_allowed_action_refused_on_its_facts(self) -> None:
        error = TransitionNotAllowed(
            "scheduled", "hold", ["hold", "cancel"], detail="the meeting has not started"
        )
        assert error.detail == "the meeting has not started"
        assert error.allowed == ("hold", "cancel")
        assert str(error) == (
            "cannot hold an appointment that is scheduled: the meeting has not started"
        )


class TestRuleDefinitionError:
    def test_names_the_rule_and_the_problem(self) -> None:
        error = RuleDefinitionError("tiers", "the last tier must be open-ended")
        assert error.rule == "tiers"
        assert error.problem == "the last tier must be open-ended"
        assert str(error) == "rule 'tiers': the last tier must be open-ended"


class TestBadInputNamesTheField:
    """Bad arguments at the public entry points raise a ValidationError naming the argument."""

    @staticmethod
    def _calls() -> list[tuple[str, Callable[[], object]]]:
        contract = make_contract()
        start = pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin")
        at = start.add(days=40)
        engine = BillingEngine(contract)
        criteria = make_criteria()
        disputed = make_appointment("held", start).dispute(at=start.add(days=1), reason="r")
        return [
            ("appointments", lambda: engine.decide_all(None, as_of=at)),  # type: ignore[arg-type]
            ("others", lambda: engine.decide(disputed, as_of=at, others=5)),  # type: ignore[arg-type]  # None: not given
            ("contract", lambda: build_invoice(None, [], start, as_of=at)),  # type: ignore[arg-type]
            ("engine", lambda: build_invoice(contract, [], start, as_of=at, engine="x")),  # type: ignore[arg-type]
            ("appointments", lambda: build_invoice(contract, None, start, as_of=at)),  # type: ignore[arg-type]
            ("previous", lambda: build_invoice(contract, [], start, as_of=at, previous=None)),  # type: ignore[arg-type]
            ("leads", lambda: build_invoice(contract, [], start, as_of=at, leads=-1)),
            ("period", lambda: compute_figures(contract, [], as_of=at, period="2026-03")),  # type: ignore[arg-type]
            ("opportunities", lambda: compute_figures(contract, [], as_of=at, opportunities=-1)),
            ("revenue", lambda: compute_figures(contract, [], as_of=at, revenue=100)),  # type: ignore[arg-type]
            (
                "period_fees",
                lambda: compute_figures(contract, [], as_of=at, period_fees=Money.of(1, "USD")),
            ),
            ("engine", lambda: compute_figures(contract, [], as_of=at, engine="x")),  # type: ignore[arg-type]
            ("prospect", lambda: criteria.evaluate(None, start.date())),  # type: ignore[arg-type]
            ("as_of", lambda: criteria.evaluate(make_prospect(), "2026-03-02")),  # type: ignore[arg-type]
            ("as_of", lambda: criteria.evaluate(make_prospect(), start)),
            ("upheld", lambda: disputed.resolve_dispute(at=start.add(days=2), upheld="no")),  # type: ignore[arg-type]
        ]

    def test_each_bad_argument_is_refused_with_its_name(self) -> None:
        for field, call in self._calls():
            with pytest.raises(ValidationError) as caught:
                call()
            assert caught.value.field == field, f"{field}: {caught.value}"
