"""Read the IBM "Telco Customer Churn" sample (7,043 customers) as customer history."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from l2o.analytics.retention._customers import CustomerHistory
from l2o.analytics.retention._errors import RetentionError

__all__ = ["read_telco_csv"]

_FEATURES = (
    "gender",
    "SeniorCitizen",
    "Partner",
    "Dependents",
    "PhoneService",
    "MultipleLines",
    "InternetService",
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
    "Contract",
    "PaperlessBilling",
    "PaymentMethod",
    "MonthlyCharges",
)


def read_telco_csv(path: str | Path) -> CustomerHistory:
    """Customers from ``Telco-Customer-Churn.csv``: ``tenure`` (months) is the duration,
    ``Churn`` = Yes the event. ``TotalCharges`` is left out: it is tenure x charges, so it
    restates the duration it would predict. Customers with tenure 0 are kept (censored at 0
    unless they churned) - the file marks them with a blank ``TotalCharges``.
    """
    path = Path(path)
    if not path.exists():
        raise RetentionError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    missing = [c for c in ("customerID", "tenure", "Churn", *_FEATURES) if c not in header]
    if missing:
        raise RetentionError(f"{path.name}: missing column(s) {', '.join(missing)}")
    frame = pd.read_csv(path, dtype={"SeniorCitizen": str})
    churn = frame["Churn"].astype(str)
    unknown = ~churn.isin(["Yes", "No"])
    if unknown.any():
        raise RetentionError(
            f"{path.name}: Churn must be Yes or No (row {int(np.flatnonzero(unknown)[0]) + 2})"
        )
    return CustomerHistory(
        ids=frame["customerID"].to_numpy(dtype=object),
        duration=frame["tenure"].to_numpy(dtype=np.float64),
        churned=(churn == "Yes").to_numpy(),
        features=frame[list(_FEATURES)].reset_index(drop=True),
        unit="months",
        source=path.name,
    )
