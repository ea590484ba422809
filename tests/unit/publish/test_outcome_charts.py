"""Outcome charts are Vega-Lite specs whose data rows come from the analytics results given:
unmeasured values are named, never drawn as zero; the trusted method and the default
attribution model are the ones the inputs make them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from l2o.publish import outcome_charts as oc
from l2o.publish.charts import svg


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct inline data row of a spec, however deeply layered or concatenated
    (layers drawing the same rows, as bars and their labels, count them once)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and "values" in data:
                found.extend(data["values"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    unique = {json.dumps(row, sort_keys=True): row for row in found}
    return list(unique.values())


@dataclass(frozen=True)
class Score:
    """Stands in for ``analytics.forecast.MethodScore`` (read by its fields)."""

    method: str
    week: int
    periods: int
    mape: float | None
    bias: float | None
    coverage: float | None = None
    insufficient: int = 0


METHODS: dict[str, dict[str, Any]] = {
    "weighted_pipeline": {"expected": 410_000.0, "booked": 120_000.0, "how": "stage x amount"},
    "stage_conversion": {"expected": None, "how": "insufficient evidence: 3 closed deals"},
    "monte_carlo": {
        "expected": 455_000.0,
        "p10": 390_000.0,
        "p50": 450_000.0,
        "p90": 530_000.0,
        "booked": 120_000.0,
        "how": "10,000 simulations",
    },
}


def test_forecast_chart_draws_each_measured_method_and_names_the_missing_one() -> None:
    rows = _rows(oc.forecast_chart(METHODS, "2025Q3"))

    bars = {r["method"]: r for r in rows if "expected" in r}
    measured = {k for k, v in METHODS.items() if v["expected"] is not None}
    assert len(bars) == len(measured)
    for name in measured:
        assert any(r["expected"] == METHODS[name]["expected"] for r in bars.values())
    missing = [r for r in rows if r.get("label") == "insufficient evidence"]
    assert len(missing) == len(METHODS) - len(measured)
    assert not any(r.get("expected") == 0 for r in rows)


def test_forecast_chart_carries_the_interval_of_simulation_methods_only() -> None:
    rows = [r for r in _rows(oc.forecast_chart(METHODS, "2025Q3")) if "p10" in r]

    assert {r["p10"] for r in rows} == {
        v["p10"] for v in METHODS.values() if v.get("p10") is not None
    }
    for row in rows:
        assert row["p10"] <= row["p50"] <= row["p90"]
        assert row["label_at"] >= row["p90"]  # the label sits clear of the interval
    booked = [r for r in _rows(oc.forecast_chart(METHODS, "2025Q3")) if "booked" in r]
    assert booked
    assert booked[0]["booked"] == METHODS["monte_carlo"]["booked"]


SCORES = [
    Score("monte_carlo", 6, 5, 0.08, -0.04, 0.8),
    Score("stage_conversion", 2, 5, 0.19, -0.19),
    Score("monte_carlo", 2, 5, 0.12, -0.05, 0.8),
    Score("weighted_pipeline", 2, 5, 0.52, -0.52),
    Score("category_rollup", 2, 1, 0.01, 0.01),  # best, but from one period only
    Score("weighted_pipeline", 6, 0, None, None, insufficient=5),
]


def test_earned_trust_is_the_lowest_mape_at_the_earliest_week_with_enough_periods() -> None:
    trust = oc.earned_trust(SCORES)

    assert trust is not None
    earliest = min(s.week for s in SCORES)
    eligible = [s for s in SCORES if s.week == earliest and s.mape is not None and s.periods >= 2]
    best = min(eligible, key=lambda s: s.mape or 0.0)
    assert (trust.method, trust.week, trust.mape) == (best.method, best.week, best.mape)
    assert trust.runner_up == sorted(eligible, key=lambda s: s.mape or 0.0)[1].method
    assert f"{best.mape * 100:.0f}%" in trust.sentence  # type: ignore[operator]
    # dicts (the CLI's JSON) give the same verdict as the dataclasses
    assert oc.earned_trust([s.__dict__ for s in SCORES]) == trust
    # demanding more periods than any method has leaves nothing trusted
    assert oc.earned_trust(SCORES, min_periods=6) is None


def test_track_record_chart_marks_only_the_trusted_method() -> None:
    spec = oc.track_record_chart(SCORES)
    rows = [r for r in _rows(spec) if "mape_label" in r]

    trusted = [r for r in rows if r["trusted"]]
    trust = oc.earned_trust(SCORES)
    assert trust is not None
    assert len(trusted) == 1
    assert trusted[0]["week"] == f"Week {trust.week}"
    assert "trusted" in trusted[0]["mape_label"]
    unscored = [r for r in rows if r["mape"] is None]
    assert unscored
    assert all(r["mape_label"] == "not scored" for r in unscored)
    assert trust.sentence in spec["description"]
    assert len(spec["vconcat"]) == len({s.week for s in SCORES})  # one panel per week


CREDITS = {
    "markov": {
        "search": {"conversions": 60.0, "value": 600.0},
        "email": {"conversions": 40.0, "value": 100.0},
    },
    "shapley": {
        "search": {"conversions": 30.0, "value": 300.0},
        "email": {"conversions": 70.0, "value": 500.0},
    },
}


@pytest.mark.parametrize("measure", ["conversions", "value"])
def test_attribution_chart_shares_add_up_per_model_and_mark_the_default(measure: str) -> None:
    spec = oc.attribution_chart(CREDITS, default_model="shapley", measure=measure)
    rows = _rows(spec)

    for model, channels in CREDITS.items():
        mine = [r for r in rows if r["model"].startswith(model)]
        assert sum(r["share"] for r in mine) == pytest.approx(1.0)
        total = sum(c[measure] for c in channels.values())
        for r in mine:
            assert r["share"] == pytest.approx(channels[r["channel"]][measure] / total)
            assert r["default"] == (model == "shapley")
    assert {r["model"] for r in rows if r["default"]} == {"shapley (default)"}
    # channels in the default model's order, largest share first
    order = spec["encoding"]["y"]["sort"]
    shapley = CREDITS["shapley"]
    assert order == sorted(shapley, key=lambda c: -shapley[c][measure])


def test_attribution_chart_refuses_an_unknown_measure() -> None:
    with pytest.raises(ValueError, match="measure"):
        oc.attribution_chart(CREDITS, default_model="shapley", measure="clicks")


def test_credit_chart_has_pipeline_and_revenue_rows_per_channel() -> None:
    pipeline, revenue = CREDITS["markov"], CREDITS["shapley"]
    rows = _rows(oc.credit_chart(pipeline, revenue, model="markov"))

    for outcome, credit in (("Pipeline created", pipeline), ("Revenue won", revenue)):
        mine = {r["channel"]: r["value"] for r in rows if r.get("outcome") == outcome}
        assert mine == {k: v["value"] for k, v in credit.items()}
    only = _rows(oc.credit_chart(pipeline, None, model="markov", by="campaign"))
    assert {r["outcome"] for r in only if "outcome" in r} == {"Pipeline created"}
    assert all("campaign" in r for r in only if "outcome" in r)


def _metric(metric: str, value: float | None, n: int, **more: Any) -> dict[str, Any]:
    return {
        "metric": metric,
        "value": value,
        "unit": "ratio",
        "n": n,
        "definition": f"definition of {metric}",
        "how": "",
        "group": more.get("group"),
        "step": more.get("step"),
        "reason": more.get("reason", ""),
    }


VALUES = [
    _metric("lead_to_mql", 0.27, 2782, step="lead>mql"),
    _metric("mql_to_sql", 0.34, 752, step="mql>sql"),
    _metric("sql_to_won", None, 0, step="sql>won", reason="no SQL yet"),
    _metric("lead_to_mql", 0.5, 10, group="enterprise", step="lead>mql"),
    _metric("stage_conversion", 0.78, 327, step="discovery>qualification"),
    _metric("stage_conversion", 0.85, 238, step="qualification>proposal"),
    _metric("net_revenue_retention", 1.12, 108),
    _metric("gross_revenue_retention", 0.92, 108),
    _metric("win_rate_count", 0.58, 336),
]


def test_funnel_chart_shows_the_company_steps_with_their_n_and_definition() -> None:
    rows = _rows(oc.funnel_chart(VALUES))
    steps = [r for r in rows if "definition" in r]

    company = [v for v in VALUES if v["metric"] in oc.FUNNEL_METRICS and v["group"] is None]
    assert len(steps) == len(company)
    for row, value in zip(steps, company, strict=True):
        assert row["value"] == value["value"]
        assert row["n"] == value["n"]
        assert row["definition"] == value["definition"]
    unmeasured = [r for r in steps if r["value"] is None]
    assert unmeasured
    assert "not measured: no SQL yet" in unmeasured[0]["label"]
    segment = [r for r in _rows(oc.funnel_chart(VALUES, group="enterprise")) if "n" in r]
    assert [r["n"] for r in segment] == [10]


def test_stage_conversion_and_retention_charts_take_their_own_metrics() -> None:
    stages = [r for r in _rows(oc.stage_conversion_chart(VALUES)) if "n" in r]
    assert [r["n"] for r in stages] == [v["n"] for v in VALUES if v["metric"] == "stage_conversion"]
    spec = oc.retention_chart(VALUES)
    retention = [r for r in _rows(spec) if "n" in r]
    wanted = {v["value"] for v in VALUES if v["metric"] in oc.RETENTION_METRICS}
    assert {r["value"] for r in retention} == wanted
    assert {"at": 1.0} in _rows(spec)  # the 100% line


def test_calibration_chart_plots_the_filled_bins_and_names_the_brier_score() -> None:
    bins = [
        {"lower": 0.0, "upper": 0.5, "n": 40, "mean_predicted": 0.2, "observed_rate": 0.25},
        {"lower": 0.5, "upper": 1.0, "n": 0, "mean_predicted": None, "observed_rate": None},
    ]
    report = {"model": "learned", "n": 40, "brier": 0.1234, "reliability": bins}
    spec = oc.calibration_chart(report)
    points = [r for r in _rows(spec) if "n" in r]

    assert [(p["predicted"], p["observed"]) for p in points] == [(0.2, 0.25)]
    assert "Brier 0.123" in spec["description"]


def test_outcome_charts_render_offline() -> None:
    for spec in (
        oc.forecast_chart(METHODS, "2025Q3"),
        oc.track_record_chart(SCORES),
        oc.attribution_chart(CREDITS, default_model="markov"),
        oc.funnel_chart(VALUES),
    ):
        assert svg(spec).startswith("<svg")
