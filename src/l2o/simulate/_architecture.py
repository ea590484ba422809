"""The architecture spec a company at a given maturity would have written down.

Level 0 leaves a dimension out; level 1 writes a sketch (what the founder would say);
level 2 writes it down in full; levels 3-4 add enforcement (stall limits, no stage skipping,
approval bands, SLAs, health scores) and the optimising parts (scoring, attribution,
expansion triggers). The content matches the simulated company: its stages, products,
prices, segments, territories and roles.
"""

from __future__ import annotations

from typing import Any

from l2o.simulate._maturity import Maturity
from l2o.simulate._parameters import Parameters

__all__ = ["architecture_spec"]

_OPEN_STAGES = (
    ("discovery", 10, "pipeline"),
    ("qualification", 20, "pipeline"),
    ("solution", 40, "best_case"),
    ("proposal", 60, "best_case"),
    ("negotiation", 80, "commit"),
)
_EXIT_CRITERIA: dict[str, list[dict[str, Any]]] = {
    "discovery": [{"field": "next_step"}, {"related": "primary_contact"}],
    "qualification": [{"qualification": "budget"}, {"qualification": "need"}],
    "solution": [{"qualification": "authority"}, {"field": "amount"}],
    "proposal": [{"related": "line_items"}, {"field": "close_date"}],
    "negotiation": [{"related": "approved_quote"}],
}
_ROLES = {
    "founder": "Founder and CEO",
    "vp_sales": "VP Sales",
    "manager": "Sales manager",
    "ae": "Account executive",
    "sdr": "Sales development rep",
    "am": "Account manager",
    "csm": "Customer success manager",
    "deal_desk": "Deal desk",
}


def _icp(level: int) -> dict[str, Any] | None:
    if level == 0:
        return None
    if level == 1:
        return {"tiers": [{"id": "ideal", "rank": 1, "criteria": {"industries": ["software"]}}]}
    tiers: list[dict[str, Any]] = [
        {
            "id": "tier_1",
            "label": "Strong fit",
            "rank": 1,
            "criteria": {
                "industries": ["software", "financial_services", "professional_services"],
                "employees": {"above": 200, "up_to": 5000},
                "countries": ["US", "CA", "GB", "DE", "FR", "NL"],
            },
        },
        {
            "id": "tier_2",
            "label": "Good fit",
            "rank": 2,
            "criteria": {
                "industries": ["healthcare", "manufacturing", "logistics", "telecommunications"],
                "employees": {"above": 50, "up_to": 20000},
            },
        },
        {"id": "tier_3", "label": "Poor fit", "rank": 3},
    ]
    spec: dict[str, Any] = {"tiers": tiers}
    if level >= 3:
        spec["criteria_weights"] = {
            "industry": 40,
            "employees": 35,
            "annual_revenue": 0,
            "country": 25,
            "technologies": 0,
        }
        spec["disqualifiers"] = [
            {
                "id": "too_small",
                "reason": "Under 10 employees cannot use a team product",
                "when": {"field": "employees", "operator": "lt", "value": 10},
            }
        ]
        spec["personas"] = [
            {"id": "executive", "title_patterns": ["chief", "^vp "], "role": "economic_buyer"},
            {
                "id": "operations_lead",
                "title_patterns": ["director", "head of"],
                "role": "champion",
            },
            {"id": "it", "title_patterns": ["\\bit\\b", "engineer"], "role": "technical_buyer"},
        ]
    if level >= 4:
        for tier, score in zip(tiers, (75, 50, 0), strict=True):
            tier["min_fit_score"] = score
    return spec


def _stages(level: int, p: Parameters) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = []
    for stage_id, probability, category in _OPEN_STAGES:
        stage: dict[str, Any] = {
            "id": stage_id,
            "probability": probability,
            "forecast_category": category,
        }
        if level >= 2:
            stage["exit_criteria"] = _EXIT_CRITERIA[stage_id]
            stage["max_days_in_stage"] = p.stall_limit_days
        stages.append(stage)
    stages.append(
        {"id": "closed_won", "probability": 100, "forecast_category": "closed", "outcome": "won"}
    )
    lost: dict[str, Any] = {
        "id": "closed_lost",
        "probability": 0,
        "forecast_category": "omitted",
        "outcome": "lost",
    }
    if level >= 2:
        lost["entry_criteria"] = [{"field": "loss_reason"}]
    stages.append(lost)
    return stages


