"""The domain: the design card's nouns as immutable values, one module each.

- :mod:`~ppa_core.domain.money`: :class:`Money`, exact within documented limits.
- :mod:`~ppa_core.domain.currency`: :class:`Currency` and the ISO 4217 table.
- :mod:`~ppa_core.domain.prospect`: :class:`Prospect`, their company and BANT evidence.
- :mod:`~ppa_core.domain.qualification`: :class:`QualificationCriteria` (BANT and firmographics);
  :mod:`~ppa_core.domain.bant_requirements`: :class:`BantRequirements`;
  :mod:`~ppa_core.domain.criteria_set`: the :class:`CriteriaSet` protocol and its results.
- :mod:`~ppa_core.domain.appointment`: the :class:`Appointment` state machine.
- :mod:`~ppa_core.domain.lifecycle`: its states, actions, actors and :data:`TRANSITIONS`.
- :mod:`~ppa_core.domain.history`: its :class:`HistoryEntry` records and their replay.
- :mod:`~ppa_core.domain.dispute`: the client's :class:`Dispute` of an appointment.
- :mod:`~ppa_core.domain.policy`: the :class:`NoShowPolicy`.
- :mod:`~ppa_core.domain.contract`: the :class:`Contract`, its terms and amendments.
- :mod:`~ppa_core.domain.pricing`: the pricing models.
- :mod:`~ppa_core.domain.billing_period`: billing periods on the contract's clock.
- :mod:`~ppa_core.domain.tax`, :mod:`~ppa_core.domain.payment_terms`,
  :mod:`~ppa_core.domain.party`: the terms and parties of billing documents.

Nothing here imports a higher layer, does I/O or reads the clock.
"""

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.commitment import (
    Commitment,
)
from ppa_core.domain.contract import (
    Amendment,
    BillingPeriod,
    BillingPeriodRule,
    Contract,
    ContractTerms,
    PeriodKind,
    Term,
)
from ppa_core.domain.criteria_set import CriteriaSet, CriterionResult, Outcome, QualificationResult
from ppa_core.domain.dispute import Dispute, DisputeResolution
from ppa_core.domain.duplicates import DuplicateRule, DuplicateScope
from ppa_core.domain.exit_clause import ExitClause
from ppa_core.domain.guarantee import Guarantee, GuaranteeRemedy
from ppa_core.domain.history import Attendance, HistoryEntry
from ppa_core.domain.lifecycle import CORRECTIONS, TRANSITIONS, Action, Actor, AppointmentState
from ppa_core.domain.money import (
    CURRENCIES,
    Currency,
    Money,
    RoundingMode,
    currency,
)
from ppa_core.domain.party import Parties, Party
from ppa_core.domain.payment_terms import PaymentBasis, PaymentTerms
from ppa_core.domain.policy import (
    NoShowPolicy,
)
from ppa_core.domain.pricing import (
    BeyondLastTier,
    Commission,
    CommissionTier,
    Hybrid,
    Package,
    PayPerLead,
    PerAppointment,
    Pricing,
    PricingModel,
    Retainer,
    Tier,
    TierMode,
)
from ppa_core.domain.prospect import (
    AuthorityRole,
    BantEvidence,
    BuyingStage,
    Channel,
    Company,
    Prospect,
    Seniority,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.domain.service_level import (
    Comparator,
    Consequence,
    Kpi,
    ServiceLevel,
    Target,
    Window,
)
from ppa_core.domain.tax import REVERSE_CHARGE_NOTE, TaxKind, TaxTreatment

__all__ = [
    "CORRECTIONS",
    "CURRENCIES",
    "REVERSE_CHARGE_NOTE",
    "TRANSITIONS",
    "Action",
    "Actor",
    "Amendment",
    "Appointment",
    "AppointmentState",
    "Attendance",
    "AuthorityRole",
    "BantElement",
    "BantEvidence",
    "BantRequirements",
    "BeyondLastTier",
    "BillingPeriod",
    "BillingPeriodRule",
    "BuyingStage",
    "Channel",
    "Commission",
    "CommissionTier",
    "Commitment",
    "Company",
    "Comparator",
    "Consequence",
    "Contract",
    "ContractTerms",
    "CriteriaSet",
    "CriterionResult",
    "Currency",
    "Dispute",
    "DisputeResolution",
    "DuplicateRule",
    "DuplicateScope",
    "ExitClause",
    "Guarantee",
    "GuaranteeRemedy",
    "HistoryEntry",
    "Hybrid",
    "Kpi",
    "Money",
    "NoShowPolicy",
    "Outcome",
    "Package",
    "Parties",
    "Party",
    "PayPerLead",
    "PaymentBasis",
    "PaymentTerms",
    "PerAppointment",
    "PeriodKind",
    "Pricing",
    "PricingModel",
    "Prospect",
    "QualificationCriteria",
    "QualificationResult",
    "Retainer",
    "RoundingMode",
    "Seniority",
    "ServiceLevel",
    "Target",
    "TaxKind",
    "TaxTreatment",
    "Term",
    "Tier",
    "TierMode",
    "Window",
    "currency",
]
