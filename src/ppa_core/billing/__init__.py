"""Billing: what the decisions come to over a period (invoices, documents) and a campaign.

Every name is loaded from its module on first use (module ``__getattr__``, PEP 562):
``import ppa_core`` should not pay for credit notes, reviews and renegotiations
(benchmarks/bench_import.py).
"""

import importlib
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use, by __getattr__ below
    from ppa_core.billing.credit_note import CreditNote
    from ppa_core.billing.document import (
        DOCUMENT_TRANSITIONS,
        DocumentAction,
        DocumentLine,
        DocumentStatus,
        InvoiceDocument,
    )
    from ppa_core.billing.figures import (
        Comparison,
        Figures,
        ModelCost,
        compare_models,
        compute_figures,
    )
    from ppa_core.billing.invoice import build_invoice
    from ppa_core.billing.issuing import (
        FIRST_PERIOD,
        Document,
        FirstPeriod,
        IssuedDocuments,
        PeriodDocuments,
        credit_balance,
        draft_documents,
    )
    from ppa_core.billing.lines import GuaranteeResult, Invoice, InvoiceLine, LineKind
    from ppa_core.billing.measurement import Measurement
    from ppa_core.billing.numbering import NumberSeries, check_gapless
    from ppa_core.billing.renegotiation import (
        DecisionChange,
        PeriodChange,
        WhatIf,
        proposed_contract,
        what_if,
    )
    from ppa_core.billing.review import (
        SERVICE_LEVEL_BREACH,
        ExitRight,
        Judgement,
        JudgementStatus,
        Review,
        add_service_credits,
        review,
    )
    from ppa_core.billing.run import AppointmentLoader, RunBatch, billing_run, run_batch
    from ppa_core.billing.statement import EntryKind, Statement, StatementEntry, statement
    from ppa_core.billing.tax import TAX_METHOD, TaxLine, tax_lines

# Each public name and the module defining it.
_LAZY = {
    "CreditNote": "ppa_core.billing.credit_note",
    "DOCUMENT_TRANSITIONS": "ppa_core.billing.document",
    "DocumentAction": "ppa_core.billing.document",
    "DocumentLine": "ppa_core.billing.document",
    "DocumentStatus": "ppa_core.billing.document",
    "InvoiceDocument": "ppa_core.billing.document",
    "Comparison": "ppa_core.billing.figures",
    "Figures": "ppa_core.billing.figures",
    "ModelCost": "ppa_core.billing.figures",
    "compare_models": "ppa_core.billing.figures",
    "compute_figures": "ppa_core.billing.figures",
    "build_invoice": "ppa_core.billing.invoice",
    "FIRST_PERIOD": "ppa_core.billing.issuing",
    "Document": "ppa_core.billing.issuing",
    "FirstPeriod": "ppa_core.billing.issuing",
    "IssuedDocuments": "ppa_core.billing.issuing",
    "PeriodDocuments": "ppa_core.billing.issuing",
    "credit_balance": "ppa_core.billing.issuing",
    "draft_documents": "ppa_core.billing.issuing",
    "GuaranteeResult": "ppa_core.billing.lines",
    "Invoice": "ppa_core.billing.lines",
    "InvoiceLine": "ppa_core.billing.lines",
    "LineKind": "ppa_core.billing.lines",
    "Measurement": "ppa_core.billing.measurement",
    "NumberSeries": "ppa_core.billing.numbering",
    "check_gapless": "ppa_core.billing.numbering",
    "DecisionChange": "ppa_core.billing.renegotiation",
    "PeriodChange": "ppa_core.billing.renegotiation",
    "WhatIf": "ppa_core.billing.renegotiation",
    "proposed_contract": "ppa_core.billing.renegotiation",
    "what_if": "ppa_core.billing.renegotiation",
    "SERVICE_LEVEL_BREACH": "ppa_core.billing.review",
    "ExitRight": "ppa_core.billing.review",
    "Judgement": "ppa_core.billing.review",
    "JudgementStatus": "ppa_core.billing.review",
    "Review": "ppa_core.billing.review",
    "add_service_credits": "ppa_core.billing.review",
    "review": "ppa_core.billing.review",
    "AppointmentLoader": "ppa_core.billing.run",
    "RunBatch": "ppa_core.billing.run",
    "billing_run": "ppa_core.billing.run",
    "run_batch": "ppa_core.billing.run",
    "EntryKind": "ppa_core.billing.statement",
    "Statement": "ppa_core.billing.statement",
    "StatementEntry": "ppa_core.billing.statement",
    "statement": "ppa_core.billing.statement",
    "TAX_METHOD": "ppa_core.billing.tax",
    "TaxLine": "ppa_core.billing.tax",
    "tax_lines": "ppa_core.billing.tax",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary global
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """This package, keeping ``review`` and ``statement`` the functions, not their modules.

    Importing ``ppa_core.billing.review`` binds the module to the package's ``review``
    attribute, which, with the names loaded lazily, would hide the function of the
    same name; eager imports used to rebind it just after.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


# import_module of the package being initialised returns its own module object.
importlib.import_module(__name__).__class__ = _Package

__all__ = [
    "DOCUMENT_TRANSITIONS",
    "FIRST_PERIOD",
    "SERVICE_LEVEL_BREACH",
    "TAX_METHOD",
    "AppointmentLoader",
    "Comparison",
    "CreditNote",
    "DecisionChange",
    "Document",
    "DocumentAction",
    "DocumentLine",
    "DocumentStatus",
    "EntryKind",
    "ExitRight",
    "Figures",
    "FirstPeriod",
    "GuaranteeResult",
    "Invoice",
    "InvoiceDocument",
    "InvoiceLine",
    "IssuedDocuments",
    "Judgement",
    "JudgementStatus",
    "LineKind",
    "Measurement",
    "ModelCost",
    "NumberSeries",
    "PeriodChange",
    "PeriodDocuments",
    "Review",
    "RunBatch",
    "Statement",
    "StatementEntry",
    "TaxLine",
    "WhatIf",
    "add_service_credits",
    "billing_run",
    "build_invoice",
    "check_gapless",
    "compare_models",
    "compute_figures",
    "credit_balance",
    "draft_documents",
    "proposed_contract",
    "review",
    "run_batch",
    "statement",
    "tax_lines",
    "what_if",
]
