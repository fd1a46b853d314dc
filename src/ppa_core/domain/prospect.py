"""Prospect: a person at a company, with the evidence gathered while qualifying them.

Any piece of evidence may be unknown (``None``). Unknown is not false: the
qualification criteria decide what an unknown value means, and their result
says "unknown", not "fail".

>>> p = Prospect(
...     id="p-1",
...     name="Ada Lovelace",
...     job_title="VP Engineering",
...     seniority="vp",
...     company=Company(name="Analytical Engines Ltd", employee_count=450, country="GB"),
... )
>>> p.seniority >= Seniority.DIRECTOR
True
>>> p.bant.budget_confirmed is None  # unknown, not False
True
"""

from __future__ import annotations

import enum
import functools
from typing import Any

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain._iso3166 import country_code
from ppa_core.domain.money import Money

__all__ = [
    "AuthorityRole",
    "BantEvidence",
    "BuyingStage",
    "Channel",
    "Company",
    "Prospect",
    "Seniority",
]


@functools.total_ordering
class Seniority(enum.Enum):
    """How senior a person is; ordered from individual contributor up to C-level/owner."""

    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"
    MANAGER = "manager"
    DIRECTOR = "director"
    VP = "vp"
    C_LEVEL = "c_level"

    rank: int
    """0 for individual contributor up to 4 for C-level/owner."""

    def __init__(self, _value: str) -> None:
        # A plain attribute: qualification compares ranks for every appointment
        # billed, and a property over a dict keyed by members costs several times more.
        self.rank = len(type(self).__members__)

    # Members are singletons: identity hashing is exact and avoids Enum's
    # Python-level __hash__ in frozenset membership tests on hot paths.
    __hash__ = object.__hash__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Seniority):
            return NotImplemented
        return self.rank < other.rank

    def __str__(self) -> str:
        return str(self.value)


class AuthorityRole(enum.StrEnum):
    """The prospect's role in the purchase decision (the A of BANT)."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    CHAMPION = "champion"
    END_USER = "end_user"
    NONE = "none"


class BuyingStage(enum.StrEnum):
    """Where the prospect's company is in its purchase."""

    AWARENESS = "awareness"
    CONSIDERATION = "consideration"
    DECISION = "decision"


class Channel(enum.StrEnum):
    """The outreach channel that sourced the prospect."""

    EMAIL = "email"
    PHONE = "phone"
    SOCIAL = "social"
    PAID = "paid"
    REFERRAL = "referral"
    EVENT = "event"
    OTHER = "other"


def _country(value: Any) -> str | None:
    return None if value is None else country_code("company.country", value)


def _optional_money(field: str) -> Any:
    return v.optional_instance_of(field, Money, "a Money")


@compact_pickle
@attrs.frozen
class Company:
    """The prospect's company.

    Attributes:
        name: the company's name (non-empty).
        employee_count: headcount, >= 0, or None if unknown.
        annual_revenue: yearly revenue as Money, or None if unknown.
        industry: free-text industry, matched case-insensitively by criteria.
        country: ISO 3166-1 alpha-2 code (upper-cased), or None if unknown.
        region: region or state, or None.
        domain: web domain; when given it identifies the company for duplicate checks.
    """

    name: str = attrs.field(validator=v.text("company.name"))
    employee_count: int | None = attrs.field(
        default=None, validator=v.optional_int_field("company.employee_count")
    )
    annual_revenue: Money | None = attrs.field(
        default=None, validator=_optional_money("company.annual_revenue")
    )
    industry: str | None = attrs.field(default=None, validator=v.optional_text("company.industry"))
    country: str | None = attrs.field(default=None, converter=_country)
    region: str | None = attrs.field(default=None, validator=v.optional_text("company.region"))
    domain: str | None = attrs.field(default=None, validator=v.optional_text("company.domain"))

    @property
    def key(self) -> str:
        """The identity used to spot the same company twice: the domain, else the folded name."""
        return (self.domain or self.name).strip().casefold()


