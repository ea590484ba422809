"""The outcomes the forecast, attribution and executive pages show, computed with the same
calls as ``l2o forecast`` (:mod:`l2o.services.forecasting`) and ``l2o attribution`` over the
store, and kept per store state.

A backtest refits every method at two weeks of every past period: seconds on a large store.
Results are cached under the store's state (row counts and latest change times of the
tables they read), so a page shows them again at once until the store changes; the pages
load the backtest as an htmx fragment, so it never holds up the page itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.analytics.attribution import DEFAULT_MODEL, MODELS, Credits, Journeys, make_model
from l2o.analytics.forecast import DealHistory, MethodScore, Period, parse_period
from l2o.errors import L2OError
from l2o.services.attribution_reading import read_campaign_names, read_store_journeys
from l2o.services.forecast_reading import read_store_history
from l2o.services.forecasting import (
    BACKTEST_WEEKS,
    SIMULATIONS,
    backtest_methods,
    default_as_of,
    default_period,
    forecast_period,
)
from l2o.store.schema import (
    leads,
    opportunities,
    opportunity_field_changes,
    stage_changes,
    touchpoints,
)

__all__ = [
    "AttributionView",
    "ForecastView",
    "OutcomeCache",
    "attribution_view",
    "forecast_view",
    "track_record",
]

T = TypeVar("T")


class OutcomeCache:
    """Results by (what, arguments, store state); the oldest go first past ``size``. Two
    requests for the same missing result compute it once: the second waits for the first."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached result under ``key``, computed when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._items:
                    return self._items[key]  # type: ignore[no-any-return]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._items[key] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value


def store_state(engine: Engine) -> tuple[Any, ...]:
    """What the outcomes depend on, cheaply: each table's row count and the sum of its
    records' versions (every update raises one) or its latest entry (append-only tables)."""
    columns = (
        (opportunities, sa.func.sum(opportunities.c.version)),
        (leads, sa.func.sum(leads.c.version)),
        (stage_changes, sa.func.max(stage_changes.c.changed_at)),
        (opportunity_field_changes, sa.func.max(opportunity_field_changes.c.changed_at)),
        (touchpoints, sa.func.max(touchpoints.c.occurred_at)),
    )
    query = sa.select(
        *(
            part
            for table, latest in columns
            for part in (
                sa.select(sa.func.count()).select_from(table).scalar_subquery(),
                sa.select(latest).select_from(table).scalar_subquery(),
            )
        )
    )
    with engine.connect() as conn:
        return tuple(conn.execute(query).one())


def _history(engine: Engine, cache: OutcomeCache, state: tuple[Any, ...]) -> DealHistory:
    return cache.get(("history", state), lambda: read_store_history(engine))


# --- forecast -------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastView:
    """Every method's forecast of one period, as ``l2o forecast --json`` gives them."""

    period: str = ""
    kind: str = "quarter"
    as_of: str = ""
    source: str = ""
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    error: str | None = None

    @property
    def interval(self) -> dict[str, Any] | None:
        """The method with a P10-P90 interval (Monte Carlo), if it could forecast."""
        for name, result in self.methods.items():
            if result.get("p10") is not None and result.get("p90") is not None:
                return {"method": name, **result}
        return None


def forecast_view(engine: Engine, cache: OutcomeCache, period: str | None = None) -> ForecastView:
    """Every method's forecast of ``period`` (default: the one still open), as of the
    store's last day; a method the data cannot support says why instead of a number."""
    try:
        state = store_state(engine)
        history = _history(engine, cache, state)
        target = parse_period(period) if period else default_period(history)
    except (L2OError, ValueError) as error:
        return ForecastView(error=str(error))
    return cache.get(("forecast", target.label, state), lambda: _forecast(history, target))


