"""Revenue outcomes as Vega-Lite specs (built with Altair): forecasts and their track record,
attribution credit, funnel and retention metrics, and model calibration.

The dashboard and the reports draw the same specs. Each chart takes the plain results of
:mod:`l2o.analytics` in the shape the CLIs print with ``--json`` (dicts), or the analytics
dataclasses themselves (``MethodScore``, ``MetricValue``, ``ModelReport``: read by their
fields), so this module imports nothing from ``analytics``::

    spec = forecast_chart(result["methods"], result["period"])        # l2o forecast --json
    trust = earned_trust(result["backtest"])                          # which method earned it
    spec = attribution_chart({"markov": markov.as_dict(), ...}, default_model="shapley")

As in :mod:`l2o.publish.charts`, a value the analytics could not measure is left out of the
bars (never drawn as zero) and named in the chart's labels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt

from l2o.publish.charts import ACCENT, GRID, INK, MUTED, SHOWN, _data, _finish
from l2o.publish.figures import money_short

__all__ = [
    "FUNNEL_METRICS",
    "PROPER_NAMES",
    "RETENTION_METRICS",
    "EarnedTrust",
    "attribution_chart",
    "calibration_chart",
    "credit_chart",
    "earned_trust",
    "forecast_chart",
    "funnel_chart",
    "method_name",
    "retention_chart",
    "stage_conversion_chart",
    "track_record_chart",
]

Spec = dict[str, Any]

PIPELINE = "#6366f1"
REVENUE = ACCENT
MISS = "#b91c1c"

FUNNEL_METRICS = ("lead_to_mql", "mql_to_sql", "sql_to_won")
"""The funnel's steps, in order (lead -> MQL -> SQL -> won)."""

RETENTION_METRICS = ("net_revenue_retention", "gross_revenue_retention")
"""NRR and GRR: the retention chart's bars, against the 100% line."""


