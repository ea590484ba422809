"""Hand-made outcomes figures in the shape ``outcomes.json`` has: one store with every
section, one where every section was skipped (each with its own reason)."""

from __future__ import annotations

from typing import Any

SKIP_REASONS = {
    "metrics": "the store has no deals or leads",
    "forecast": "insufficient evidence: no stage history",
    "track_record": "insufficient evidence: no past quarter with bookings to score the methods on",
    "attribution": "insufficient evidence: no touchpoints ending in a conversion to credit",
    "retention": "insufficient evidence: no contracts in the store",
}


def _metric(metric: str, value: float | None, unit: str, n: int, **extra: Any) -> dict[str, Any]:
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "n": n,
        "definition": f"definition of {metric}",
        "how": f"how {metric} was computed from {n} records",
        "group": None,
        "step": None,
        "parts": {},
        "reason": "",
        **extra,
    }


def build_full() -> dict[str, Any]:
    """Every section with figures; one metric and one method without a number."""
    metrics = [
        _metric("win_rate_count", 0.4125, "ratio", 160),
        _metric("cycle_time", 47.25, "days", 66),
        _metric("sales_velocity", 12345.6, "money/day", 160),
        _metric("pipeline_coverage", None, "x", 0, reason="no target and no prior bookings"),
        _metric("net_revenue_retention", 1.083, "ratio", 41),
        _metric("gross_revenue_retention", 0.912, "ratio", 41),
        _metric("expansion_share", 0.071, "ratio", 90),
        _metric("lead_to_mql", 0.31, "ratio", 900, step="lead>mql"),
        _metric("mql_to_sql", 0.4, "ratio", 279, step="mql>sql"),
        _metric("sql_to_won", 0.45, "ratio", 111, step="sql>won"),
        _metric("stage_conversion", 0.8, "ratio", 120, step="discovery>proposal"),
        _metric("stage_conversion", 0.7, "ratio", 96, step="proposal>closed_won"),
    ]
    scores = [
        {
            "method": m,
            "week": w,
            "periods": 5,
            "mape": mape,
            "bias": bias,
            "coverage": cov,
            "insufficient": 0,
            "reason": "",
        }
        for m, w, mape, bias, cov in [
            ("weighted_pipeline", 2, 0.41, -0.3, None),
            ("monte_carlo", 2, 0.137, -0.05, 0.8),
            ("weighted_pipeline", 6, 0.22, -0.2, None),
            ("monte_carlo", 6, 0.09, 0.02, 0.8),
        ]
    ]
    return {
        "store": "sqlite:///company.db",
        "period": "2025Q3",
        "sections": {
            "metrics": {
                "skipped": None,
                "as_of": "2025-06-30",
                "start": "2024-07-01",
                "end": "2025-06-30",
                "by": None,
                "backend": "sqlite",
                "metrics": metrics,
            },
            "forecast": {
                "skipped": None,
                "period": "2025Q3",
                "as_of": "2025-06-30",
                "source": "store sqlite:///company.db",
                "methods": {
                    "weighted_pipeline": {
                        "expected": 812345.0,
                        "booked": 0.0,
                        "open_deals": 31,
                        "p10": None,
                        "p50": None,
                        "p90": None,
                        "how": "stage probability x amount over 31 open deals",
                    },
                    "stage_conversion": {
                        "expected": None,
                        "how": "insufficient evidence: no stage history",
                    },
                    "monte_carlo": {
                        "expected": 903210.0,
                        "booked": 0.0,
                        "open_deals": 31,
                        "p10": 701000.0,
                        "p50": 899000.0,
                        "p90": 1104000.0,
                        "how": "10,000 simulations over 31 open deals",
                    },
                },
            },
            "track_record": {
                "skipped": None,
                "kind": "quarter",
                "weeks": [2, 6],
                "scores": scores,
                "trusted": {
                    "method": "monte_carlo",
                    "week": 2,
                    "mape": 0.137,
                    "bias": -0.05,
                    "periods": 5,
                    "coverage": 0.8,
                    "runner_up": "weighted_pipeline",
                    "sentence": "Monte Carlo has earned trust: off by 14% on average.",
                },
            },
            "attribution": {
                "skipped": None,
                "model": "shapley",
                "channels": {
                    "paid_search": {"conversions": 60.0, "value": 600000.0},
                    "events": {"conversions": 40.0, "value": 250000.0},
                },
                "revenue": {
                    "paid_search": {"conversions": 20.0, "value": 210000.0},
                    "events": {"conversions": 15.0, "value": 99000.0},
                },
                "method": "exact Shapley values over channel sets",
                "journeys": 540.0,
                "paths": 77,
                "source": "store sqlite:///company.db (pipeline)",
                "excluded": {"touches_after_outcome": 12.0},
                "models": {
                    "shapley": {
                        "paid_search": {"conversions": 60.0, "value": 600000.0},
                        "events": {"conversions": 40.0, "value": 250000.0},
                    },
                    "linear": {
                        "paid_search": {"conversions": 55.0, "value": 550000.0},
                        "events": {"conversions": 45.0, "value": 300000.0},
                    },
                },
                "refused": {"markov": "too few paths"},
            },
            "retention": {
                "skipped": None,
                "source": "the store",
                "customers": 64,
                "churned": 9,
                "unit": "days",
                "concordance": 0.774,
                "holdout": {
                    "concordance": 0.701,
                    "in_sample": 0.774,
                    "train": 180,
                    "test": 71,
                    "test_churned": 3,
                },
                "hazard_ratios": {"tickets_per_month": 1.42, "log_arr": 0.61},
                "retained": {"90 days": 0.97, "365 days": 0.88},
                "health": {
                    "auc": 0.66,
                    "concordance": 0.63,
                    "scored": 50,
                    "churned": 7,
                    "coverage": 0.78,
                },
                "how": "Cox proportional hazards on 251 landmark rows, 9 churns",
                "insufficient": "",
            },
        },
    }


def build_skipped() -> dict[str, Any]:
    """Every section skipped, each with its reason."""
    return {
        "store": "sqlite:///empty.db",
        "period": None,
        "sections": {name: {"skipped": reason} for name, reason in SKIP_REASONS.items()},
    }
