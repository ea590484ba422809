"""Churn as a learned-scoring task: does a customer churn within the horizon from a landmark?

Each landmark row (a customer still with the company, looked at on a landmark day - see
:func:`customers_from_subscriptions`) asks: *does this customer churn within ``horizon``
days from that day?* The outcome is known only with full follow-up: a churn counts once it
is certain (its last contract ended ``grace`` days before the data's end), and "no churn"
needs ``horizon + grace`` days of data after the landmark. Rows whose horizon passes the
data's end have no outcome and are left out.

The evaluation is time-ordered, like the other tasks'. The cutoff is the landmark day from
which about ``test_share`` of the labelled rows look; those rows are the hold-out. The churn
model (:class:`ChurnModel`, Cox) is fitted on the subscription tables **as known on the
cutoff day** (:func:`tables_known_by`: contracts started by then, usage and tickets before
it, churn judged on that day), so no landmark after the cutoff - and no outcome learned
after it - reaches training. The rules baseline is the CRM's health score (lower health,
higher risk), mapped to a probability by a one-variable logistic fit on the outcomes known
by the cutoff, as the other tasks map their rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from l2o.analytics.models import (
    Evaluation,
    Examples,
    Feature,
    LeakingField,
    ModelError,
    RuleBaseline,
    Task,
    TimeSplit,
    model_report,
    population_stability_index,
)
from l2o.analytics.retention._churn_model import ChurnModel
from l2o.analytics.retention._customers import CustomerHistory, FloatArray
from l2o.analytics.retention._errors import RetentionError
from l2o.analytics.retention._subscriptions import SubscriptionTables, customers_from_subscriptions

__all__ = [
    "CHURN",
    "DEFAULT_CHURN_HORIZON_DAYS",
    "MIN_CHURNS",
    "ChurnSplit",
    "churn_split",
    "evaluate_churn",
    "horizon_outcomes",
    "tables_known_by",
]

DEFAULT_CHURN_HORIZON_DAYS = 90.0
"""A quarter: the same horizon ``l2o retention`` gives each customer's churn probability."""
MIN_CHURNS = 10
"""Churns needed within the horizon in the hold-out, and churned customers in training."""

_AS_OF = "as of the landmark day"
CHURN = Task(
    name="churn",
    record="customer on a landmark day",
    outcome="the customer churns (its last contract ends) within the horizon after the landmark",
    scored_at="the landmark day (every 90 days, for each customer with a contract in force)",
    features=(
        Feature("log_arr", "number", f"ARR of the contracts in force {_AS_OF}"),
        Feature("months_to_term_end", "number", f"end of the current term, {_AS_OF}"),
        Feature("tenure_months", "number", "days since the first contract started"),
        Feature("auto_renew", "category", f"whether a contract in force auto-renews, {_AS_OF}"),
        Feature("segment", "category", "the account's segment"),
        Feature("log_employees", "number", "the account's size"),
        Feature("utilisation", "number", "active users / licensed seats over the 90 days before"),
        Feature("tickets_per_month", "number", "support tickets opened over the 90 days before"),
        Feature("urgent_ticket_share", "number", "as tickets_per_month"),
    ),
    leaking=(
        LeakingField(
            "health_score",
            "the store keeps only its latest value: for a churned customer, the score it left "
            "with (used only as the rules baseline, and said so)",
        ),
        LeakingField("duration", "time to churn or to the data's end: the outcome"),
        LeakingField("churned", "the outcome itself"),
    ),
)
"""The churn task: what each landmark row may be scored from, and what it may not."""


def horizon_outcomes(
    history: CustomerHistory, horizon: float = DEFAULT_CHURN_HORIZON_DAYS, grace: float = 30.0
) -> tuple[FloatArray, FloatArray]:
    """Each landmark row's outcome (1.0 churned within ``horizon`` days of its landmark,
    0.0 did not, NaN not yet known) and the day it became known.

    A churn is certain ``grace`` days after the last contract ended; "no churn within the
    horizon" needs ``horizon + grace`` days of data after the landmark (a row still censored
    before that is left without an outcome).
    """
    if history.landmark is None:
        raise RetentionError(f"{history.source}: churn outcomes need landmark rows")
    positive = history.churned & (history.duration <= horizon)
    followed = history.duration >= horizon + grace
    negative = ~positive & ((history.churned & (history.duration > horizon)) | followed)
    outcome = np.where(positive, 1.0, np.where(negative, 0.0, np.nan))
    known_at = np.where(
        positive,
        history.landmark + history.duration + grace,
        np.where(negative, history.landmark + horizon + grace, np.nan),
    )
    return outcome, known_at