def _to_bant_authority(value: Any) -> AuthorityRole | None:
    return v.optional_enum(AuthorityRole, "bant.authority")(value)


def _to_bant_decision_date(value: Any) -> pendulum.Date | None:
    return v.optional_date("bant.decision_date")(value)


@compact_pickle
@attrs.frozen
class BantEvidence:
    """What qualification found out about Budget, Authority, Need and Timeline.

    ``None`` everywhere means unknown, which is not the same as false.

    Attributes:
        budget_confirmed: the prospect confirmed a budget (True/False), or unknown.
        budget_amount: the confirmed budget, or unknown.
        authority: the prospect's role in the decision, or unknown.
        need_confirmed: a pain was confirmed (True/False), or unknown.
        need: a short description of the need, optional.
        decision_date: the expected decision date, or unknown.
    """

    budget_confirmed: bool | None = attrs.field(
        default=None, validator=v.optional_instance_of("bant.budget_confirmed", bool, "a bool")
    )
    budget_amount: Money | None = attrs.field(
        default=None, validator=_optional_money("bant.budget_amount")
    )
    authority: AuthorityRole | None = attrs.field(default=None, converter=_to_bant_authority)
    need_confirmed: bool | None = attrs.field(
        default=None, validator=v.optional_instance_of("bant.need_confirmed", bool, "a bool")
    )
    need: str | None = attrs.field(default=None, validator=v.optional_text("bant.need"))
    decision_date: pendulum.Date | None = attrs.field(
        default=None, converter=_to_bant_decision_date
    )


def _intent_score(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None:
        v.check_int("prospect.intent_score", value, minimum=0, maximum=100)


def _to_prospect_seniority(value: Any) -> Seniority | None:
    return v.optional_enum(Seniority, "prospect.seniority")(value)


def _to_prospect_buying_stage(value: Any) -> BuyingStage | None:
    return v.optional_enum(BuyingStage, "prospect.buying_stage")(value)


def _to_prospect_source_channel(value: Any) -> Channel | None:
    return v.optional_enum(Channel, "prospect.source_channel")(value)


@compact_pickle
@attrs.frozen
class Prospect:
    """A person at a company, with qualification evidence.

    Attributes:
        id: a stable identifier (same person, same id: duplicates are found by it).
        name: the person's name.
        job_title: free-text job title.
        seniority: ordered seniority, or None if unknown.
        function: function or department ("Engineering"), optional.
        company: the company.
        bant: BANT evidence; all unknown by default.
        intent_score: purchase-intent score 0-100, or None if unknown.
        buying_stage: awareness/consideration/decision, or None if unknown.
        source_channel: the channel that sourced the prospect, or None.
    """

    id: str = attrs.field(validator=v.text("prospect.id"))
    name: str = attrs.field(validator=v.text("prospect.name"))
    job_title: str = attrs.field(validator=v.text("prospect.job_title", allow_empty=True))
    company: Company = attrs.field(
        validator=v.instance_of("prospect.company", Company, "a Company")
    )
    seniority: Seniority | None = attrs.field(default=None, converter=_to_prospect_seniority)
    function: str | None = attrs.field(default=None, validator=v.optional_text("prospect.function"))
    bant: BantEvidence = attrs.field(
        factory=BantEvidence,
        validator=v.instance_of("prospect.bant", BantEvidence, "a BantEvidence"),
    )
    intent_score: int | None = attrs.field(default=None, validator=_intent_score)
    buying_stage: BuyingStage | None = attrs.field(
        default=None, converter=_to_prospect_buying_stage
    )
    source_channel: Channel | None = attrs.field(
        default=None, converter=_to_prospect_source_channel
    )

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_pretty_(self, printer: _rendering.Printer, cycle: bool) -> None:
        _rendering.pretty(self, printer)

    def _repr_html_(self) -> str:
        """The person, company and evidence as HTML for Jupyter."""
        return _rendering.html(self)
