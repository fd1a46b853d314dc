"""The rules engine: billing decisions with traces, invoices and figures."""

from ppa_core.rules.builtin import (
    AttendanceRule,
    CancellationRule,
    DisputeRule,
    OutcomeRule,
    QualificationRule,
    RescheduleRule,
    TermRule,
    VoidRule,
    builtin_rules,
)
from ppa_core.rules.context import ExplainableRule, Rule, RuleContext
from ppa_core.rules.custom import Condition, Require, all_of, any_of, condition, not_
from ppa_core.rules.engine import BillingEngine, RuleSet, decide, decide_all
from ppa_core.rules.figures import Comparison, Figures, ModelCost, compare_models, compute_figures
from ppa_core.rules.invoice import (
    GuaranteeResult,
    Invoice,
    InvoiceLine,
    LineKind,
    build_invoice,
)
from ppa_core.rules.verdict import (
    Decision,
    DecisionStatus,
    Finding,
    ReasonCode,
    RuleOutcome,
    Verdict,
)

__all__ = [
    "AttendanceRule",
    "BillingEngine",
    "CancellationRule",
    "Comparison",
    "Condition",
    "Decision",
    "DecisionStatus",
    "DisputeRule",
    "ExplainableRule",
    "Figures",
    "Finding",
    "GuaranteeResult",
    "Invoice",
    "InvoiceLine",
    "LineKind",
    "ModelCost",
    "OutcomeRule",
    "QualificationRule",
    "ReasonCode",
    "Require",
    "RescheduleRule",
    "Rule",
    "RuleContext",
    "RuleOutcome",
    "RuleSet",
    "TermRule",
    "Verdict",
    "VoidRule",
    "all_of",
    "any_of",
    "build_invoice",
    "builtin_rules",
    "compare_models",
    "compute_figures",
    "condition",
    "decide",
    "decide_all",
    "not_",
]
