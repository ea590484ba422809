"""Maturity: the true 0-4 level of each L2O dimension, the named profiles, and ``--maturity``.

A profile is a company archetype - its six architecture levels and its technology
investment (CRM depth, automation), which the quadrant sets against the architecture::

    >>> resolve_maturity("founder-led", parse_maturity_overrides("pricing=2")).pricing
    2
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

__all__ = [
    "DIMENSIONS",
    "PROFILES",
    "Maturity",
    "MaturityError",
    "parse_maturity_overrides",
    "resolve_maturity",
]

DIMENSIONS = ("icp", "pipeline", "signals", "commercial", "pricing", "lifecycle")
"""The six L2O dimensions, in the index's order."""

_KEYS = (*DIMENSIONS, "technology")


class MaturityError(ValueError):
    """An unknown profile, or a ``--maturity`` item that is not ``dimension=level`` (0-4)."""


@dataclass(frozen=True)
class Maturity:
    """True maturity per dimension (0 Absent .. 4 Optimised) and technology investment (0-4)."""

    icp: int
    pipeline: int
    signals: int
    commercial: int
    pricing: int
    lifecycle: int
    technology: int

    def __post_init__(self) -> None:
        for key, level in asdict(self).items():
            if not isinstance(level, int) or not 0 <= level <= 4:
                raise MaturityError(f"maturity {key}={level!r}: the level must be 0-4")

    @property
    def index(self) -> float:
        """The overall L2O Index: the mean of the six dimensions."""
        return float(sum(getattr(self, d) for d in DIMENSIONS)) / len(DIMENSIONS)

    def dimensions(self) -> dict[str, int]:
        """The six dimension levels, in index order (technology excluded)."""
        return {d: getattr(self, d) for d in DIMENSIONS}


PROFILES: dict[str, Maturity] = {
    # Founder closes deals; nothing is written down; a thin CRM.
    "founder-led": Maturity(
        icp=1, pipeline=1, signals=0, commercial=1, pricing=0, lifecycle=1, technology=1
    ),
    # Technology ahead of architecture: a heavily configured CRM over an undesigned process.
    "crm-first": Maturity(
        icp=1, pipeline=1, signals=2, commercial=1, pricing=1, lifecycle=1, technology=4
    ),
    # Written down, partly enforced.
    "defined": Maturity(
        icp=2, pipeline=2, signals=2, commercial=2, pricing=2, lifecycle=2, technology=2
    ),
    # Enforced and optimised on every dimension.
    "revenue-machine": Maturity(
        icp=4, pipeline=4, signals=4, commercial=3, pricing=4, lifecycle=4, technology=3
    ),
}
"""The named company profiles ``l2o simulate --profile`` accepts."""


def parse_maturity_overrides(text: str | None) -> dict[str, int]:
    """Parse ``"icp=1,pipeline=3"`` into ``{"icp": 1, "pipeline": 3}``.

    Keys are the six dimensions and ``technology``; levels are integers 0-4. Raises
    :class:`MaturityError` naming the offending item.
    """
    overrides: dict[str, int] = {}
    if not text:
        return overrides
    allowed = ", ".join(_KEYS)
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in _KEYS:
            raise MaturityError(
                f"--maturity item {item!r}: expected KEY=LEVEL with KEY one of {allowed} "
                "and LEVEL 0-4"
            )
        try:
            level = int(value.strip())
        except ValueError:
            level = -1
        if not 0 <= level <= 4:
            raise MaturityError(f"--maturity item {item!r}: the level must be an integer 0-4")
        overrides[key] = level
    return overrides


def resolve_maturity(profile: str, overrides: dict[str, int] | None = None) -> Maturity:
    """The profile's maturity with ``overrides`` applied (they win over the profile)."""
    if profile not in PROFILES:
        raise MaturityError(f"unknown profile {profile!r}; valid profiles: {', '.join(PROFILES)}")
    return replace(PROFILES[profile], **(overrides or {}))
