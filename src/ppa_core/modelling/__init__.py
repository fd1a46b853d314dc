"""Modelling a contract before it is signed: plans, distributions, simulation, scenarios.

Everything here is built on the domain, the rules engine and billing: a
simulated campaign month is decided and invoiced by the real engine.
"""

from ppa_core.modelling.break_even import (
    BreakEven,
    break_even_show_rate,
)
from ppa_core.modelling.distribution import (
    Beta,
    Choice,
    Distribution,
    Fixed,
    Triangular,
    Uniform,
)
from ppa_core.modelling.plan import (
    CampaignPlan,
)
from ppa_core.modelling.scenario import (
    ModelSummary,
    PricedModel,
    Scenario,
    ScenarioResult,
    simulate,
)
from ppa_core.modelling.simulation import (
    Realization,
    RunOutcome,
)
from ppa_core.modelling.summary import (
    Summary,
    percentile,
    summarize,
)

__all__ = [
    "Beta",
    "BreakEven",
    "CampaignPlan",
    "Choice",
    "Distribution",
    "Fixed",
    "ModelSummary",
    "PricedModel",
    "Realization",
    "RunOutcome",
    "Scenario",
    "ScenarioResult",
    "Summary",
    "Triangular",
    "Uniform",
    "break_even_show_rate",
    "percentile",
    "simulate",
    "summarize",
]
