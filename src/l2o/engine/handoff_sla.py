"""Hand-off SLAs: how long the owner has to act once a lead enters a stage, and what a miss does.

An SLA clock starts when a lead enters the SLA's ``lead_stage`` and is met by the owner's
first touch before the deadline. A breached clock means the lead goes to someone else
(:meth:`LeadRouter.route` with the late owner excluded) and the ``escalate_to`` role is told.

    >>> clocks = HandoffSlas(spec).start("mql", entered_at=now)   # doctest: +SKIP
    >>> HandoffSlas.status(clocks[0], first_touch_at=None, now=later).state  # doctest: +SKIP
    'breached'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from l2o.domain import Lead, as_utc
from l2o.engine.explain import Reason
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.signals import HandoffSla

__all__ = ["HandoffSlas", "SlaClock", "SlaStatus"]


@dataclass(frozen=True, slots=True)
class SlaClock:
    """A running SLA: which rule, for which role, started and due when, escalated to whom."""

    sla: str
    lead_stage: str
    owner_role: str
    started_at: datetime
    due_at: datetime
    escalate_to: str | None


@dataclass(frozen=True, slots=True)
class SlaStatus:
    """Whether an SLA was met, is still running or was breached, and by how many minutes."""

    clock: SlaClock
    state: Literal["met", "pending", "breached"]
    minutes_over: float
    reasons: tuple[Reason, ...]
    touched: bool = False

    @property
    def reroute(self) -> bool:
        """A breach with no touch yet hands the lead to someone else (a late touch does not)."""
        return self.state == "breached" and not self.touched


class HandoffSlas:
    """The spec's hand-off SLAs by lead stage."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        slas = spec.signals.slas if spec.signals else []
        self.by_stage: dict[str, tuple[HandoffSla, ...]] = {}
        for sla in slas:
            self.by_stage[sla.lead_stage] = (*self.by_stage.get(sla.lead_stage, ()), sla)

    def start(self, lead_stage: str, *, entered_at: datetime) -> tuple[SlaClock, ...]:
        """The clocks that start when a lead enters ``lead_stage`` at ``entered_at``."""
        entered_at = as_utc(entered_at)
        return tuple(
            SlaClock(
                sla.id,
                sla.lead_stage,
                sla.owner_role,
                entered_at,
                entered_at + timedelta(minutes=sla.respond_within_minutes),
                sla.escalate_to,
            )
            for sla in self.by_stage.get(lead_stage, ())
        )

    @staticmethod
    def status(clock: SlaClock, *, first_touch_at: datetime | None, now: datetime) -> SlaStatus:
        """The state of ``clock`` at ``now`` given the owner's first touch (if any)."""
        now = as_utc(now)
        touched = as_utc(first_touch_at) if first_touch_at is not None else None
        if touched is not None and touched >= clock.started_at:
            late = (touched - clock.due_at).total_seconds() / 60
            if late <= 0:
                reason = Reason(
                    f"sla.{clock.sla}",
                    f"{clock.sla}: first touch {-late:.0f} min before the deadline",
                )
                return SlaStatus(clock, "met", 0.0, (reason,), touched=True)
            reason = Reason(
                f"sla.{clock.sla}", f"{clock.sla}: first touch {late:.0f} min after the deadline"
            )
            return SlaStatus(clock, "breached", late, (reason,), touched=True)
        over = (now - clock.due_at).total_seconds() / 60
        if over < 0:
            reason = Reason(
                f"sla.{clock.sla}", f"{clock.sla}: {-over:.0f} min left for the {clock.owner_role}"
            )
            return SlaStatus(clock, "pending", 0.0, (reason,))
        reasons = [
            Reason(
                f"sla.{clock.sla}",
                f"{clock.sla}: no touch, {over:.0f} min past the deadline; re-route",
            )
        ]
        if clock.escalate_to:
            reasons.append(Reason(f"sla.{clock.sla}.escalate", f"escalate to {clock.escalate_to}"))
        return SlaStatus(clock, "breached", over, tuple(reasons))

    def status_of_lead(
        self, lead: Lead, lead_stage: str, *, entered_at: datetime, now: datetime
    ) -> tuple[SlaStatus, ...]:
        """Every SLA of ``lead_stage`` for ``lead`` (its ``first_touch_at``) at ``now``."""
        return tuple(
            self.status(clock, first_touch_at=lead.first_touch_at, now=now)
            for clock in self.start(lead_stage, entered_at=entered_at)
        )