def tables_known_by(tables: SubscriptionTables, day: float) -> SubscriptionTables:
    """The subscription tables as they stood on ``day``: contracts started before it, usage
    and tickets before it, and the data ending that day (so churn is judged as of then)."""
    contracts = tables.contract_start < day
    usage = tables.usage_at < day
    tickets = tables.ticket_at < day
    return replace(
        tables,
        contract_account=tables.contract_account[contracts],
        contract_start=tables.contract_start[contracts],
        contract_end=tables.contract_end[contracts],
        contract_arr=tables.contract_arr[contracts],
        contract_auto_renew=tables.contract_auto_renew[contracts],
        usage_account=tables.usage_account[usage],
        usage_at=tables.usage_at[usage],
        usage_active=tables.usage_active[usage],
        usage_seats=tables.usage_seats[usage],
        ticket_account=tables.ticket_account[tickets],
        ticket_at=tables.ticket_at[tickets],
        ticket_urgent=tables.ticket_urgent[tickets],
        as_of=min(tables.as_of, day),
    )


@dataclass(frozen=True)
class ChurnSplit(TimeSplit):
    """The churn task's time-ordered split: ``train`` indexes the landmark rows as known on
    the cutoff day (censored there), ``test`` the labelled rows from the cutoff on."""

    horizon: float = DEFAULT_CHURN_HORIZON_DAYS
    train_churned: int = 0

    def describe(self) -> str:
        day = np.datetime64(int(self.cutoff), "D")
        return (
            f"trained on {self.train.size} landmark rows as known on {day} "
            f"({self.train_churned} customers churned by then), tested on {self.test.size} "
            f"landmark rows from {day} on with {self.horizon:g} days of follow-up "
            f"({self.left_out} labelled rows before the cutoff whose outcome came after it "
            "left out)"
        )


def churn_split(
    history: CustomerHistory,
    outcome: FloatArray,
    known_at: FloatArray,
    test_share: float = 0.25,
) -> tuple[float, np.ndarray, int]:
    """The cutoff (a landmark day), the hold-out rows (labelled, looked at from the cutoff
    on) and how many labelled rows before the cutoff were learned only after it."""
    if not 0.0 < test_share < 1.0:
        raise RetentionError(f"churn: test share {test_share} must be between 0 and 1")
    assert history.landmark is not None
    labelled = ~np.isnan(outcome)
    if labelled.sum() < 2 * MIN_CHURNS:
        raise RetentionError(
            f"churn: insufficient evidence: {int(labelled.sum())} landmark rows with a known "
            f"outcome, too few to split"
        )
    quantile = float(np.quantile(history.landmark[labelled], 1.0 - test_share))
    later = labelled & (history.landmark >= quantile)
    cutoff = float(history.landmark[later].min())
    test = np.flatnonzero(labelled & (history.landmark >= cutoff))
    straddling = labelled & (history.landmark < cutoff) & (known_at > cutoff)
    return cutoff, test, int(straddling.sum())


