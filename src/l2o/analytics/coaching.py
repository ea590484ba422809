"""Deal coaching: for an open deal, the next best actions - the exit criteria it still
lacks, the stall it is in, and what moves its chance of winning.

Pure: the stage gate's findings (missing criteria, days in stage against the limit) are
passed in by the caller, which asks the engine; the win outlook comes from
:class:`WinDrivers`, learned from closed deals' stage visits (historical stage conversion,
split by time in stage and by the deal's attributes). Nothing here reads the store.

    drivers = WinDrivers().fit(visits)
    outlook = drivers.explain("proposal", days_in_stage=40, attributes={"segment": "smb"})
    coaching = coach_deal(deal, gaps, stall, outlook)
    [a.text for a in coaching.actions]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CoachingAction",
    "DealCoaching",
    "DealState",
    "Driver",
    "GateGap",
    "StageVisits",
    "StallState",
    "WinDrivers",
    "WinOutlook",
    "coach_deal",
]

_WEAK_LIFT = 0.8  # a factor that leaves the deal under 80% of its stage's win rate


@dataclass(frozen=True)
class DealState:
    """The open deal being coached."""

    opportunity_id: str
    name: str
    owner_id: str | None
    pipeline: str
    stage: str
    next_stage: str | None
    amount: float | None


@dataclass(frozen=True)
class GateGap:
    """An exit (or entry) criterion the deal lacks for its next stage, as the gate said it."""

    stage: str
    kind: str  # "exit" or "entry"
    criterion: str
    detail: str


@dataclass(frozen=True)
class StallState:
    """Days in the current stage against the spec's limit (None: the stage has none)."""

    stage: str
    days_in_stage: float
    limit: int | None
    stalled: bool
    reason: str


@dataclass(frozen=True)
class StageVisits:
    """Closed deals' passes through stages: one row per (deal, stage reached), with the days
    spent in it, whether the deal was finally won, and its attributes (segment, source...)
    aligned with the rows."""

    stage: npt.NDArray[np.object_]
    days_in_stage: npt.NDArray[np.float64]
    won: npt.NDArray[np.bool_]
    attributes: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)


@dataclass(frozen=True)
class Driver:
    """One factor of a deal's win chance: the win rate of past deals that shared it (at the
    same stage), ``lift`` against the stage's rate, and how many deals that rests on."""

    factor: str
    value: str
    win_rate: float
    lift: float
    deals: int


@dataclass(frozen=True)
class WinOutlook:
    """The deal's win probability, the stage rate it starts from, and the drivers."""

    probability: float | None
    stage_rate: float | None
    stage_deals: int
    basis: str
    drivers: tuple[Driver, ...] = ()


@dataclass(frozen=True)
class CoachingAction:
    """One thing to do on the deal: ``kind`` is ``criterion`` (the gate needs it),
    ``stall`` (the deal sits past its stage limit) or ``win_driver`` (a factor weighs on
    its chance); ``priority`` 1 first."""

    kind: str
    priority: int
    text: str
    rule: str


@dataclass(frozen=True)
class DealCoaching:
    """The next best actions for one open deal, with the evidence behind them."""

    deal: DealState
    actions: tuple[CoachingAction, ...]
    gaps: tuple[GateGap, ...]
    stall: StallState | None
    outlook: WinOutlook

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


