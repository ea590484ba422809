"""Round trips: every valid spec survives dump → load and YAML → load unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from spec_strategies import specs

from l2o.spec import dump_spec, load_spec, spec_to_yaml

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(specs())
def test_dump_then_load_gives_the_same_spec(data: dict[str, Any]) -> None:
    spec = load_spec(data)
    assert load_spec(dump_spec(spec)) == spec


@PROPERTY
@given(specs())
def test_yaml_then_load_gives_the_same_spec(data: dict[str, Any]) -> None:
    spec = load_spec(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.yaml"
        path.write_text(spec_to_yaml(spec), encoding="utf-8")
        assert load_spec(path) == spec


@PROPERTY
@given(specs())
def test_dump_keeps_what_the_author_wrote(data: dict[str, Any]) -> None:
    assert load_spec(dump_spec(load_spec(data))).model_dump() == load_spec(data).model_dump()
    assert dump_spec(load_spec(dump_spec(load_spec(data)))) == dump_spec(load_spec(data))


def test_examples_round_trip_through_yaml(examples_dir: Path, tmp_path: Path) -> None:
    for example in sorted(examples_dir.glob("*.yaml")):
        spec = load_spec(example)
        copy = tmp_path / example.name
        copy.write_text(spec_to_yaml(spec), encoding="utf-8")
        assert load_spec(copy) == spec, example.name
