"""The composition root of the revenue services: one spec's rules over one store, and a clock.

::

    system = RevenueSystem.build("architecture.yaml", "sqlite:///./l2o-data/l2o.db")
    move = advance_opportunity(system, ChangeOpportunityStage(opportunity_id=..., ...))

The spec is compiled once (``EngineRules.from_spec``) with what the engine takes as settings
read from the spec itself: the roles that may override gates (every pipeline's
``override_roles``, which each pipeline's gate applies) and the reps' working
hours (``working_hours`` of the routing pools' members).

With ``models_dir`` (where ``l2o models train`` writes ``TASK.json``) the engine also gets
the learned lead-conversion and deal-win scoring as the AI-readiness gate left it: the
compiled model when the gate switched it on, else the rules and the gate's reasons (see
:func:`l2o.services.modeling.lead_conversion_scoring`). Without it nothing learned is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from l2o.domain import as_utc, utc_now
from l2o.engine import EngineRules, WorkingHours
from l2o.spec import ArchitectureSpec, load_spec
from l2o.store import SqlAlchemyUnitOfWork, engine_for

__all__ = ["RevenueSystem", "UnitOfWorkFactory", "working_hours_of"]

#: Makes a unit of work acting as a user (``None``: the system itself) through a source.
UnitOfWorkFactory = Callable[[Engine, str | None, str], SqlAlchemyUnitOfWork]


def _default_factory(engine: Engine, actor: str | None, source: str) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(engine, actor=actor, source=source)


@dataclass(frozen=True)
class RevenueSystem:
    """The spec's compiled rules, the store's engine, the clock and the audit source."""

    rules: EngineRules
    engine: Engine
    clock: Callable[[], datetime] = utc_now
    source: str = "app"
    uow_factory: UnitOfWorkFactory = field(default=_default_factory)

    @classmethod
    def build(
        cls,
        spec: ArchitectureSpec | str | Path,
        database: str | Engine,
        *,
        clock: Callable[[], datetime] = utc_now,
        source: str = "app",
        uow_factory: UnitOfWorkFactory = _default_factory,
        models_dir: str | Path | None = None,
    ) -> RevenueSystem:
        """Load and compile ``spec`` and open the store at ``database`` (a URL or an engine);
        with ``models_dir``, load the learned scorings the AI-readiness gate allows."""
        spec = spec if isinstance(spec, ArchitectureSpec) else load_spec(spec)
        rules = EngineRules.from_spec(spec, working_hours=working_hours_of(spec))
        if models_dir is not None:
            # Imported here: the analytics stack (NumPy) loads only when models are asked for.
            from l2o.services.modeling import deal_win_scoring, lead_conversion_scoring

            rules = rules.with_learned(
                lead_conversion=lead_conversion_scoring(models_dir),
                deal_win=deal_win_scoring(models_dir),
            )
        engine = database if isinstance(database, Engine) else engine_for(database)
        return cls(rules, engine, clock, source, uow_factory)

    @property
    def spec(self) -> ArchitectureSpec:
        """The architecture spec the rules were compiled from."""
        return self.rules.spec

    def unit_of_work(self, actor: str | None = None) -> SqlAlchemyUnitOfWork:
        """A new (unopened) unit of work audited under ``actor``."""
        return self.uow_factory(self.engine, actor, self.source)

    def now(self, at: datetime | None = None) -> datetime:
        """``at`` in UTC, or the clock's time when not given."""
        return as_utc(at) if at is not None else as_utc(self.clock())


def working_hours_of(spec: ArchitectureSpec) -> dict[str, WorkingHours]:
    """Each pool member's working hours as the engine reads them, keyed by the spec's user."""
    routing = spec.signals.routing if spec.signals else None
    hours: dict[str, WorkingHours] = {}
    for pool in routing.pools if routing else []:
        for member in pool.members:
            if member.working_hours is None:
                continue
            given = member.working_hours
            hours[member.user] = WorkingHours(
                days=given.weekday_numbers(),
                start=given.start,
                end=given.end,
                timezone=given.timezone,
            )
    return hours
