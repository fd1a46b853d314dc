"""Hypothesis strategies and factories for partners' test suites (an adapter).

Every strategy builds valid domain objects by construction (never by filtering),
is typed ``-> st.SearchStrategy[T]``, checks its options when called and raises
:class:`~ppa_core.exceptions.ValidationError` naming the bad option. The
factories build one realistic object with market defaults and keyword overrides;
``make_prospect()`` qualifies under ``make_criteria()`` for a meeting at
``DEFAULT_START`` (Monday 2 March 2026, 10:00 in Berlin).

A partner's property test:

>>> from hypothesis import given
>>> from ppa_core.testing import appointments
>>> @given(appointments(state="no_show"))
... def test_a_no_show_says_who_was_absent(appointment):
...     assert appointment.absent
>>> test_a_no_show_says_who_was_absent()
"""

from ppa_core._optional import MissingDependency

# Checked once here, before the submodules import it: a clear error naming the extra.
try:
    import hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - the 'testing' extra installs it
    raise MissingDependency("hypothesis", "testing", "ppa_core.testing") from None

from ppa_core.testing._appointments import appointments
from ppa_core.testing._contracts import contract_terms, contracts, no_show_policies
from ppa_core.testing._document_terms import parties, payment_terms, tax_treatments
from ppa_core.testing._factories import (
    DEFAULT_START,
    make_appointment,
    make_contract,
    make_criteria,
    make_prospect,
)
from ppa_core.testing._prospects import bant_evidence, companies, prospects
from ppa_core.testing._qualification import qualification_criteria, qualified_prospects
from ppa_core.testing._registration import register_strategies
from ppa_core.testing._service_levels import exit_clauses, service_levels
from ppa_core.testing._values import TIMEZONES, aware_datetimes, currencies, money, timezones

__all__ = [
    "DEFAULT_START",
    "TIMEZONES",
    "appointments",
    "aware_datetimes",
    "bant_evidence",
    "companies",
    "contract_terms",
    "contracts",
    "currencies",
    "exit_clauses",
    "make_appointment",
    "make_contract",
    "make_criteria",
    "make_prospect",
    "money",
    "no_show_policies",
    "parties",
    "payment_terms",
    "prospects",
    "qualification_criteria",
    "qualified_prospects",
    "register_strategies",
    "service_levels",
    "tax_treatments",
    "timezones",
]

# The entry point does this when Hypothesis is imported from an installed ppa_core; done
# here too so a source checkout that was not re-installed gets st.from_type as well.
register_strategies()
