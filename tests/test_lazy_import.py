"""`import ppa_core` stays light: the domain's values only; the rest loads on use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import ppa_core
from ppa_core import billing

SRC = str(Path(ppa_core.__file__).parents[1])

_PROBE = """
import sys
import ppa_core
heavy = ("pandas", "matplotlib", "hypothesis", "html", "ppa_core.rules", "ppa_core.billing.lines",
         "ppa_core.modelling", "ppa_core.presentation", "ppa_core.adapters", "ppa_core.sample")
print(",".join(m for m in heavy if m in sys.modules) or "-")
import pendulum
from ppa_core import Contract, PerAppointment, Money, Term
c = Contract(
    id="c-1", agency="Outbound Co", client="Acme", currency="EUR", timezone="Europe/Berlin",
    term=Term(start=pendulum.date(2026, 1, 1)),
    terms=ppa_core.ContractTerms(pricing=PerAppointment(price=Money("350", "EUR"))),
)
print(repr(c))
print(ppa_core.simulate.__module__)
"""


def _fresh(code: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout.splitlines()


class TestLazyImport:
    def test_import_loads_no_extra_and_no_higher_layer_yet_a_contract_renders(self) -> None:
        loaded, shown, module = _fresh(_PROBE)
        assert loaded == "-"
        assert shown.startswith("Contract('c-1', Outbound Co -> Acme, EUR 350.00 per appointment")
        assert module.startswith("ppa_core.modelling.")

    def test_every_public_name_resolves_and_is_listed(self) -> None:
        for name in ppa_core.__all__:
            assert getattr(ppa_core, name) is not None, name
        assert set(ppa_core.__all__) <= set(dir(ppa_core))

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="no_such_name"):
            ppa_core.no_such_name  # type: ignore[attr-defined]  # noqa: B018


_BILLING_PROBE = """
import ppa_core.billing.review, ppa_core.billing.statement  # the submodules first
from ppa_core.billing import review, statement
print(review.__module__, statement.__module__, callable(review), callable(statement))
"""


class TestLazyBilling:
    def test_every_billing_name_resolves_and_is_listed(self) -> None:
        for name in billing.__all__:
            assert getattr(billing, name) is not None, name
        assert set(billing.__all__) <= set(dir(billing))
        assert ppa_core.build_invoice is billing.build_invoice

    def test_review_and_statement_stay_functions_when_their_modules_load_first(self) -> None:
        (shown,) = _fresh(_BILLING_PROBE)
        assert shown == "ppa_core.billing.review ppa_core.billing.statement True True"

    def test_an_unknown_billing_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match=r"'ppa_core\.billing' has no attribute 'nothing'"):
            billing.nothing  # type: ignore[attr-defined]  # noqa: B018