def _pipeline(level: int, p: Parameters) -> dict[str, Any] | None:
    if level == 0:
        return None
    pipelines: list[dict[str, Any]] = [
        {
            "id": "sales",
            "deal_type": "new_business",
            "allow_stage_skipping": level <= 2,
            "stages": _stages(level, p),
        }
    ]
    spec: dict[str, Any] = {"pipelines": pipelines}
    if level >= 2:
        spec["qualification"] = {
            "name": "BANT",
            "elements": [
                {"id": "budget", "field": "budget"},
                {"id": "authority", "field": "economic_buyer"},
                {"id": "need", "field": "identified_pain"},
                {"id": "timeline", "field": "close_date"},
            ],
        }
    if level >= 3:
        pipelines.append(
            {
                "id": "renewals",
                "deal_type": "renewal",
                "stages": [
                    {"id": "proposal", "probability": 70, "forecast_category": "best_case"},
                    {"id": "negotiation", "probability": 85, "forecast_category": "commit"},
                    {
                        "id": "closed_won",
                        "probability": 100,
                        "forecast_category": "closed",
                        "outcome": "won",
                    },
                    {
                        "id": "closed_lost",
                        "probability": 0,
                        "forecast_category": "omitted",
                        "outcome": "lost",
                        "entry_criteria": [{"field": "loss_reason"}],
                    },
                ],
            }
        )
    return spec


def _signals(level: int, p: Parameters, m: Maturity) -> dict[str, Any] | None:
    if level == 0:
        return None
    if level == 1:
        return {"lead_stages": [{"id": "lead"}, {"id": "qualified"}]}
    spec: dict[str, Any] = {
        "lead_stages": [{"id": "lead"}, {"id": "mql"}, {"id": "sql"}],
        "slas": [
            {
                "id": "first_touch",
                "lead_stage": "lead",
                "owner_role": "sdr" if m.commercial >= 2 else "ae",
                "respond_within_minutes": p.response_sla_minutes,
            }
        ],
    }
    if level >= 3:
        spec["lead_stages"][1]["min_score"] = 60
        spec["attribution"] = {"model": "w_shaped" if level >= 4 else "first_touch"}
    return spec


def _commercial(level: int, m: Maturity) -> dict[str, Any]:
    roles = ["founder", "ae"] if level <= 1 else list(_ROLES)
    spec: dict[str, Any] = {
        "roles": [{"id": r, "label": _ROLES[r]} for r in roles],
    }
    if level == 0:
        return spec
    spec["products"] = [
        {"id": "platform", "name": "Platform", "family": "platform", "pricing_model": "per_seat"},
        {
            "id": "analytics",
            "name": "Analytics Add-on",
            "family": "add_on",
            "pricing_model": "per_seat",
        },
        {
            "id": "integration_pack",
            "name": "Integration Pack",
            "family": "add_on",
            "pricing_model": "flat",
        },
        {
            "id": "premium_support",
            "name": "Premium Support",
            "family": "support",
            "pricing_model": "flat",
        },
    ]
    spec["price_books"] = [
        {
            "id": "standard",
            "entries": [
                {"product": "platform", "list_price": 600},
                {"product": "analytics", "list_price": 180},
                {"product": "integration_pack", "list_price": 6000},
                {"product": "premium_support", "list_price": 9000},
            ],
        }
    ]
    if level >= 2:
        spec["contract_terms"] = {"term_months": [12, 24, 36], "default_term_months": 12}
        spec["segments"] = [
            {"id": "smb", "employees": {"up_to": 200}, "coverage": ["sdr", "ae", "csm"]},
            {
                "id": "mid_market",
                "employees": {"above": 200, "up_to": 2000},
                "coverage": ["sdr", "ae", "am", "csm"],
            },
            {
                "id": "enterprise",
                "employees": {"above": 2000},
                "coverage": ["sdr", "ae", "am", "csm"],
            },
        ]
        regions = {"na": ["US", "CA"], "emea": ["GB", "DE", "FR", "NL"], "apac": ["AU", "SG"]}
        spec["territories"] = [
            {
                "id": f"{region}_{segment}",
                "countries": countries,
                "segments": [segment],
                "owner_role": "ae",
            }
            for region, countries in regions.items()
            for segment in ("smb", "mid_market", "enterprise")
        ]
    if level >= 3:
        spec["packages"] = [
            {"id": "core", "name": "Core", "products": ["platform"]},
            {"id": "professional", "name": "Professional", "products": ["platform", "analytics"]},
        ]
        spec["quotas"] = [
            {"role": "ae", "metric": "new_arr", "period": "year", "target": 600000},
            {"role": "am", "metric": "expansion_arr", "period": "year", "target": 400000},
        ]
    return spec


