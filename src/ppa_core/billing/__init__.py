"""Billing: what the decisions come to over a period (invoices) and over a campaign (figures)."""

from ppa_core.billing.figures import Comparison, Figures, ModelCost, compare_models, compute_figures
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import GuaranteeResult, Invoice, InvoiceLine, LineKind

__all__ = [
    "Comparison",
    "Figures",
    "GuaranteeResult",
    "Invoice",
    "InvoiceLine",
    "LineKind",
    "ModelCost",
    "build_invoice",
    "compare_models",
    "compute_figures",
]
