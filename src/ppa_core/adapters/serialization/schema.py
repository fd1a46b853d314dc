"""JSON Schemas of the stored documents, generated from the types (draft 2020-12).

:func:`json_schema` walks the attrs fields of a kind of :data:`KINDS`, with the
same rules as the converter that writes the documents: money and every
Decimal are decimal strings (a whole number is also read), datetimes are ISO
8601 with their offset and optional ``[zone]``, dates ``YYYY-MM-DD``, enums
their values, tuples and sets arrays, optional fields ``null``, unknown keys
refused; a pricing is tagged by ``type``, criteria by ``"type": "bant"``.

The schemas are generated rather than written by hand so they cannot drift
from the types; the test suite validates dumps of generated objects against
them and checks that the published copies under ``docs/schemas/`` are
current. Regenerate those with::

    python -m ppa_core.adapters.serialization.schema docs/schemas

The schema says what a document looks like; :func:`~ppa_core.adapters.serialization.load`
still checks what a shape cannot (a term end before its start, a history that
does not replay).
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import json
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin

import attrs
import pendulum

from ppa_core.adapters.serialization import KINDS, SCHEMA_VERSION
from ppa_core.adapters.serialization._converter import CRITERIA_TAG, PRICING_TAGS
from ppa_core.domain.contract import ContractTerms
from ppa_core.domain.criteria_set import CriteriaSet
from ppa_core.domain.money import CURRENCIES, Currency
from ppa_core.domain.pricing import Pricing
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.rules.verdict import RuleOutcome, Verdict

__all__ = ["SCHEMA_BASE", "json_schema", "write_schemas"]

SCHEMA_BASE = "https://ppa-core.example/schemas/"
"""The base of each schema's ``$id`` (``<base><kind>.schema.json``)."""

_DECIMAL = {
    "anyOf": [
        {"type": "string", "pattern": r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"},
        {"type": "integer"},
    ],
    "description": "an exact decimal, written as a string with every digit kept",
}
_DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T[^\[\]]+([+-]\d{2}:\d{2}(:\d{2}(\.\d+)?)?|Z)(\[[^\[\]]+\])?$",
    "description": "ISO 8601 with its UTC offset, then the IANA zone in brackets if any",
}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_DAY_OR_MOMENT = {"anyOf": [_DATE, _DATETIME]}
# Fields the converter writes only when set (they did not exist in earlier documents).
_OMITTED_IF_DEFAULT = {
    "ContractTerms": {"extra_rules", "tax", "payment_terms"},
    "Contract": {"parties"},
}


class _Builder:
    """Collects the schema of each attrs class once, in ``$defs``, while walking types."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type[Any]) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved first: classes may refer to themselves
            self.defs[name] = self._attrs_class(cls)
        return {"$ref": f"#/$defs/{name}"}

    def _attrs_class(self, cls: type[Any]) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required = []
        optional = _OMITTED_IF_DEFAULT.get(cls.__name__, set())
        for field in attrs.fields(cls):
            if not field.init:
                continue
            if cls is ContractTerms and field.name == "extra_rules":
                properties[field.name] = {"type": "array", "maxItems": 0}
                continue
            properties[field.name] = self.of(hints[field.name])
            if field.default is attrs.NOTHING and field.name not in optional:
                required.append(field.name)  # what a load requires; defaults may be left out
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if cls.__doc__:
            schema["description"] = cls.__doc__.strip().splitlines()[0]
        if required:
            schema["required"] = required
        return schema

    def of(self, tp: Any) -> dict[str, Any]:
        if tp is Any or tp is object:
            return {}
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is Decimal:
            return dict(_DECIMAL)
        if tp is Currency:
            return {"type": "string", "enum": sorted(CURRENCIES)}
        if tp in (pendulum.DateTime, dt.datetime):
            return dict(_DATETIME)
        if tp in (pendulum.Date, dt.date):
            return dict(_DATE)
        if tp is CriteriaSet:
            return self._tagged(QualificationCriteria, CRITERIA_TAG)
        if tp is Verdict:
            return self._verdict()
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [member.value for member in tp]}
        if isinstance(tp, type) and attrs.has(tp):
            return self.ref(tp)
        return self._generic(tp)

    def _generic(self, tp: Any) -> dict[str, Any]:
        origin, args = get_origin(tp), get_args(tp)
        if tp == Pricing:
            return {"oneOf": [self._tagged(cls, tag) for cls, tag in PRICING_TAGS.items()]}
        if origin in (typing.Union, types.UnionType):
            if set(args) == {pendulum.DateTime, pendulum.Date}:
                return dict(_DAY_OR_MOMENT)
            present = [a for a in args if a is not type(None)]
            options = [self.of(a) for a in present]
            if len(present) < len(args):
                options.append({"type": "null"})
            return options[0] if len(options) == 1 else {"anyOf": options}
        if origin in (tuple, list, collections.abc.Sequence):
            items = self.of(args[0]) if args else {}
            return {"type": "array", "items": items}
        if origin in (frozenset, set, collections.abc.Set):
            return {"type": "array", "items": self.of(args[0]), "uniqueItems": True}
        if origin in (dict, collections.abc.Mapping, types.MappingProxyType):
            key, value = args
            schema: dict[str, Any] = {"type": "object", "additionalProperties": self.of(value)}
            if isinstance(key, type) and issubclass(key, enum.Enum):
                schema["propertyNames"] = {"enum": [m.value for m in key]}
            return schema
        raise TypeError(f"no JSON Schema for {tp!r}")  # a new type: teach the generator

    def _tagged(self, cls: type[Any], tag: str) -> dict[str, Any]:
        """The class's object with its ``type`` tag first, as the converter writes it."""
        name = f"{cls.__name__}Tagged"
        if name not in self.defs:
            self.ref(cls)
            plain = self.defs[cls.__name__]
            tagged = dict(plain)
            tagged["properties"] = {"type": {"const": tag}, **plain["properties"]}
            tagged["required"] = ["type", *plain.get("required", [])]
            self.defs[name] = tagged
        return {"$ref": f"#/$defs/{name}"}

    def _verdict(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "rule_id": {"type": "string"},
                "outcome": {"enum": [o.value for o in RuleOutcome]},
                "code": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "reason": {"type": "string"},
                "facts": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["rule_id", "outcome", "code", "reason"],
            "additionalProperties": False,
        }


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of the documents of ``kind`` (``"invoice_document"`` ...), envelope included.

    Raises:
        KeyError: ``kind`` is not one of :data:`~ppa_core.adapters.serialization.KINDS`.
    """
    cls = KINDS[kind]
    builder = _Builder()
    data = builder.of(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{kind}.schema.json",
        "title": f"ppa_core {kind} document",
        "description": (cls.__doc__ or kind).strip().splitlines()[0],
        "type": "object",
        "properties": {
            "schema": {"const": f"ppa_core/{kind}"},
            "version": {"const": SCHEMA_VERSION},
            "data": data,
        },
        "required": ["schema", "version", "data"],
        "additionalProperties": False,
        "$defs": dict(sorted(builder.defs.items())),
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = directory / f"{kind}.schema.json"
        path.write_text(json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - the docs' regeneration command
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(written_path)
