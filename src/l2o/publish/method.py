"""The words and reference numbers of the L2O Index method, as the deliverables show them.

Publishing reads an ``assessment.json`` and may not import the assessment code, so the few
constants it shows are restated here; they are the method's published numbers (see the L2O
Index method), not tuning knobs.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AI_READY_AT",
    "ARCHITECTURE_SPLIT",
    "DIMENSIONS",
    "DIMENSION_TITLES",
    "INSUFFICIENT_EVIDENCE",
    "LEVEL_NAMES",
    "MAX_LEVEL",
    "NOT_MEASURED",
    "QUADRANTS",
    "REVENUE_MACHINE_AT",
    "SECTOR_AVERAGE",
]

DIMENSIONS: Final[tuple[str, ...]] = (
    "icp",
    "pipeline",
    "signals",
    "commercial",
    "pricing",
    "lifecycle",
)
"""The six dimensions, in the method's order (the keys of ``assessment.json``)."""

DIMENSION_TITLES: Final[dict[str, str]] = {
    "icp": "ICP",
    "pipeline": "Pipeline qualification",
    "signals": "Signal design",
    "commercial": "Commercial structure",
    "pricing": "Pricing governance",
    "lifecycle": "Lifecycle expansion",
}

LEVEL_NAMES: Final[tuple[str, ...]] = ("Absent", "Founder-held", "Defined", "Enforced", "Optimised")
"""The level words, index = level."""

MAX_LEVEL: Final = 4

SECTOR_AVERAGE: Final = 1.6
"""The sector's average index, the first reference line."""
REVENUE_MACHINE_AT: Final = 3.0
"""From this index a company is a Revenue Machine."""
ARCHITECTURE_SPLIT: Final = 2.0
"""Where the quadrant splits both axes."""
AI_READY_AT: Final = 2.0
"""Below this AI readiness a company is not ready to deploy AI revenue agents."""

QUADRANTS: Final[dict[str, str]] = {
    "Founder-led": "low architecture, low technology: deals depend on people, not a system",
    "Technology ahead of architecture": (
        "low architecture, high technology: investing in the wrong layer first"
    ),
    "Ready to build": "high architecture, low technology: the design is there to automate",
    "Scaling": "high architecture, high technology: the system carries the revenue",
}
"""The four quadrants and what each means."""

INSUFFICIENT_EVIDENCE: Final = "insufficient evidence"
NOT_MEASURED: Final = "not measured"