class WinDrivers:
    """Historical stage conversion with its drivers.

    ``fit(visits)`` learns, per stage, the win rate of closed deals that reached it
    (``stage_rate_``, ``stage_deals_``); ``explain`` gives an open deal's probability - the
    win rate of past deals that were still in its stage after as many days as it has spent
    there, when at least ``min_deals`` such deals exist, else the stage rate - and the
    drivers: time in stage and each attribute, as win rates of the deals sharing them.
    """

    def __init__(self, min_deals: int = 10) -> None:
        self.min_deals = min_deals

    def fit(self, visits: StageVisits) -> WinDrivers:
        """Learn from ``visits``; returns the model."""
        self.visits_ = visits
        stages, where = np.unique(visits.stage.astype(str), return_inverse=True)
        counts = np.bincount(where, minlength=stages.size)
        wins = np.bincount(where, weights=visits.won.astype(float), minlength=stages.size)
        self.stage_deals_ = {str(s): int(c) for s, c in zip(stages, counts, strict=True)}
        self.stage_rate_ = {
            str(s): float(w / c) for s, w, c in zip(stages, wins, counts, strict=True) if c
        }
        return self

    def explain(
        self, stage: str, days_in_stage: float, attributes: Mapping[str, str | None]
    ) -> WinOutlook:
        """Win probability and drivers for an open deal in ``stage``."""
        deals = self.stage_deals_.get(stage, 0)
        if deals < self.min_deals:
            return WinOutlook(
                None,
                self.stage_rate_.get(stage),
                deals,
                f"insufficient evidence: {deals} closed deals reached {stage} "
                f"(needs {self.min_deals})",
            )
        v = self.visits_
        here = v.stage.astype(str) == stage
        rate = self.stage_rate_[stage]
        drivers: list[Driver] = []
        longer = here & (v.days_in_stage >= days_in_stage)
        time_driver = _driver(
            "days in stage", f">= {days_in_stage:.0f}", v.won[longer], rate, self.min_deals
        )
        if time_driver is not None:
            drivers.append(time_driver)
        for name, value in attributes.items():
            column = v.attributes.get(name)
            if value is None or column is None:
                continue
            same = here & (column.astype(str) == str(value))
            found = _driver(name, str(value), v.won[same], rate, self.min_deals)
            if found is not None:
                drivers.append(found)
        probability = time_driver.win_rate if time_driver is not None else rate
        basis = (
            f"win rate of {time_driver.deals} closed deals still in {stage} after "
            f"{days_in_stage:.0f} days"
            if time_driver is not None
            else f"win rate of {deals} closed deals that reached {stage}"
        )
        drivers.sort(key=lambda d: abs(np.log(max(d.lift, 1e-9))), reverse=True)
        return WinOutlook(probability, rate, deals, basis, tuple(drivers))


def _driver(
    factor: str, value: str, won: np.ndarray, stage_rate: float, min_deals: int
) -> Driver | None:
    if won.size < min_deals or stage_rate <= 0:
        return None
    win_rate = float(won.mean())
    return Driver(factor, value, win_rate, win_rate / stage_rate, int(won.size))


def coach_deal(
    deal: DealState,
    gaps: Sequence[GateGap],
    stall: StallState | None,
    outlook: WinOutlook,
) -> DealCoaching:
    """The next best actions for ``deal``: first every criterion its next stage's gate
    lacks (naming it), then the stall, then the factors that weigh on its win chance."""
    actions: list[CoachingAction] = []
    for gap in gaps:
        where = f"to leave {gap.stage}" if gap.kind == "exit" else f"to enter {gap.stage}"
        actions.append(
            CoachingAction(
                "criterion",
                1,
                f"complete {gap.criterion} {where}: {gap.detail}",
                f"gate.{gap.stage}.{gap.kind}",
            )
        )
    if stall is not None and stall.stalled:
        over = stall.days_in_stage - (stall.limit or 0)
        actions.append(
            CoachingAction(
                "stall",
                2,
                f"{stall.reason} ({over:.0f} days over): agree a dated next step with the "
                "buyer, or close the deal as lost",
                f"stall.{stall.stage}",
            )
        )
    for driver in outlook.drivers:
        if driver.lift < _WEAK_LIFT:
            actions.append(
                CoachingAction(
                    "win_driver",
                    3,
                    f"{driver.factor} {driver.value}: past deals like this won "
                    f"{driver.win_rate:.0%} against {outlook.stage_rate or 0:.0%} for the "
                    f"stage ({driver.deals} deals)",
                    f"win.{driver.factor}",
                )
            )
    return DealCoaching(deal, tuple(actions), tuple(gaps), stall, outlook)
