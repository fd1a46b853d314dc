"""The built-in per-appointment rules, configured by a contract's terms.

They run in this order (duplicates, the cap and pricing follow in the engine,
because they look at the other appointments of the period):

=================  ==========================================================
``term``           the meeting falls within the contract term (OUTSIDE_TERM)
``void``           the appointment was not entered in error (VOID)
``outcome``        the outcome is known (PENDING_OUTCOME)
``cancellation``   early cancellations, and proposals cancelled before the
                   invitation was accepted, are not billed (CANCELLED); late
                   ones by the prospect count as a no-show, by the client are
                   billable (LATE_CANCELLATION)
``reschedule``     at most N free reschedules, each landing within D days of
                   the original start (RESCHEDULE_LIMIT)
``attendance``     no-shows (PROSPECT_NO_SHOW, HOST_NO_SHOW), late joins
                   (LATE_JOIN) and short meetings (SHORT_MEETING)
``qualification``  the prospect meets the criteria as of the meeting date
                   (NOT_QUALIFIED)
``dispute``        no dispute upheld within the dispute window (DISPUTE_UPHELD)
=================  ==========================================================

Each rule lives in the module of its concept (:mod:`~ppa_core.rules.lifecycle`,
:mod:`~ppa_core.rules.cancellation`, :mod:`~ppa_core.rules.attendance`,
:mod:`~ppa_core.rules.qualification`, :mod:`~ppa_core.rules.dispute`) and can
be imported from here as well.
"""

from __future__ import annotations

from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.rules.attendance import AttendanceRule
from ppa_core.rules.cancellation import CancellationRule, RescheduleRule
from ppa_core.rules.dispute import DisputeRule
from ppa_core.rules.lifecycle import OutcomeRule, TermRule, VoidRule
from ppa_core.rules.qualification import QualificationRule

__all__ = [
    "AttendanceRule",
    "CancellationRule",
    "DisputeRule",
    "OutcomeRule",
    "QualificationRule",
    "RescheduleRule",
    "TermRule",
    "VoidRule",
    "builtin_rules",
]


def builtin_rules(contract: Contract, terms: ContractTerms) -> tuple[object, ...]:
    """The built-in rules configured by ``terms``, in evaluation order."""
    return (
        TermRule(contract.term_start, contract.term_end),
        VoidRule(),
        OutcomeRule(),
        CancellationRule(terms.policy),
        RescheduleRule(terms.policy),
        AttendanceRule(terms.policy),
        QualificationRule(terms.criteria),
        DisputeRule(terms.dispute_window_days),
    )