def _forecast(history: DealHistory, target: Period) -> ForecastView:
    """Every method's forecast (``l2o forecast``'s), as of the store's last day inside the
    period: a period still to come is forecast from its first day."""
    try:
        result = forecast_period(
            history, target, as_of=default_as_of(history, target, from_start=True)
        )
    except L2OError as error:
        return ForecastView(period=target.label, kind=target.kind, error=str(error))
    current = default_period(history, target.kind)
    choices = (current.previous(), current, current.next())
    return ForecastView(
        period=target.label,
        kind=target.kind,
        as_of=result.as_of_day,
        source=result.source,
        methods=result.as_json()["methods"],
        choices=tuple(p.label for p in choices),
    )


def track_record(engine: Engine, cache: OutcomeCache, kind: str = "quarter") -> list[MethodScore]:
    """Every method backtested at weeks 2 and 6 of each full past period of ``kind``, scored
    (MAPE, bias, P10-P90 coverage): ``l2o forecast --backtest``. Raises ``L2OError``."""
    state = store_state(engine)
    history = _history(engine, cache, state)
    return cache.get(
        ("backtest", kind, state),
        lambda: backtest_methods(history, kind, BACKTEST_WEEKS, simulations=SIMULATIONS),
    )


# --- attribution ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionView:
    """One model's credit per channel or campaign for pipeline created and revenue won, and
    every model's credit for comparison; credit is keyed as ``l2o attribution --json`` keys
    it (campaigns by source key), ``names`` gives each campaign's name (:meth:`label`)."""

    model: str
    by: str
    pipeline: dict[str, dict[str, float]] | None = None
    revenue: dict[str, dict[str, float]] | None = None
    method: str = ""
    journeys: float = 0.0
    paths: int = 0
    source: str = ""
    excluded: dict[str, float] = field(default_factory=dict)
    models: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """What a channel or campaign is shown as: a campaign by its name (with its key when
        another campaign has the same name), a channel, or a campaign without one, by its key."""
        name = self.names.get(key)
        if not name:
            return key
        twins = sum(1 for k in self.names.values() if k == name)
        return name if twins == 1 else f"{name} ({key})"


def _journeys(
    engine: Engine, cache: OutcomeCache, state: tuple[Any, ...], outcome: str, by: str
) -> Journeys:
    def read() -> Journeys:
        journeys = read_store_journeys(engine, outcome=outcome)
        return journeys.by_campaign() if by == "campaign" else journeys

    return cache.get(("journeys", outcome, by, state), read)


def _credit(journeys: Journeys, model: str) -> Credits:
    return make_model(model).fit(journeys).credits_


def attribution_view(
    engine: Engine, cache: OutcomeCache, model: str = DEFAULT_MODEL, by: str = "channel"
) -> AttributionView:
    """``model``'s credit per ``by`` (channel or campaign) over the store's journeys, for
    pipeline created and revenue won (``l2o attribution --outcome``), with every model's
    pipeline credit beside it; a model that cannot run on these journeys says why."""
    try:
        state = store_state(engine)
        pipeline = _journeys(engine, cache, state, "pipeline", by)
        revenue = _journeys(engine, cache, state, "revenue", by)
        names = (
            cache.get(("campaign_names", state), lambda: read_campaign_names(engine))
            if by == "campaign"
            else {}
        )
    except L2OError as error:
        return AttributionView(model, by, error=str(error))

    def compute() -> AttributionView:
        models: dict[str, dict[str, dict[str, float]]] = {}
        refused: dict[str, str] = {}
        for name in MODELS:
            try:
                models[name] = _credit(pipeline, name).as_dict()
            except L2OError as exc:
                refused[name] = str(exc)
        try:
            chosen = _credit(pipeline, model)
            won = _credit(revenue, model)
        except L2OError as exc:
            return AttributionView(
                model, by, models=models, refused=refused, error=str(exc), names=names
            )
        return AttributionView(
            model=model,
            by=by,
            pipeline=chosen.as_dict(),
            revenue=won.as_dict(),
            method=chosen.method,
            journeys=chosen.n_journeys,
            paths=chosen.n_paths,
            source=pipeline.source,
            excluded={k: v for k, v in pipeline.excluded.items() if v},
            models=models,
            refused=refused,
            names=names,
        )

    return cache.get(("attribution", model, by, state), compute)
