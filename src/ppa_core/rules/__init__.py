"""The decision: the rules engine that decides each appointment's billability, with its trace.

Invoices and figures, built from the decisions, are the billing layer's
(:mod:`ppa_core.billing`).
"""

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
from ppa_core.rules.engine import BillingEngine, decide, decide_all
from ppa_core.rules.rule_set import RuleSet
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
    "Condition",
    "Decision",
    "DecisionStatus",
    "DisputeRule",
    "ExplainableRule",
    "Finding",
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
    "builtin_rules",
    "condition",
    "decide",
    "decide_all",
    "not_",
]
