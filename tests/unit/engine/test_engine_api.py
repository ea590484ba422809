"""The engine's public API is what ``l2o.engine.__all__`` says, and it compiles both examples."""

from __future__ import annotations

import l2o.engine
from l2o.engine import EngineRules
from l2o.spec import ArchitectureSpec


def test_all_names_exist_and_are_unique() -> None:
    assert [n for n in l2o.engine.__all__ if not hasattr(l2o.engine, n)] == []
    assert len(l2o.engine.__all__) == len(set(l2o.engine.__all__))


def test_every_public_name_is_in_all() -> None:
    public = {
        name
        for name, value in vars(l2o.engine).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith("l2o")
        and not isinstance(value, type(l2o.engine))
    }
    assert public - set(l2o.engine.__all__) == set()


def test_both_example_specs_compile(
    revenue_machine: ArchitectureSpec, founder_led: ArchitectureSpec
) -> None:
    for spec in (revenue_machine, founder_led):
        rules = EngineRules.from_spec(spec)
        assert rules.spec is spec
