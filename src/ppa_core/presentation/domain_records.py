"""Records of the domain's nouns for notebooks: one row per appointment or contract.

Used by :func:`ppa_core.presentation.notebook.to_records` and ``to_dataframe``.
"""

from __future__ import annotations

from typing import Any

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract
from ppa_core.presentation.views import describe_pricing

__all__ = ["appointment_record", "contract_record"]


def appointment_record(appointment: Appointment) -> dict[str, Any]:
    """One appointment: who, when, its state and how it got there."""
    prospect, company = appointment.prospect, appointment.prospect.company
    cancelled_by = appointment.cancelled_by
    return {
        "appointment_id": appointment.id,
        "prospect_id": prospect.id,
        "prospect": prospect.name,
        "company": company.name,
        "seniority": prospect.seniority.value if prospect.seniority is not None else None,
        "state": appointment.state.value,
        "start": appointment.start,
        "booked_at": appointment.booked_at,
        "outcome_at": appointment.outcome_at,
        "duration_minutes": appointment.duration_minutes,
        "reschedules": appointment.reschedule_count,
        "cancelled_by": cancelled_by.value if cancelled_by is not None else None,
        "disputes": len(appointment.disputes),
        "steps": len(appointment.history),
    }


def contract_record(contract: Contract) -> dict[str, Any]:
    """One contract: its parties, term and the original terms' key figures."""
    terms = contract.terms
    return {
        "contract_id": contract.id,
        "agency": contract.agency,
        "client": contract.client,
        "currency": contract.currency.code,
        "timezone": contract.timezone,
        "term_start": contract.term.start.isoformat(),
        "term_end": contract.term.end.isoformat() if contract.term.end is not None else None,
        "billing_period": contract.billing_period.kind.value,
        "pricing": describe_pricing(terms.pricing),
        "cap": terms.cap,
        "guarantee_minimum": terms.guarantee.minimum_held if terms.guarantee else None,
        "amendments": len(contract.amendments),
    }
