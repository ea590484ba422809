"""The six dimensions of the L2O Index and the five maturity levels every one is scored on."""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "DIMENSIONS",
    "DIMENSION_TITLES",
    "LEVEL_IDS",
    "LEVEL_NAMES",
    "MAX_LEVEL",
    "Dimension",
]

Dimension = Literal["icp", "pipeline", "signals", "commercial", "pricing", "lifecycle"]
"""A dimension's key, as used in the rubric, the questionnaire and ``assessment.json``."""

DIMENSIONS: Final[tuple[Dimension, ...]] = get_args(Dimension)

DIMENSION_TITLES: Final[dict[Dimension, str]] = {
    "icp": "ICP",
    "pipeline": "Pipeline qualification",
    "signals": "Signal design",
    "commercial": "Commercial structure",
    "pricing": "Pricing governance",
    "lifecycle": "Lifecycle expansion",
}

MAX_LEVEL: Final = 4

LEVEL_NAMES: Final[tuple[str, ...]] = ("Absent", "Founder-held", "Defined", "Enforced", "Optimised")
"""The level words, index = level: 0 Absent ... 4 Optimised."""

LEVEL_IDS: Final[tuple[str, ...]] = ("absent", "founder_held", "defined", "enforced", "optimised")
"""The level words as answer option ids: ``icp_tiers: enforced`` means level 3."""