def _plain(item: Any) -> dict[str, Any]:
    """A result as a dict: a dataclass by its fields, a mapping as it is."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    return dict(item)


#: Method names that are proper names, written as such.
PROPER_NAMES = {"monte carlo": "Monte Carlo", "markov": "Markov", "shapley": "Shapley"}


def method_name(name: str) -> str:
    """``monte_carlo`` -> ``Monte Carlo``; ``first-touch`` -> ``First touch``."""
    text = name.replace("_", " ").replace("-", " ").strip()
    for plain, proper in PROPER_NAMES.items():
        text = text.replace(plain, proper)
    return text[:1].upper() + text[1:]


def _percent(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


# --- forecast -------------------------------------------------------------------------


def forecast_chart(
    methods: Mapping[str, Mapping[str, Any]],
    period: str,
    currency: str = "USD",
    width: int = 460,
) -> Spec:
    """Each method's point forecast for ``period`` as a bar, and the P10-P90 interval with
    its P50 where a method simulates one (Monte Carlo).

    ``methods`` is ``{METHOD: {"expected", "p10", "p50", "p90", "booked", "how"}}`` (the
    ``methods`` of ``l2o forecast --json``); ``expected`` ``None`` means the method lacked
    evidence: it gets a labelled row and no bar. The bookings already won in the period are
    a dashed line.
    """
    order = list(methods)
    rows: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    booked: float | None = None
    for name, result in methods.items():
        expected = result.get("expected")
        label = method_name(name)
        if expected is None:
            missing.append({"method": label, "at": 0.0, "label": "insufficient evidence"})
            continue
        booked = booked if booked is not None else result.get("booked")
        row: dict[str, Any] = {
            "method": label,
            "expected": float(expected),
            "label": money_short(float(expected), currency),
            "how": str(result.get("how", "")),
        }
        for key in ("p10", "p50", "p90"):
            if result.get(key) is not None:
                row[key] = float(result[key])
        row["label_at"] = max(row["expected"], row.get("p90", 0.0))
        rows.append(row)
    largest = max((max(r["expected"], r.get("p90", 0.0)) for r in rows), default=1.0) or 1.0
    scale = alt.Scale(domain=[0, largest * 1.3], nice=False)
    x = alt.X(
        "expected:Q", scale=scale, title=f"Bookings in {period} ({currency})", axis=_money_axis()
    )
    y = alt.Y(
        "method:N", sort=[method_name(n) for n in order], title=None, axis=alt.Axis(labelLimit=160)
    )
    layers: list[alt.Chart] = [
        alt.Chart(_data(rows))
        .mark_bar(color=SHOWN, height=14, opacity=0.85)
        .encode(x=x, y=y, tooltip=["method:N", alt.Tooltip("expected:Q", format=",.0f"), "how:N"]),
        alt.Chart(_data(rows))
        .mark_text(align="left", dx=6, fontSize=10, color=INK)
        .encode(x=alt.X("label_at:Q", scale=scale), y=y, text="label:N"),
    ]
    ranged = [r for r in rows if "p10" in r and "p90" in r]
    if ranged:
        layers += [
            alt.Chart(_data(ranged))
            .mark_rule(color=INK, strokeWidth=2)
            .encode(
                x=alt.X("p10:Q", scale=scale),
                x2="p90:Q",
                y=y,
                tooltip=[
                    "method:N",
                    alt.Tooltip("p10:Q", format=",.0f", title="P10"),
                    alt.Tooltip("p50:Q", format=",.0f", title="P50"),
                    alt.Tooltip("p90:Q", format=",.0f", title="P90"),
                ],
            ),
            alt.Chart(_data([r for r in ranged if "p50" in r]))
            .mark_tick(color=INK, thickness=2, size=18)
            .encode(x=alt.X("p50:Q", scale=scale), y=y),
        ]
    if missing:
        layers.append(
            alt.Chart(_data(missing))
            .mark_text(align="left", dx=4, fontSize=10, fontStyle="italic", color=MUTED)
            .encode(x=alt.X("at:Q", scale=scale), y=y, text="label:N")
        )
    if booked:
        layers.append(
            alt.Chart(_data([{"booked": float(booked), "label": "booked so far"}]))
            .mark_rule(color=ACCENT, strokeDash=[4, 3])
            .encode(x=alt.X("booked:Q", scale=scale), tooltip=["label:N", "booked:Q"])
        )
    chart = alt.layer(*layers).properties(width=width, height=max(len(order), 1) * 34)
    return _finish(chart, f"Forecast of {period} by method, with the P10-P90 interval")


def _money_axis() -> alt.Axis:
    return alt.Axis(format="~s", tickCount=5, labelFlush=True)


# --- track record ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EarnedTrust:
    """The method that has earned trust: the lowest backtest MAPE at the earliest week
    scored (the forecast made earliest in a period is the one acted on), among methods
    scored in at least ``min_periods`` past periods."""

    method: str
    week: int
    mape: float
    bias: float | None
    periods: int
    coverage: float | None
    runner_up: str | None

    @property
    def sentence(self) -> str:
        """The verdict as a person reads it."""
        bias = "" if self.bias is None else f", bias {self.bias * 100:+.0f}%"
        then = f"; next best {method_name(self.runner_up)}" if self.runner_up is not None else ""
        return (
            f"{method_name(self.method)} has earned trust: off by {self.mape * 100:.0f}% on average"
            f"{bias} at week {self.week} over {self.periods} past periods{then}."
        )


def earned_trust(scores: Iterable[Any], *, min_periods: int = 2) -> EarnedTrust | None:
    """Which method has earned trust in a backtest's scores (``MethodScore`` rows or their
    dicts); ``None`` when no method was scored in ``min_periods`` periods."""
    rows = [_plain(s) for s in scores]
    scored = [r for r in rows if r.get("mape") is not None and r["periods"] >= min_periods]
    if not scored:
        return None
    week = min(r["week"] for r in scored)
    ranked = sorted(
        (r for r in scored if r["week"] == week), key=lambda r: (r["mape"], r["method"])
    )
    best = ranked[0]
    return EarnedTrust(
        method=best["method"],
        week=int(week),
        mape=float(best["mape"]),
        bias=None if best.get("bias") is None else float(best["bias"]),
        periods=int(best["periods"]),
        coverage=None if best.get("coverage") is None else float(best["coverage"]),
        runner_up=ranked[1]["method"] if len(ranked) > 1 else None,
    )


def track_record_chart(scores: Iterable[Any], width: int = 240, *, min_periods: int = 2) -> Spec:
    """Backtest MAPE and bias per method, one column per week of the period the forecasts
    were made at; the method that has earned trust (:func:`earned_trust`) is marked.

    ``scores`` are ``MethodScore`` rows or their dicts (``backtest`` of ``l2o forecast
    --backtest --json``). A method never scored has no bar and is named "not scored".
    """
    rows = [_plain(s) for s in scores]
    trust = earned_trust(rows, min_periods=min_periods)
    order = list(dict.fromkeys(method_name(r["method"]) for r in rows))
    data: list[dict[str, Any]] = []
    for r in rows:
        measured = r.get("mape") is not None
        trusted = trust is not None and (r["method"], r["week"]) == (trust.method, trust.week)
        data.append(
            {
                "method": method_name(r["method"]),
                "week": f"Week {r['week']}",
                "mape": r.get("mape"),
                "bias": r.get("bias"),
                "periods": r["periods"],
                "coverage": r.get("coverage"),
                "trusted": trusted,
                "mape_label": (
                    (_percent(r["mape"]) + (" ✓ trusted" if trusted else ""))
                    if measured
                    else "not scored"
                ),
            }
        )
    largest = max((r["mape"] for r in data if r["mape"] is not None), default=0.1) or 0.1
    widest = max((abs(r["bias"]) for r in data if r["bias"] is not None), default=0.1) or 0.1
    mape_scale = alt.Scale(domain=[0, largest * 1.6], nice=False)
    bias_scale = alt.Scale(domain=[-widest * 1.3, widest * 1.3], nice=False)
    panels = []
    for week in sorted({r["week"] for r in rows}):
        mine = [r for r in data if r["week"] == f"Week {week}"]
        panels.append(
            alt.hconcat(
                _mape_panel(mine, order, mape_scale, width),
                _bias_panel(mine, order, bias_scale, round(width * 0.7)),
            )
            .resolve_scale(color="independent")
            .properties(
                title=alt.TitleParams(
                    f"Forecasts made at week {week} of each period", anchor="start", fontSize=12
                )
            )
        )
    chart = (
        alt.vconcat(*panels).resolve_scale(color="independent") if len(panels) != 1 else panels[0]
    )
    verdict = trust.sentence if trust is not None else "No method was scored in enough periods."
    return _finish(chart, f"Backtest MAPE and bias per method. {verdict}")


def _mape_panel(
    rows: list[dict[str, Any]], order: list[str], scale: alt.Scale, width: int
) -> alt.LayerChart | alt.FacetChart:
    y = alt.Y("method:N", sort=order, title=None, axis=alt.Axis(labelLimit=140))
    colour = alt.Color(
        "trusted:N", scale=alt.Scale(domain=[True, False], range=[ACCENT, "#94a3b8"]), legend=None
    )
    bars = (
        alt.Chart(_data([r for r in rows if r["mape"] is not None]))
        .mark_bar(height=14)
        .encode(
            x=alt.X("mape:Q", scale=scale, title="MAPE", axis=alt.Axis(format=".0%")),
            y=y,
            color=colour,
            tooltip=[
                "method:N",
                "week:N",
                alt.Tooltip("mape:Q", format=".1%", title="MAPE"),
                alt.Tooltip("bias:Q", format="+.1%", title="bias"),
                alt.Tooltip("periods:Q", title="periods"),
                alt.Tooltip("coverage:Q", format=".0%", title="P10-P90 coverage"),
            ],
        )
    )
    text = (
        alt.Chart(_data(rows))
        .mark_text(align="left", dx=4, fontSize=10, color=INK)
        .encode(x=alt.X("at:Q", scale=scale), y=y, text="mape_label:N")
        .transform_calculate(at="datum.mape == null ? 0 : datum.mape")
    )
    return alt.layer(bars, text).properties(width=width, height=max(len(order), 1) * 30)


def _bias_panel(
    rows: list[dict[str, Any]], order: list[str], scale: alt.Scale, width: int
) -> alt.LayerChart | alt.FacetChart:
    y = alt.Y("method:N", sort=order, title=None, axis=None)
    bars = (
        alt.Chart(_data([r for r in rows if r["bias"] is not None]))
        .mark_bar(height=14)
        .encode(
            x=alt.X(
                "bias:Q", scale=scale, title="Bias (+ high, - low)", axis=alt.Axis(format="+.0%")
            ),
            y=y,
            color=alt.Color(
                "over:N",
                scale=alt.Scale(domain=["high", "low"], range=["#d97706", SHOWN]),
                legend=None,
            ),
            tooltip=["method:N", alt.Tooltip("bias:Q", format="+.1%", title="bias")],
        )
        .transform_calculate(over="datum.bias >= 0 ? 'high' : 'low'")
    )
    zero = (
        alt.Chart(_data([{"zero": 0.0}]))
        .mark_rule(color=GRID)
        .encode(x=alt.X("zero:Q", scale=scale))
    )
    return alt.layer(bars, zero).properties(width=width, height=max(len(order), 1) * 30)


# --- attribution ----------------------------------------------------------------------


def attribution_chart(
    credits: Mapping[str, Mapping[str, Mapping[str, float]]],
    *,
    default_model: str,
    measure: str = "conversions",
    width: int = 520,
) -> Spec:
    """Each model's share of the credit per channel, side by side; the default model (the
    one that scored closest to the simulator's true channel effects) is drawn solid.

    ``credits`` is ``{MODEL: {CHANNEL: {"conversions", "value"}}}`` (each model's
    ``Credits.as_dict()``); ``measure`` picks ``conversions`` or ``value``. Shares make
    models comparable; the tooltip gives the amount.
    """
    if measure not in ("conversions", "value"):
        raise ValueError(f"measure must be conversions or value, not {measure!r}")
    rows: list[dict[str, Any]] = []
    for model, channels in credits.items():
        total = sum(c[measure] for c in channels.values())
        name = f"{model} (default)" if model == default_model else model
        for channel, credit in channels.items():
            rows.append(
                {
                    "model": name,
                    "channel": channel,
                    "credit": float(credit[measure]),
                    "share": float(credit[measure]) / total if total > 0 else 0.0,
                    "default": model == default_model,
                }
            )
    default_rows = [r for r in rows if r["default"]]
    ranking = default_rows or rows
    order = [r["channel"] for r in sorted(ranking, key=lambda r: -r["share"])] + sorted(
        {r["channel"] for r in rows} - {r["channel"] for r in ranking}
    )
    models = [f"{m} (default)" if m == default_model else m for m in credits]
    palette = [
        "#94a3b8",
        "#cbd5e1",
        "#a5b4fc",
        "#fcd34d",
        "#fca5a5",
        "#86efac",
        "#c4b5fd",
        "#7dd3fc",
    ]
    colours = [
        ACCENT if name.endswith("(default)") else palette[i % len(palette)]
        for i, name in enumerate(models)
    ]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            y=alt.Y(
                "channel:N",
                sort=list(dict.fromkeys(order)),
                title=None,
                axis=alt.Axis(labelLimit=160),
            ),
            yOffset=alt.YOffset("model:N", sort=models),
            x=alt.X(
                "share:Q",
                title=f"Share of {'conversions' if measure == 'conversions' else 'value'} credited",
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "model:N",
                sort=models,
                scale=alt.Scale(domain=models, range=colours),
                legend=alt.Legend(title="Model", orient="right"),
            ),
            opacity=alt.condition(alt.datum.default, alt.value(1.0), alt.value(0.75)),
            tooltip=[
                "channel:N",
                "model:N",
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("credit:Q", format=",.1f"),
            ],
        )
        .properties(width=width, height=alt.Step(max(4, 40 // max(len(models), 1))))
    )
    return _finish(chart, f"Attribution share per channel by model (default: {default_model})")


def credit_chart(
    pipeline: Mapping[str, Mapping[str, float]],
    revenue: Mapping[str, Mapping[str, float]] | None,
    *,
    model: str,
    currency: str = "USD",
    by: str = "channel",
    width: int = 460,
) -> Spec:
    """One model's credit per channel (or campaign): the pipeline created and, where
    available, the revenue won, as value bars side by side.

    ``pipeline`` and ``revenue`` are the model's ``Credits.as_dict()`` over journeys scored
    on pipeline created and on revenue won. Without ``revenue`` only pipeline is drawn.
    """
    outcomes = [("Pipeline created", pipeline)] + (
        [("Revenue won", revenue)] if revenue is not None else []
    )
    rows: list[dict[str, Any]] = [
        {
            by: name,
            "outcome": outcome,
            "value": float(credit["value"]),
            "conversions": float(credit["conversions"]),
            "label": money_short(float(credit["value"]), currency),
            "label_at": max(float(credit["value"]), 0.0),
        }
        for outcome, channels in outcomes
        for name, credit in channels.items()
    ]
    order = [name for name, _ in sorted(pipeline.items(), key=lambda kv: -kv[1]["value"])]
    order += sorted({r[by] for r in rows} - set(order))
    domain = [o for o, _ in outcomes]
    largest = max((r["value"] for r in rows), default=1.0) or 1.0
    smallest = min((r["value"] for r in rows), default=0.0)
    # Shapley credit can be negative (a channel whose presence lowered conversion): the
    # scale reaches below zero then, so such a bar is drawn leftwards, not over its label
    scale = alt.Scale(domain=[min(0.0, smallest * 1.25), largest * 1.25], nice=False)
    y = alt.Y(f"{by}:N", sort=order, title=None, axis=alt.Axis(labelLimit=180))
    offset = alt.YOffset("outcome:N", sort=domain)
    x = alt.X("value:Q", scale=scale, title=f"Value credited ({currency})", axis=_money_axis())
    bars = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            yOffset=offset,
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(domain=domain, range=[PIPELINE, REVENUE][: len(domain)]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                f"{by}:N",
                "outcome:N",
                alt.Tooltip("value:Q", format=",.0f"),
                alt.Tooltip("conversions:Q", format=",.1f"),
            ],
        )
    )
    text = (
        alt.Chart(_data(rows))
        .mark_text(align="left", dx=3, fontSize=9, color=INK)
        .encode(x=alt.X("label_at:Q", scale=scale), y=y, yOffset=offset, text="label:N")
    )
    step = 9 if len(domain) > 1 else 16
    chart = alt.layer(bars, text).properties(width=width, height=alt.Step(step))
    return _finish(
        chart, f"{method_name(model)} credit per {by}: " + " and ".join(d.lower() for d in domain)
    )


# --- metrics --------------------------------------------------------------------------


def _ratio_rows(values: Iterable[Any], pick: Any) -> list[dict[str, Any]]:
    rows = []
    for item in values:
        v = _plain(item)
        key = pick(v)
        if key is None:
            continue
        rows.append(
            {
                "key": key,
                "step": key if isinstance(key, str) else v.get("step") or v["metric"],
                "value": v["value"],
                "n": v["n"],
                "definition": v.get("definition", ""),
                "label": (
                    f"{v['value'] * 100:.0f}% of {v['n']:,}"
                    if v["value"] is not None
                    else f"not measured{': ' + v['reason'] if v.get('reason') else ''}"
                ),
                "zero": 0.0,
            }
        )
    return rows


def _ratio_bars(
    rows: list[dict[str, Any]],
    order: list[str],
    top: float,
    width: int,
    description: str,
    reference: float | None = None,
) -> Spec:
    measured = [r for r in rows if r["value"] is not None]
    largest = max([top, *(r["value"] for r in measured)])
    scale = alt.Scale(domain=[0, largest * 1.3], nice=False)
    # a conversion cannot pass 100%: the room beyond it is for the labels, not for ticks
    ticks: Any = [t / 10 for t in range(0, 11, 2)] if reference is None else alt.Undefined
    y = alt.Y("step:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    layers: list[alt.Chart] = [
        alt.Chart(_data(measured))
        .mark_bar(color=SHOWN, height=16)
        .encode(
            x=alt.X("value:Q", scale=scale, title=None, axis=alt.Axis(format=".0%", values=ticks)),
            y=y,
            tooltip=["step:N", alt.Tooltip("value:Q", format=".1%"), "n:Q", "definition:N"],
        ),
        alt.Chart(_data(rows))
        .mark_text(align="left", dx=4, fontSize=10, color=INK)
        .encode(x=alt.X("at:Q", scale=scale), y=y, text="label:N")
        .transform_calculate(at="datum.value == null ? 0 : datum.value"),
    ]
    if reference is not None:
        layers.append(
            alt.Chart(_data([{"at": reference}]))
            .mark_rule(color=INK, strokeDash=[4, 3])
            .encode(x=alt.X("at:Q", scale=scale))
        )
    chart = alt.layer(*layers).properties(width=width, height=max(len(order), 1) * 30)
    return _finish(chart, description)


def funnel_chart(values: Iterable[Any], *, group: str | None = None, width: int = 420) -> Spec:
    """The lead funnel: lead -> MQL, MQL -> SQL and SQL -> won as conversion rates, each with
    its n and definition (``MetricValue`` rows or their dicts, for ``group``)."""

    def pick(v: dict[str, Any]) -> str | None:
        if v["metric"] in FUNNEL_METRICS and v.get("group") == group:
            return _funnel_step(v["metric"])
        return None

    rows = _ratio_rows(values, pick)
    order = [_funnel_step(m) for m in FUNNEL_METRICS]
    return _ratio_bars(rows, order, 0.5, width, "Lead funnel: conversion at each step")


def _funnel_step(metric: str) -> str:
    names = {"lead": "Lead", "mql": "MQL", "sql": "SQL", "won": "won"}
    first, _, second = metric.partition("_to_")
    return f"{names.get(first, first)} → {names.get(second, second)}"


def stage_conversion_chart(
    values: Iterable[Any], *, group: str | None = None, width: int = 420
) -> Spec:
    """Stage-to-stage conversion of new-business deals, in pipeline order (the order the
    steps come in), each with its n and definition."""

    def pick(v: dict[str, Any]) -> str | None:
        if v["metric"] == "stage_conversion" and v.get("group") == group and v.get("step"):
            return str(v["step"]).replace(">", " → ").replace("_", " ")
        return None

    rows = _ratio_rows(values, pick)
    return _ratio_bars(rows, [r["step"] for r in rows], 0.5, width, "Stage-to-stage conversion")


def retention_chart(values: Iterable[Any], *, group: str | None = None, width: int = 420) -> Spec:
    """NRR and GRR (and any other ratio metrics named in :data:`RETENTION_METRICS`) against
    the 100% line: above it, the customers of the window's start grew."""
    names = {m: method_name(m) for m in RETENTION_METRICS}

    def pick(v: dict[str, Any]) -> str | None:
        if v["metric"] in names and v.get("group") == group and v.get("step") is None:
            return names[v["metric"]]
        return None

    rows = _ratio_rows(values, pick)
    return _ratio_bars(
        rows,
        list(names.values()),
        1.0,
        width,
        "Net and gross revenue retention against 100%",
        reference=1.0,
    )


