"""Retention: churn risk, time to churn, renewal probability and whether the health score
predicts churn.

Customers are survival data (:class:`CustomerHistory`): how long each has been a customer,
whether it churned (else censored on the data's last day), and what was known about it. The
models follow the estimator API (``fit`` returns the model, learned state ends in ``_``)::

    from l2o.analytics.retention import ChurnModel, RetentionCurve, read_telco_csv

    customers = read_telco_csv("Telco-Customer-Churn.csv")
    model = ChurnModel().fit(customers)            # Cox proportional hazards (lifelines)
    model.concordance_, model.hazard_ratios_
    RetentionCurve().fit(customers).retained_at([12, 24])   # Kaplan-Meier

:func:`holdout_concordance` measures the model on customers it never saw,
:func:`health_validity` scores the CRM's health score against churn, and
:func:`evaluate_churn` evaluates churn within a horizon as a learned-scoring task (AUC, Brier
score, reliability on a time-ordered hold-out, against the health score). See docs/retention.md.
"""

from l2o.analytics.retention._churn_model import ChurnModel
from l2o.analytics.retention._churn_task import (
    CHURN,
    DEFAULT_CHURN_HORIZON_DAYS,
    MIN_CHURNS,
    ChurnSplit,
    churn_split,
    evaluate_churn,
    horizon_outcomes,
    tables_known_by,
)
from l2o.analytics.retention._curve import RetentionCurve
from l2o.analytics.retention._customers import CustomerHistory
from l2o.analytics.retention._errors import RetentionError
from l2o.analytics.retention._subscriptions import (
    SubscriptionTables,
    current_customers,
    customers_from_subscriptions,
    read_subscriptions_csv,
)
from l2o.analytics.retention._telco import read_telco_csv
from l2o.analytics.retention._validity import (
    HealthValidity,
    HoldOut,
    health_validity,
    holdout_concordance,
)

__all__ = [
    "CHURN",
    "DEFAULT_CHURN_HORIZON_DAYS",
    "MIN_CHURNS",
    "ChurnModel",
    "ChurnSplit",
    "CustomerHistory",
    "HealthValidity",
    "HoldOut",
    "RetentionCurve",
    "RetentionError",
    "SubscriptionTables",
    "churn_split",
    "current_customers",
    "customers_from_subscriptions",
    "evaluate_churn",
    "health_validity",
    "holdout_concordance",
    "horizon_outcomes",
    "read_subscriptions_csv",
    "read_telco_csv",
    "tables_known_by",
]
