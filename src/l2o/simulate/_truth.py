"""``truth.json``: what a simulated company really is, for scoring what L2O infers from it.

It records the true maturity per dimension and the index, the technology investment and
quadrant, every generating parameter, each channel's true incremental effect on
conversion, and the injected defects (the duplicates themselves are listed row by row in
``duplicates.csv``, which the truth names).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from l2o.simulate._clock import Window
from l2o.simulate._parameters import CHANNELS
from l2o.simulate._vocab import PICKLIST_VARIANTS

if TYPE_CHECKING:
    from l2o.simulate._company import SimulatedCompany

__all__ = ["TRUTH_FORMAT", "build_truth", "truth_json"]

TRUTH_FORMAT = "l2o-simulation-truth/1"


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value


def _quadrant(index: float, technology: int) -> str:
    if index >= 2.0:
        if technology >= 2:
            return "revenue_machine" if index >= 3.0 else "scaling"
        return "ready_to_build"
    return "technology_ahead_of_architecture" if technology >= 2 else "founder_led"


def build_truth(
    company: SimulatedCompany,
    window: Window,
    channel_truth: dict[str, dict[str, float]],
    blanked: dict[str, dict[str, int]],
    picklist_changes: int,
    founder_owned: int,
    leads: int,
    months: int,
) -> dict[str, Any]:
    """The truth document for ``company`` as plain JSON data (see the module docstring)."""
    m = company.maturity
    parameters = company.parameters.to_json()
    channels = parameters.pop("channels")
    dup = company.duplicates
    dup_counts = {
        kind: int((dup["record_type"] == kind.encode()).sum())
        for kind in ("leads", "contacts", "accounts")
    }
    truth: dict[str, Any] = _round(
        {
            "format": TRUTH_FORMAT,
            "profile": company.profile,
            "seed": company.seed,
            "leads": leads,
            "months": months,
            "window": {
                "start": _iso(window.start),
                "end": _iso(window.end),
            },
            "maturity": m.dimensions(),
            "index": m.index,
            "technology_investment": m.technology,
            "quadrant": _quadrant(m.index, m.technology),
            "parameters": parameters,
            "channels": {
                name: {
                    **channel_truth[name],
                    "causal": channels[name]["logit_effect"] != 0,
                    "origin_share": channels[name]["origin_share"],
                    "passenger_rate_converting": channels[name]["passenger_rate_converting"],
                }
                for name in CHANNELS
            },
            "conversion": "a lead converts when it becomes an opportunity (leads.converted_at)",
            "duplicates": {"file": "duplicates.csv", "counts": dup_counts},
            "defects": {
                "blanked_values": blanked,
                "picklist_values_varied": picklist_changes,
                "picklist_variants": PICKLIST_VARIANTS,
                "founder_owned_new_business_deals": founder_owned,
            },
            "counts": company.counts(),
            "architecture": "architecture.yaml",
        }
    )
    return truth


def _iso(seconds: int) -> str:
    import numpy as np

    return str(np.datetime64(seconds, "s")) + "Z"


def truth_json(truth: dict[str, Any]) -> str:
    """The truth as stable JSON text (two-space indent, keys in insertion order)."""
    return json.dumps(truth, indent=2, ensure_ascii=True) + "\n"
