"""Billing: what the decisions come to over a period (invoices, documents) and a campaign."""

from ppa_core.billing.credit_note import (
    CreditNote,
)
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
from ppa_core.billing.invoice import (
    build_invoice,
)
from ppa_core.billing.issuing import (
    FIRST_PERIOD,
    Document,
    FirstPeriod,
    IssuedDocuments,
    PeriodDocuments,
    credit_balance,
    draft_documents,
)
from ppa_core.billing.lines import (
    GuaranteeResult,
    Invoice,
    InvoiceLine,
    LineKind,
)
from ppa_core.billing.measurement import (
    Measurement,
)
from ppa_core.billing.numbering import (
    NumberSeries,
    check_gapless,
)
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
from ppa_core.billing.run import (
    AppointmentLoader,
    RunBatch,
    billing_run,
    run_batch,
)
from ppa_core.billing.statement import (
    EntryKind,
    Statement,
    StatementEntry,
    statement,
)
from ppa_core.billing.tax import (
    TAX_METHOD,
    TaxLine,
    tax_lines,
)

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
