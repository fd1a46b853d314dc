"""The cattrs converter: collections, domain objects, tagged unions and traces.

Built once, with detailed validation and extra keys forbidden, so a failed load
carries every problem with its path. Every structure hook checks the shape it
was given (an object, a list) before reading it: no ``KeyError`` or
``AttributeError`` from a document of the wrong shape.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from ppa_core.adapters.serialization._values import (
    Invalid,
    TooManyProblems,
    Unserialisable,
    expected,
    register_values,
    shown,
    spend_problem,
)
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.criteria_set import CriteriaSet
from ppa_core.domain.pricing import (
    Commission,
    Hybrid,
    PayPerLead,
    PerAppointment,
    Pricing,
    PricingModel,
    Retainer,
    Tier,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.rules.verdict import Decision, RuleOutcome, Verdict

RULES_MESSAGE = (
    "custom rules are code and have no document form: dump the terms without them "
    "and pass them to BillingEngine(contract, extra_rules=...) after loading"
)

PRICING_TAGS: Mapping[type[Any], str] = MappingProxyType(
    {
        PerAppointment: PricingModel.PAY_PER_APPOINTMENT.value,
        PayPerLead: PricingModel.PAY_PER_LEAD.value,
        Retainer: PricingModel.RETAINER.value,
        Commission: PricingModel.COMMISSION.value,
        Hybrid: PricingModel.HYBRID.value,
    }
)
"""The ``type`` of each pricing in a document: its :class:`PricingModel` value."""

CRITERIA_TAG = "bant"
"""The ``type`` of :class:`QualificationCriteria` (the BANT criteria set) in a document."""

Hook = Callable[[object, object], Any]


def criteria_message(value: object) -> str:
    """Why a criteria set other than QualificationCriteria cannot be dumped."""
    return (
        f"only QualificationCriteria has a document form (got {type(value).__name__}); "
        "other criteria sets are code"
    )


# -- collections ------------------------------------------------------------------------


def _origin_in(*origins: Any) -> Callable[[Any], bool]:
    def matches(tp: Any) -> bool:
        return (get_origin(tp) or tp) in origins

    return matches


_SEQUENCES = _origin_in(tuple, list, collections.abc.Sequence)
_SETS = _origin_in(frozenset, set, collections.abc.Set)
_MAPPINGS = _origin_in(dict, collections.abc.Mapping, MappingProxyType)


def _note(index: int | str, tp: Any) -> IterableValidationNote:
    return IterableValidationNote(f"Structuring {tp!r} @ index {index!r}", index, tp)


def _items_hook(tp: Any, converter: cattrs.Converter) -> Callable[[object], list[Any]]:
    """Structure a JSON list into a list of the collection's item type, every error kept.

    Tuples are homogeneous (``tuple[X, ...]``): the domain has no other kind.
    """
    args = get_args(tp)
    item_type = args[0] if args else Any
    what = "distinct items" if _SETS(tp) else "items"

    def items_of(value: object) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise expected(f"a list of {what}", value)
        items: list[Any] = []
        errors: list[Exception] = []
        for i, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as exc:  # kept with its index, reported with the others
                if not spend_problem():
                    errors.append(TooManyProblems())
                    break
                exc.__notes__ = [*getattr(exc, "__notes__", []), _note(i, item_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return items

    return items_of


def _tuple_hook(tp: Any, converter: cattrs.Converter) -> Hook:
    items_of = _items_hook(tp, converter)

    def structure(value: object, _: object) -> tuple[Any, ...]:
        return tuple(items_of(value))

    return structure


def _set_hook(tp: Any, converter: cattrs.Converter) -> Hook:
    items_of = _items_hook(tp, converter)

    def structure(value: object, _: object) -> list[Any]:
        # Every set field has an attrs converter to a frozenset; handing it the document's
        # list keeps the domain's error indices ("countries[2]") pointing into the document.
        return items_of(value)

    return structure


def _mapping_hook(tp: Any, converter: cattrs.Converter) -> Hook:
    key_type, value_type = get_args(tp) or (Any, Any)

    def structure(value: object, _: object) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise expected("an object", value)
        result: dict[Any, Any] = {}
        errors: list[Exception] = []
        for raw_key, raw_value in value.items():
            try:
                key = converter.structure(raw_key, key_type)
                result[key] = converter.structure(raw_value, value_type)
            except Exception as exc:  # kept with its key, reported with the others
                if not spend_problem():
                    errors.append(TooManyProblems())
                    break
                exc.__notes__ = [*getattr(exc, "__notes__", []), _note(str(raw_key), value_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return result

    return structure


def _register_collections(converter: cattrs.Converter) -> None:
    def items(value: Any) -> list[Any]:
        return [converter.unstructure(item) for item in value]

    def sorted_items(value: Any) -> list[Any]:
        return [converter.unstructure(item) for item in sorted(value)]

    def mapping(value: Any) -> dict[Any, Any]:
        return {converter.unstructure(k): converter.unstructure(v) for k, v in value.items()}

    converter.register_structure_hook_factory(_SEQUENCES, _tuple_hook)
    converter.register_structure_hook_factory(_SETS, _set_hook)
    converter.register_structure_hook_factory(_MAPPINGS, _mapping_hook)
    converter.register_unstructure_hook_func(_SEQUENCES, items)
    converter.register_unstructure_hook_func(_SETS, sorted_items)
    converter.register_unstructure_hook_func(_MAPPINGS, mapping)


# -- domain objects ---------------------------------------------------------------------


def _structure_no_rules(value: object, _: object) -> tuple[Any, ...]:
    if isinstance(value, list | tuple) and not value:
        return ()
    raise expected(
        "empty: custom rules are code, not data; pass them to "
        "BillingEngine(contract, extra_rules=...) after loading",
        value,
    )


def _attrs_structure_hook(cls: type[Any], converter: cattrs.Converter) -> Hook:
    overrides: dict[str, Any] = {}
    if cls is ContractTerms:
        overrides["extra_rules"] = override(struct_hook=_structure_no_rules)
    build = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        **overrides,
    )
    names = ", ".join(a.name for a in attrs.fields(cls) if a.init)

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise expected(f"an object with the fields {names}", value)
        return build(value, cls)

    return structure


_ADDED: dict[type, tuple[str, ...]] = {
    PerAppointment: ("package", "free_units", "flat_fee_at_zero", "beyond_last_tier"),
    Tier: ("flat_fee",),
    Commission: ("rate", "tiers", "minimum_per_deal", "maximum_per_deal"),
    ContractTerms: (
        "setup_fee",
        "commitment",
        "service_levels",
        "exit_clauses",
        "tax",
        "payment_terms",
    ),
    Contract: ("parties",),
    Decision: ("provisional",),
}
"""Fields added after version 1 of the documents, by the class that holds them."""


def _attrs_unstructure_hook(
    cls: type[Any], converter: cattrs.Converter
) -> Callable[[Any], dict[str, Any]]:
    # Fields added after version 1 are written only when set, so every document
    # version 1 could express keeps its exact shape (and the version its number).
    optional: dict[str, Any] = {
        name: override(omit_if_default=True) for name in _ADDED.get(cls, ())
    }
    if cls is not ContractTerms:
        return make_dict_unstructure_fn(cls, converter, **optional)
    # Custom rules are code: terms without them are written without the field.
    unstructure = make_dict_unstructure_fn(
        cls, converter, extra_rules=override(omit_if_default=True), **optional
    )

    def terms(value: ContractTerms) -> dict[str, Any]:
        if value.extra_rules:  # pragma: no cover - dump_data finds them first, with a path
            raise Unserialisable(RULES_MESSAGE)
        return unstructure(value)

    return terms


def _tagged(value: object, tags: tuple[str, ...]) -> dict[Any, Any]:
    """A copy of ``value`` once it is an object whose ``type`` is one of ``tags``."""
    if not isinstance(value, Mapping):
        raise expected(f"an object with a 'type', one of {tags}", value)
    if "type" not in value:
        raise Invalid(("type", f"required field missing (one of {tags})"))
    tag = value["type"]
    if not isinstance(tag, str) or tag not in tags:
        raise Invalid(("type", f"must be one of {tags} (got {shown(tag)})"))
    return dict(value)


def _register_pricing(converter: cattrs.Converter) -> None:
    configure_tagged_union(
        Pricing, converter, tag_generator=PRICING_TAGS.__getitem__, tag_name="type"
    )
    structure_union = converter.get_structure_hook(Pricing)
    unstructure_union = converter.get_unstructure_hook(Pricing)
    tags = tuple(PRICING_TAGS.values())

    def structure(value: object, _: object) -> Any:
        return structure_union(_tagged(value, tags), Pricing)

    def unstructure(value: Any) -> dict[str, Any]:
        data: dict[str, Any] = unstructure_union(value)
        return {"type": data.pop("type"), **data}  # the tag first, where a reader looks

    converter.register_structure_hook(Pricing, structure)
    converter.register_unstructure_hook(Pricing, unstructure)


def _register_criteria(converter: cattrs.Converter) -> None:
    def structure(value: object, _: object) -> CriteriaSet:
        data = _tagged(value, (CRITERIA_TAG,))
        del data["type"]
        criteria: QualificationCriteria = converter.structure(data, QualificationCriteria)
        return criteria

    def unstructure(value: CriteriaSet) -> dict[str, Any]:
        if type(value) is not QualificationCriteria:  # pragma: no cover - as for rules
            raise Unserialisable(criteria_message(value))
        return {"type": CRITERIA_TAG, **converter.unstructure(value, QualificationCriteria)}

    def is_criteria_set(tp: Any) -> bool:
        return tp is CriteriaSet

    converter.register_structure_hook_func(is_criteria_set, structure)
    converter.register_unstructure_hook_func(is_criteria_set, unstructure)


@attrs.frozen
class _VerdictData:
    """A trace line as a document has it (a Verdict renders its words lazily)."""

    rule_id: str
    outcome: RuleOutcome
    code: str | None
    reason: str
    facts: dict[str, str] = attrs.field(factory=dict)


def _register_verdict(converter: cattrs.Converter) -> None:
    def structure(value: object, _: object) -> Verdict:
        data = converter.structure(value, _VerdictData)
        return Verdict(data.rule_id, data.outcome, data.code, data.reason, data.facts)

    def unstructure(value: Verdict) -> dict[str, Any]:
        return {
            "rule_id": value.rule_id,
            "outcome": value.outcome.value,
            "code": value.code,
            "reason": value.reason,
            "facts": dict(value.facts),
        }

    converter.register_structure_hook(Verdict, structure)
    converter.register_unstructure_hook(Verdict, unstructure)


def make_converter() -> cattrs.Converter:
    """The converter every dump and load goes through."""
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    register_values(converter)
    _register_collections(converter)
    converter.register_structure_hook_factory(attrs.has, _attrs_structure_hook)
    converter.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_hook)
    _register_criteria(converter)
    _register_verdict(converter)
    _register_pricing(converter)
    return converter
