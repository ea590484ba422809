"""Small builders for engine tests: a spec from a few sections, a fixed clock."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from l2o.spec import ArchitectureSpec, load_spec

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
"""A Monday morning, UTC."""


def build_spec(**sections: Any) -> ArchitectureSpec:
    """A spec with only the given sections (loaded, so cross-references are checked)."""
    data: dict[str, Any] = {"version": 1, "company": {"name": "Acme"}}
    data.update(copy.deepcopy(sections))
    return load_spec(data)


def example(name: str) -> ArchitectureSpec:
    """One of the example specs in ``examples/``."""
    return load_spec(EXAMPLES / f"{name}.yaml")
