"""Model rules that hold whatever the spec: strictness, bands, conditions, consistency."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import l2o.spec
from l2o.spec import ArchitectureSpec
from l2o.spec._base import NumberRange, SpecModel
from l2o.spec.conditions import AllOf, Condition, FieldTest
from l2o.spec.fields import CustomFields, FieldCatalog


def _models() -> list[type[BaseModel]]:
    """Every pydantic model defined in the spec package's modules."""
    seen: dict[str, type[BaseModel]] = {}
    for module in vars(l2o.spec).values():
        if inspect.ismodule(module) and module.__name__.startswith("l2o.spec"):
            for value in vars(module).values():
                if inspect.isclass(value) and issubclass(value, BaseModel):
                    seen[value.__name__] = value
    return [m for m in seen.values() if m not in (SpecModel, BaseModel)]


def test_every_spec_model_forbids_unknown_keys() -> None:
    models = _models()
    assert len(models) > 30
    assert [m.__name__ for m in models if m.model_config.get("extra") != "forbid"] == []


def test_public_api_is_what_all_says() -> None:
    assert [name for name in l2o.spec.__all__ if not hasattr(l2o.spec, name)] == []
    assert sorted(l2o.spec.__all__) == sorted(set(l2o.spec.__all__))


def test_loaded_specs_are_immutable() -> None:
    spec = l2o.spec.load_spec({"version": 1, "company": {"name": "Acme"}})
    with pytest.raises(ValidationError):
        spec.company.name = "Other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("band", "value", "inside"),
    [
        ({"up_to": 10}, 0, True),
        ({"up_to": 10}, 10, True),
        ({"above": 10, "up_to": 20}, 10, False),
        ({"above": 10, "up_to": 20}, 10.5, True),
        ({"above": 20}, 1000, True),
    ],
)
def test_bands_are_half_open(band: dict[str, float], value: float, inside: bool) -> None:
    assert NumberRange(**band).contains(value) is inside


def test_adjacent_bands_neither_overlap_nor_cover() -> None:
    low, high = NumberRange(up_to=10), NumberRange(above=10, up_to=20)
    assert not low.overlaps(high)
    assert NumberRange().covers(high)
    assert not high.covers(NumberRange(above=5, up_to=15))
    assert high.overlaps(NumberRange(above=5, up_to=15))


def test_an_empty_band_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty band"):
        NumberRange(above=20, up_to=10)


@pytest.mark.parametrize(
    ("test", "message"),
    [
        ({"field": "x", "operator": "is_set", "value": 1}, "takes no value"),
        ({"field": "x", "operator": "eq"}, "needs a value"),
        ({"field": "x", "operator": "in", "value": "US"}, "non-empty list"),
        ({"field": "x", "operator": "eq", "value": [1]}, "single value"),
        ({"field": "x", "operator": "gt", "value": True}, "true/false"),
    ],
)
def test_field_test_values_fit_their_operator(test: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        FieldTest.model_validate(test)


def test_conditions_nest_all_and_any() -> None:
    condition = TypeAdapter(Condition).validate_python(
        {
            "all": [
                {"field": "a", "operator": "is_set"},
                {"any": [{"field": "b", "operator": "eq", "value": 1}]},
            ]
        }
    )
    assert isinstance(condition, AllOf)
    assert isinstance(condition.all[0], FieldTest)


@pytest.mark.parametrize(
    ("section", "data", "message"),
    [
        ("icp", {"criteria_weights": {"industry": 50}}, "sum to 100, not 120"),
        (
            "icp",
            {"personas": [{"id": "p", "title_patterns": ["(vp"], "role": "champion"}]},
            "not a valid regex",
        ),
        (
            "lifecycle",
            {"renewal": {"windows_days": [60, 90], "owner_role": "am"}},
            "earliest first",
        ),
        (
            "lifecycle",
            {"retention_targets": {"grr_percent": 95, "nrr_percent": 90}},
            "cannot be below",
        ),
        ("signals", {"attribution": {"model": "linear", "half_life_days": 7}}, "time_decay"),
        (
            "commercial",
            {"contract_terms": {"term_months": [12], "default_term_months": 24}},
            "not one of",
        ),
        ("signals", {"routing": {"rules": [{"id": "r"}]}}, "needs a 'pool'"),
    ],
)
def test_section_consistency_rules(section: str, data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ArchitectureSpec.model_validate({"version": 1, "company": {"name": "A"}, section: data})


def test_field_catalog_knows_standard_and_custom_fields() -> None:
    catalog = FieldCatalog(CustomFields.model_validate({"account": [{"name": "data_warehouse"}]}))
    assert catalog.knows("account", "data_warehouse")
    assert not catalog.knows("lead", "data_warehouse")
    assert catalog.knows("opportunity", "primary_contact_id")
    assert catalog.suggest("opportunity", "close_dat") == "close_date"
    assert catalog.suggest("opportunity", "zzzz") is None
