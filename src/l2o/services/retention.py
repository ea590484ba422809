"""Retention over the store: who is likely to churn, who will renew, and whether the health
score can be trusted.

The subscription tables are read set-based with SQLAlchemy Core (one query per table,
columns only, no record loaded as an object) into :class:`SubscriptionTables`; the models in
:mod:`l2o.analytics.retention` take it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.analytics.models import Evaluation
from l2o.analytics.retention import (
    DEFAULT_CHURN_HORIZON_DAYS,
    ChurnModel,
    CustomerHistory,
    HealthValidity,
    HoldOut,
    RetentionCurve,
    RetentionError,
    SubscriptionTables,
    current_customers,
    customers_from_subscriptions,
    evaluate_churn,
    health_validity,
    holdout_concordance,
)
from l2o.store import schema as t

__all__ = [
    "AtRiskCustomer",
    "RetentionReport",
    "evaluate_churn_task",
    "read_subscription_tables",
    "report_from_customers",
    "retention_report",
]

_HORIZON = {"days": 90.0, "months": 3.0}  # the same quarter ahead in either unit


@dataclass(frozen=True)
class AtRiskCustomer:
    """A current customer with its chance of churning in the next 90 days and of renewing
    its current term, and the features that push its risk up the most."""

    account_id: str
    name: str | None
    churn_probability_90d: float
    renewal_probability: float | None
    days_to_renewal: float | None
    health: float | None


@dataclass(frozen=True)
class RetentionReport:
    """What retention analytics says about a customer base, and from how much data."""

    source: str
    customers: int
    churned: int
    unit: str
    concordance: float | None = None
    holdout: HoldOut | None = None
    hazard_ratios: dict[str, float] = field(default_factory=dict)
    retained: dict[str, float] = field(default_factory=dict)
    health: HealthValidity | None = None
    at_risk: list[AtRiskCustomer] = field(default_factory=list)
    how: str = ""
    insufficient: str = ""

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def read_subscription_tables(engine: Engine) -> SubscriptionTables:
    """Contracts in force at some point, accounts, active-user usage and tickets."""
    live = t.contracts.c.status.notin_(["pending", "cancelled"])
    with engine.connect() as conn:
        contracts = conn.execute(
            sa.select(
                t.contracts.c.account_id,
                t.contracts.c.start_date,
                t.contracts.c.end_date,
                t.contracts.c.arr,
                t.contracts.c.auto_renew,
                t.contracts.c.created_at,
            ).where(live)
        ).all()
        accounts = conn.execute(
            sa.select(
                t.accounts.c.id,
                t.accounts.c.segment,
                t.accounts.c.industry,
                t.accounts.c.employees,
                t.accounts.c.health_score,
            )
        ).all()
        usage = conn.execute(
            sa.select(
                t.usage_records.c.account_id,
                t.usage_records.c.occurred_at,
                t.usage_records.c.quantity,
                t.usage_records.c.licensed_seats,
            ).where(t.usage_records.c.metric == "active_users")
        ).all()
        tickets = conn.execute(
            sa.select(
                t.support_tickets.c.account_id,
                t.support_tickets.c.created_at,
                t.support_tickets.c.priority,
            )
        ).all()
    c, a, u, k = (
        _columns(rows, n) for rows, n in ((contracts, 6), (accounts, 5), (usage, 4), (tickets, 3))
    )
    latest = [x for x in (_days(c[5]), _days(u[1]), _days(k[1])) if x.size]
    as_of = float(max(np.nanmax(x) for x in latest)) if latest else float("nan")
    return SubscriptionTables(
        contract_account=_text(c[0]),
        contract_start=_days(c[1]),
        contract_end=_days(c[2]),
        contract_arr=_floats(c[3]),
        contract_auto_renew=np.array([bool(x) for x in c[4]], dtype=bool),
        account_id=_text(a[0]),
        account_segment=_text(a[1]),
        account_industry=_text(a[2]),
        account_employees=_floats(a[3]),
        account_health=_floats(a[4]),
        usage_account=_text(u[0]),
        usage_at=_days(u[1]),
        usage_active=_floats(u[2]),
        usage_seats=_floats(u[3]),
        ticket_account=_text(k[0]),
        ticket_at=_days(k[1]),
        ticket_urgent=np.array([p in ("urgent", "high") for p in k[2]], dtype=bool),
        as_of=as_of,
        source="the store",
    )


def evaluate_churn_task(
    engine: Engine,
    *,
    horizon_days: float = DEFAULT_CHURN_HORIZON_DAYS,
    test_share: float = 0.25,
) -> Evaluation:
    """Churn within ``horizon_days`` of a landmark as a learned-scoring task: the churn model
    fitted on the store as known on a cutoff day against the CRM's health score, scored on
    the later landmarks (AUC, Brier score, reliability) - the shape ``l2o models evaluate``
    prints for every task. :class:`RetentionError` says "insufficient evidence" with the
    counts when there are too few churns on either side."""
    tables = read_subscription_tables(engine)
    if tables.contract_account.size == 0:
        raise RetentionError("churn: the store holds no contracts, so no customers to evaluate")
    return evaluate_churn(tables, horizon=horizon_days, test_share=test_share)


def retention_report(engine: Engine, *, top: int = 10) -> RetentionReport:
    """Churn model, renewal probabilities, retention curve and health-score validity for
    the customers in the store."""
    tables = read_subscription_tables(engine)
    if tables.contract_account.size == 0:
        return RetentionReport("the store", 0, 0, "days", insufficient="no contracts in the store")
    history = customers_from_subscriptions(tables)
    try:
        today = current_customers(tables)
    except RetentionError:
        today = None
    with engine.connect() as conn:
        names = {
            str(i): str(n) for i, n in conn.execute(sa.select(t.accounts.c.id, t.accounts.c.name))
        }
    return report_from_customers(history, today, top=top, landmarks=True, names=names)


def report_from_customers(
    history: CustomerHistory,
    today: CustomerHistory | None = None,
    *,
    top: int = 10,
    landmarks: bool = False,
    names: dict[str, str] | None = None,
) -> RetentionReport:
    """The report for any customer history (the store's landmark rows, or a file such as the
    Telco sample); ``today`` are the customers to score for risk and renewal."""
    curve = RetentionCurve().fit(history)
    marks = [90.0, 180.0, 365.0] if history.unit == "days" else [6.0, 12.0, 24.0]
    retained = {
        f"{m:g} {history.unit}": float(v)
        for m, v in zip(marks, curve.retained_at(marks), strict=True)
    }
    base = RetentionReport(
        history.source,
        _customers(history),
        int(history.churned.sum()),
        history.unit,
        retained=retained,
        health=health_validity(history) if history.health is not None else None,
    )
    try:
        model = ChurnModel().fit(history)
    except RetentionError as exc:
        return _replace(base, insufficient=str(exc))
    try:
        held: HoldOut | None = holdout_concordance(history)
    except RetentionError:  # the training part alone has too few churns
        held = None
    rows = "landmark rows (customers seen every 90 days)" if landmarks else "customers"
    how = (
        f"Cox proportional hazards on {history.size:,} {rows}, {int(history.churned.sum()):,} "
        f"churns; concordance in sample and on a 30% hold-out of customers"
    )
    scored = today if today is not None and today.size else None
    return _replace(
        base,
        concordance=model.concordance_,
        holdout=held,
        hazard_ratios=model.hazard_ratios_,
        at_risk=_at_risk(model, scored, top, names or {}) if scored is not None else [],
        how=how,
    )


def _at_risk(
    model: ChurnModel, today: CustomerHistory, top: int, names: dict[str, str]
) -> list[AtRiskCustomer]:
    churn = model.churn_probability(today, _HORIZON.get(today.unit, 90.0))
    renew = model.renewal_probability(today, grace=30.0 if today.unit == "days" else 1.0)
    order = np.argsort(-churn, kind="stable")[:top]
    days = today.days_to_renewal
    health = today.health
    return [
        AtRiskCustomer(
            str(today.ids[i]),
            names.get(str(today.ids[i])),
            float(churn[i]),
            None if np.isnan(renew[i]) else float(renew[i]),
            None if days is None or not np.isfinite(days[i]) else float(days[i]),
            None if health is None or np.isnan(health[i]) else float(health[i]),
        )
        for i in order
    ]


def _customers(history: CustomerHistory) -> int:
    return len({str(i).split("@", 1)[0] for i in history.ids})


def _replace(report: RetentionReport, **changes: Any) -> RetentionReport:
    return RetentionReport(**{**report.__dict__, **changes})


def _columns(rows: Sequence[Any], n: int) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(n)]


def _text(values: list[Any]) -> np.ndarray:
    return np.array([None if v is None else str(v) for v in values], dtype=object)


def _floats(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _days(values: list[Any]) -> np.ndarray:
    """Day numbers (days since 1970-01-01) from dates and datetimes; NaN where missing."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if isinstance(v, datetime):
            out[i] = (v if v.tzinfo else v.replace(tzinfo=UTC)).timestamp() / 86400.0
        elif isinstance(v, date):
            out[i] = float(np.datetime64(v, "D").astype(np.int64))
    return out