def evaluate_churn(
    tables: SubscriptionTables,
    *,
    horizon: float = DEFAULT_CHURN_HORIZON_DAYS,
    test_share: float = 0.25,
    every: float = 90.0,
    grace: float = 30.0,
    window: float = 90.0,
) -> Evaluation:
    """Health-score rules vs the Cox churn model on the time-ordered hold-out: AUC, Brier
    score and reliability of P(churn within ``horizon`` days of the landmark).

    Raises :class:`RetentionError` ("insufficient evidence", with the counts) when training
    has fewer than :data:`MIN_CHURNS` churns or the hold-out fewer churns within the horizon.
    """
    full = customers_from_subscriptions(tables, every=every, grace=grace, window=window)
    outcome, known_at = horizon_outcomes(full, horizon, grace)
    cutoff, test_rows, left_out = churn_split(full, outcome, known_at, test_share)
    test = full.subset(_mask(full.size, test_rows))
    y_test = outcome[test_rows]
    positives = int(y_test.sum())
    if positives < MIN_CHURNS or positives == y_test.size:
        raise RetentionError(
            f"churn: insufficient evidence: the hold-out from {_day(cutoff)} has {positives} "
            f"churns within {horizon:g} days among {y_test.size} landmark rows (needs "
            f"{MIN_CHURNS} and some that stayed)"
        )
    try:
        past = customers_from_subscriptions(
            tables_known_by(tables, cutoff), every=every, grace=grace, window=window
        )
    except RetentionError as exc:
        raise RetentionError(f"churn: insufficient evidence before {_day(cutoff)}: {exc}") from exc
    churned = int(past.churned.sum())
    churned_customers = len({str(i).split("@", 1)[0] for i in past.ids[past.churned]})
    if churned_customers < MIN_CHURNS:
        raise RetentionError(
            f"churn: insufficient evidence: {churned_customers} customers churned by "
            f"{_day(cutoff)} ({churned} of {past.size} landmark rows) to learn from (needs "
            f"{MIN_CHURNS})"
        )
    model = ChurnModel(min_churned=MIN_CHURNS).fit(past)
    past_outcome, past_known = horizon_outcomes(past, horizon, grace)
    train_examples = _examples(past, past_outcome, past_known)
    test_examples = _examples(test, y_test, known_at[test_rows])
    try:
        rules = RuleBaseline().fit(train_examples)
    except ModelError as exc:
        raise RetentionError(f"churn: insufficient evidence: {exc}") from exc
    learned_train = model.churn_probability(_at_landmark(past), horizon)
    learned_test = model.churn_probability(_at_landmark(test), horizon)
    how = (
        f"Cox proportional hazards (lifelines) on {past.size} landmark rows as known on "
        f"{_day(cutoff)} ({churned_customers} customers churned); P(churn within "
        f"{horizon:g} days) from the landmark day"
    )
    reports = (
        model_report("rules", y_test, rules.predict_proba(test_examples), rules.how),
        model_report("learned", y_test, learned_test, how),
    )
    split = ChurnSplit(
        cutoff=cutoff,
        train=np.arange(past.size, dtype=np.int64),
        test=test_rows.astype(np.int64),
        left_out=left_out,
        horizon=horizon,
        train_churned=churned_customers,
    )
    unlabelled = int(np.isnan(outcome).sum())
    return Evaluation(
        task=CHURN.name,
        split=split,
        train_outcomes=train_examples.counts(),
        reports=reports,
        drift=population_stability_index(
            learned_train, learned_test, what="learned churn probability, training vs hold-out"
        ),
        features=tuple(str(c) for c in full.features.columns),
        notes=(
            f"outcome: churn (the last contract ends, nothing after it for {grace:g} days) "
            f"within {horizon:g} days of the landmark day",
            f"{unlabelled} landmark rows whose {horizon:g} + {grace:g} days of follow-up pass "
            "the data's end have no outcome and are left out",
            "rules: the CRM's health score, lower is riskier; the store keeps only its latest "
            "value, so the baseline sees the score as of the export (after the outcome): an "
            "upper bound on what the score could have warned",
        ),
    )


def _examples(history: CustomerHistory, outcome: FloatArray, known_at: FloatArray) -> Examples:
    """Landmark rows as the rules baseline reads them: the negated health score as points."""
    assert history.landmark is not None
    health = history.health if history.health is not None else np.full(history.size, np.nan)
    return Examples(
        task=CHURN,
        ids=history.ids,
        columns={},
        scored_at=history.landmark,
        outcome=np.asarray(outcome, dtype=np.float64),
        label_known_at=np.asarray(known_at, dtype=np.float64),
        rule_score=-np.asarray(health, dtype=np.float64),
        rule_how="the CRM's health score (lower is riskier; its latest value)",
    )


def _at_landmark(history: CustomerHistory) -> CustomerHistory:
    """The rows as known on their landmark day: nothing followed yet (duration 0)."""
    return replace(
        history,
        duration=np.zeros(history.size),
        churned=np.zeros(history.size, dtype=bool),
        features=pd.DataFrame(history.features),
    )


def _mask(n: int, rows: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def _day(day: float) -> str:
    return str(np.datetime64(int(day), "D"))