# --- calibration ----------------------------------------------------------------------


def calibration_chart(report: Any, size: int = 260) -> Spec:
    """A model's reliability curve (mean predicted probability against the observed rate,
    per bin, point size by records) against the diagonal of perfect calibration; the Brier
    score and the number of records are in the title.

    ``report`` is a ``ModelReport`` or its ``to_json()``; empty bins are left out.
    """
    r = _plain(report)
    bins = [_plain(b) for b in r["reliability"]]
    points = [
        {
            "predicted": b["mean_predicted"],
            "observed": b["observed_rate"],
            "n": b["n"],
            "bin": f"{b['lower']:.1f}-{b['upper']:.1f}",
        }
        for b in bins
        if b["n"] and b["mean_predicted"] is not None and b["observed_rate"] is not None
    ]
    scale = alt.Scale(domain=[0, 1], nice=False)
    x = alt.X(
        "predicted:Q", scale=scale, title="Predicted probability", axis=alt.Axis(format=".0%")
    )
    y = alt.Y("observed:Q", scale=scale, title="Observed rate", axis=alt.Axis(format=".0%"))
    diagonal = (
        alt.Chart(_data([{"predicted": 0.0, "observed": 0.0}, {"predicted": 1.0, "observed": 1.0}]))
        .mark_line(color=GRID, strokeDash=[4, 3])
        .encode(x=x, y=y)
    )
    curve = alt.Chart(_data(points)).mark_line(color=SHOWN).encode(x=x, y=y, order="predicted:Q")
    dots = (
        alt.Chart(_data(points))
        .mark_point(filled=True, color=SHOWN, opacity=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("n:Q", legend=None, scale=alt.Scale(range=[20, 200])),
            tooltip=[
                "bin:N",
                "n:Q",
                alt.Tooltip("predicted:Q", format=".2f"),
                alt.Tooltip("observed:Q", format=".2f"),
            ],
        )
    )
    title = f"{method_name(str(r['model']))}: Brier {r['brier']:.3f} on {r['n']:,} records"
    chart = alt.layer(diagonal, curve, dots).properties(
        width=size,
        height=size,
        title=alt.TitleParams(title, anchor="start", fontSize=12, color=INK),
    )
    return _finish(chart, f"Reliability curve: {title}")