def _pricing(level: int, p: Parameters, m: Maturity) -> dict[str, Any] | None:
    if level == 0:
        return None
    if level == 1:
        return {}
    top = "vp_sales" if m.commercial >= 2 else "founder"
    threshold = p.approval_threshold_pct
    spec: dict[str, Any] = {
        "max_discount_percent": p.discount_ceiling_pct,
        "discount_matrix": [
            {"id": "rep", "discount_percent": {"up_to": threshold}, "approvers": []},
            {
                "id": "manager",
                "discount_percent": {"above": threshold, "up_to": 25},
                "approvers": ["manager" if m.commercial >= 2 else "founder"],
            },
            {
                "id": "executive",
                "discount_percent": {"above": 25, "up_to": p.discount_ceiling_pct},
                "approvers": [top],
            },
        ],
    }
    if level >= 3:
        spec["approval_expiry_days"] = 7
    if level >= 3 and m.commercial >= 1:
        spec["floors"] = [{"product": "platform", "max_discount_percent": p.discount_ceiling_pct}]
    return spec


def _lifecycle(level: int, m: Maturity) -> dict[str, Any] | None:
    if level == 0:
        return None
    owner = "am" if m.commercial >= 2 else "ae"
    if level == 1:
        return {"renewal": {"windows_days": [30], "owner_role": owner}}
    spec: dict[str, Any] = {
        "renewal": {"windows_days": [90, 60, 30] if level >= 3 else [60], "owner_role": owner},
        "retention_targets": {"grr_percent": 90, "nrr_percent": 105},
    }
    if level >= 3:
        spec["renewal"]["windows_days"] = [120, 90, 60] if level >= 4 else [90, 60, 30]
        spec["health_score"] = {
            "components": [
                {"id": "usage", "field": "product_usage", "weight": 50},
                {"id": "seats", "field": "seats_active", "weight": 30},
                {"id": "support", "field": "open_support_tickets", "weight": 20},
            ]
        }
        spec["onboarding"] = [
            {"id": "kickoff", "due_days": 7, "owner_role": "csm" if m.commercial >= 2 else owner}
        ]
    if level >= 4:
        spec["expansion_triggers"] = [
            {
                "id": "seats_nearly_full",
                "when": {"field": "seats_active", "operator": "gte", "value": 90},
            }
        ]
        spec["churn_risk_signals"] = [
            {
                "id": "usage_drop",
                "severity": "high",
                "when": {"field": "product_usage", "operator": "lt", "value": 40},
            }
        ]
    return spec


def architecture_spec(
    m: Maturity, p: Parameters, company: str = "Simulated Company"
) -> dict[str, Any]:
    """The architecture spec, as data, of a company at maturity ``m``.

    Validate it with :func:`l2o.spec.load_spec`; a level-0 dimension has no section.
    """
    spec: dict[str, Any] = {"version": 1, "company": {"name": company, "currency": "USD"}}
    sections = {
        "icp": _icp(m.icp),
        "pipeline": _pipeline(m.pipeline, p),
        "signals": _signals(m.signals, p, m),
        "commercial": _commercial(m.commercial, m),
        "pricing": _pricing(m.pricing, p, m),
        "lifecycle": _lifecycle(m.lifecycle, m),
    }
    for name, section in sections.items():
        if section is not None:
            spec[name] = section
    return spec
