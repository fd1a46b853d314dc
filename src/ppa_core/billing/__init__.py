"""Billing: what the decisions come to over a period (invoices) and over a campaign (figures)."""

from ppa_core.billing.figures import Comparison, Figures, ModelCost, compare_models, compute_figures
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import GuaranteeResult, Invoice, InvoiceLine, LineKind
from ppa_core.billing.measurement import Measurement
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
from ppa_core.billing.run import RunBatch, billing_run, run_batch

__all__ = [
    "SERVICE_LEVEL_BREACH",
    "Comparison",
    "DecisionChange",
    "ExitRight",
    "Figures",
    "GuaranteeResult",
    "Invoice",
    "InvoiceLine",
    "Judgement",
    "JudgementStatus",
    "LineKind",
    "Measurement",
    "ModelCost",
    "PeriodChange",
    "Review",
    "RunBatch",
    "WhatIf",
    "add_service_credits",
    "billing_run",
    "build_invoice",
    "compare_models",
    "compute_figures",
    "proposed_contract",
    "review",
    "run_batch",
    "what_if",
]
