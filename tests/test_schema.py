"""JSON Schemas of the stored documents: generated from the types, published, and true.

Every dump of a generated object of every kind validates against its kind's
schema; the copies published under docs/schemas/ are the generated ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppa_core.adapters.serialization import KINDS, dump
from ppa_core.adapters.serialization.schema import json_schema, write_schemas
from test_serialization import OBJECTS

PUBLISHED = Path(__file__).parent.parent / "docs" / "schemas"
VALIDATORS = {
    kind: jsonschema.Draft202012Validator(
        json_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for kind in KINDS
}


class TestSchemas:
    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_each_schema_is_a_valid_draft_2020_12_schema(self, kind: str) -> None:
        jsonschema.Draft202012Validator.check_schema(json_schema(kind))

    @pytest.mark.parametrize("kind", sorted(KINDS))
    @given(data=st.data())
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_every_dump_of_a_generated_object_validates(self, kind: str, data: Any) -> None:
        document = dump(data.draw(OBJECTS[kind]))
        errors = [e.message for e in VALIDATORS[kind].iter_errors(document)]
        assert not errors, errors[:3]

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_the_published_schema_is_the_generated_one(self, kind: str) -> None:
        """Regenerate with ``python -m ppa_core.adapters.serialization.schema docs/schemas``."""
        published = json.loads((PUBLISHED / f"{kind}.schema.json").read_text())
        assert published == json_schema(kind)

    def test_a_schema_refuses_what_load_refuses(self) -> None:
        money = {
            "schema": "ppa_core/money",
            "version": 1,
            "data": {"amount": 3.5, "currency": "EUR"},
        }
        assert not VALIDATORS["money"].is_valid(money)
        money["data"] = {"amount": "3.50", "currency": "EUR", "extra": 1}
        assert not VALIDATORS["money"].is_valid(money)
        money["data"] = {"amount": "3.50", "currency": "XYZ"}
        assert not VALIDATORS["money"].is_valid(money)

    def test_schemas_are_written_one_file_per_kind(self, tmp_path: Path) -> None:
        written = write_schemas(tmp_path)
        assert sorted(p.name for p in written) == sorted(f"{k}.schema.json" for k in KINDS)
