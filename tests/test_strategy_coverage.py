"""The contract strategies stay cheap (few draws) yet still reach every term and filter."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings

from ppa_core.domain.contract import BillingPeriodRule, Contract, ContractTerms, Term
from ppa_core.domain.duplicates import DuplicateRule
from ppa_core.domain.money import Money
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import PerAppointment, PricingModel, model_of
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.testing import contracts, qualification_criteria

EXAMPLES = 400
_BARE = ContractTerms(pricing=PerAppointment(price=Money("1", "EUR")))
_TERM_DEFAULTS = {f.name: getattr(_BARE, f.name) for f in attrs.fields(ContractTerms) if f.init}
_POLICY_DEFAULTS = {f.name: f.default for f in attrs.fields(NoShowPolicy)}
_CRITERIA_DEFAULTS = QualificationCriteria()
_DRAWN_TERMS = set(_TERM_DEFAULTS) - {"pricing", "extra_rules", "service_levels", "exit_clauses"}


def _features(contract: Contract) -> set[str]:
    """The names of every feature this contract uses, away from its default."""
    terms = contract.terms
    seen = {
        f"model:{model_of(t.pricing)}" for t in (terms, *(a.terms for a in contract.amendments))
    }
    seen |= {f"terms.{n}" for n in _DRAWN_TERMS if getattr(terms, n) != _TERM_DEFAULTS[n]}
    seen |= {f"policy.{n}" for n, d in _POLICY_DEFAULTS.items() if getattr(terms.policy, n) != d}
    criteria = terms.criteria
    assert isinstance(criteria, QualificationCriteria)
    seen |= {
        f"criteria.{f.name}"
        for f in attrs.fields(QualificationCriteria)
        if f.init and getattr(criteria, f.name) != getattr(_CRITERIA_DEFAULTS, f.name)
    }
    pricing = terms.pricing
    if isinstance(pricing, PerAppointment):
        seen |= {
            f"per_appointment.{n}"
            for n in ("seniority_prices", "tiers", "package", "free_units")
            if getattr(pricing, n)
        }
    seen |= {
        name
        for name, used in (
            ("term_end", contract.term.end is not None),
            ("notice", contract.term.notice_days != Term(contract.term.start).notice_days),
            ("billing_period", contract.billing_period != BillingPeriodRule()),
            ("amendments", bool(contract.amendments)),
            ("amended_terms_change", any(a.terms != terms for a in contract.amendments)),
            ("review", contract.review_every_months is not None),
            ("parties", contract.parties is not None),
        )
        if used
    }
    return seen


def _expected() -> set[str]:
    criteria = {f.name for f in attrs.fields(QualificationCriteria) if f.init}
    return (
        {f"model:{m}" for m in PricingModel}
        | {f"terms.{n}" for n in _DRAWN_TERMS}
        | {f"policy.{n}" for n in _POLICY_DEFAULTS}
        | {f"criteria.{n}" for n in criteria}
        | {f"per_appointment.{n}" for n in ("seniority_prices", "tiers", "package", "free_units")}
        | {"term_end", "notice", "billing_period", "amendments", "amended_terms_change"}
        | {"review", "parties"}
    )


# Generation only, the same examples every run: these tests count what is drawn.
GENERATE_ONLY = settings(
    max_examples=EXAMPLES,
    phases=[Phase.generate],
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def test_a_few_hundred_contracts_reach_every_term_filter_and_pricing_model() -> None:
    seen: set[str] = set()

    @GENERATE_ONLY
    @given(contracts())
    def collect(contract: Contract) -> None:
        seen.update(_features(contract))

    collect()
    assert _expected() - seen == set()


def test_the_last_criteria_filters_are_on_as_often_as_the_first() -> None:
    # 13 flags in one whole number left the last ones on in about 15 % of draws
    # (Hypothesis draws wide numbers mostly small); ten to a draw, each is on about as often.
    on: dict[str, int] = {"seniority": 0, "bant": 0, "unknown_passes": 0}
    drawn = 0

    @GENERATE_ONLY
    @given(qualification_criteria(currency="EUR"))
    def count(criteria: QualificationCriteria) -> None:
        nonlocal drawn
        drawn += 1
        on["seniority"] += criteria.minimum_seniority is not None or bool(criteria.seniorities)
        on["bant"] += not criteria.bant.is_empty
        on["unknown_passes"] += criteria.unknown_passes

    count()
    assert all(n > drawn / 4 for n in on.values()), (on, drawn)


def test_the_defaults_compared_against_are_the_domain_s() -> None:
    assert _TERM_DEFAULTS["duplicates"] == DuplicateRule()
    assert _TERM_DEFAULTS["payment_terms"] == PaymentTerms()
    assert _POLICY_DEFAULTS["grace_minutes"] == NoShowPolicy().grace_minutes
    features: dict[str, Any] = dict.fromkeys(_expected())
    assert "criteria.unknown_passes" in features
