"""Hypothesis strategies for valid architecture specs, built as the mappings a user writes.

Names are drawn first, then every reference is drawn from them, so each generated spec
passes the cross-reference checks as well as the schema.
"""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st

from l2o.spec.conditions import Operator
from l2o.spec.lead_scoring import EngagementEvent
from l2o.spec.pipeline import RelatedRecordKind
from l2o.spec.signals import AttributionModel

Data = dict[str, Any]

ids = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
text = st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=20)
countries = st.sampled_from(["US", "CA", "GB", "DE", "FR", "NL", "JP"])
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
scalars = st.one_of(
    text, st.integers(-(10**6), 10**6), st.booleans(), st.floats(-1e6, 1e6, allow_nan=False)
)
FIELDS = ["country", "industry", "employees", "owner_id", "created_at"]


def _unique_ids(min_size: int = 0, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(ids, min_size=min_size, max_size=max_size, unique=True)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _drop_none(data: Data) -> Data:
    return {key: value for key, value in data.items() if value is not None}


@st.composite
def field_tests(draw: st.DrawFn) -> Data:
    operator = draw(st.sampled_from(get_args(Operator)))
    test: Data = {"field": draw(st.sampled_from(FIELDS)), "operator": operator}
    if operator in ("in", "not_in"):
        test["value"] = draw(st.lists(scalars, min_size=1, max_size=3))
    elif operator in ("gt", "gte", "lt", "lte"):
        test["value"] = draw(st.integers(0, 10**6))
    elif operator not in ("is_set", "is_not_set", "changed"):
        test["value"] = draw(scalars)
    return test


conditions: st.SearchStrategy[Data] = st.recursive(
    field_tests(),
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
    ),
    max_leaves=5,
)


@st.composite
def number_ranges(draw: st.DrawFn, low: float = 0, high: float = 100) -> Data:
    bounds = sorted(
        draw(st.lists(st.integers(int(low), int(high)), min_size=2, max_size=2, unique=True))
    )
    band: Data = {}
    if draw(st.booleans()):
        band["above"] = bounds[0]
    if draw(st.booleans()):
        band["up_to"] = bounds[1]
    return band


@st.composite
def pipelines_section(draw: st.DrawFn) -> Data:
    elements = draw(_unique_ids(1, 4))
    section: Data = {}
    if draw(st.booleans()):
        section["qualification"] = {
            "name": draw(text),
            "elements": [{"id": e, "field": draw(_optional(st.just("budget")))} for e in elements],
        }
    criteria = st.one_of(
        st.builds(lambda f: {"field": f}, st.sampled_from(["amount", "next_step"])),
        st.builds(
            lambda k, n: {"related": k, "min_count": n},
            st.sampled_from(get_args(RelatedRecordKind)),
            st.integers(1, 3),
        ),
        *(
            [st.builds(lambda e: {"qualification": e}, st.sampled_from(elements))]
            if "qualification" in section
            else []
        ),
    )
    pipelines = []
    for pipeline_id in draw(_unique_ids(0, 2)):
        stages = []
        for stage_id in draw(_unique_ids(1, 4)):
            stages.append(
                _drop_none(
                    {
                        "id": stage_id,
                        "label": draw(_optional(text)),
                        "probability": draw(st.integers(0, 99)),
                        "forecast_category": draw(
                            st.sampled_from(["pipeline", "best_case", "commit"])
                        ),
                        "exit_criteria": draw(st.lists(criteria, max_size=3)),
                        "max_days_in_stage": draw(_optional(st.integers(1, 365))),
                    }
                )
            )
        pipelines.append(
            {
                "id": pipeline_id,
                "deal_type": draw(st.sampled_from(["new_business", "expansion", "renewal"])),
                "stages": stages,
                "allow_stage_skipping": draw(st.booleans()),
            }
        )
    section["pipelines"] = pipelines
    return section


@st.composite
def specs(draw: st.DrawFn) -> Data:
    """A valid spec mapping touching every section, sections sometimes missing or empty."""
    roles = draw(_unique_ids(1, 4))
    products = draw(_unique_ids(1, 3))
    segments = draw(_unique_ids(0, 3))
    territories = draw(_unique_ids(0, 2))
    pools = draw(_unique_ids(1, 3))
    lead_stages = draw(_unique_ids(1, 3))
    sequences = draw(_unique_ids(0, 2))
    role = st.sampled_from(roles)

    commercial = {
        "roles": [{"id": r, "label": draw(_optional(text))} for r in roles],
        "products": [{"id": p, "name": draw(text)} for p in products],
        "price_books": [
            {
                "id": "standard",
                "entries": [{"product": p, "list_price": draw(money)} for p in products],
            }
        ],
        "segments": [{"id": s, "coverage": draw(st.lists(role, max_size=2))} for s in segments],
        "territories": [
            {
                "id": t,
                "countries": draw(st.lists(countries, min_size=1, max_size=3)),
                "segments": draw(st.lists(st.sampled_from(segments), max_size=2))
                if segments
                else [],
            }
            for t in territories
        ],
        "quotas": [{"role": draw(role), "target": draw(money)}],
        "contract_terms": {"term_months": [12, 24], "default_term_months": 12},
    }
    signals = {
        "lead_stages": [
            {"id": s, "min_score": draw(_optional(st.integers(0, 100)))} for s in lead_stages
        ],
        "scoring": {
            "groups": [
                {
                    "id": "fit",
                    "kind": "fit",
                    "cap": 50,
                    "rules": [
                        {
                            "id": "r1",
                            "points": draw(st.integers(-100, 100)),
                            "when": draw(conditions),
                        }
                    ],
                },
                {
                    "id": "engagement",
                    "kind": "engagement",
                    "cap": 50,
                    "decay_half_life_days": draw(st.floats(0.5, 365)),
                    "rules": [
                        {
                            "id": "r2",
                            "points": 5,
                            "event": draw(st.sampled_from(get_args(EngagementEvent))),
                        }
                    ],
                },
            ]
        },
        "routing": {
            "pools": [
                {
                    "id": p,
                    "role": draw(role),
                    "members": [
                        {
                            "user": draw(text),
                            "weight": draw(st.integers(1, 5)),
                            "daily_capacity": draw(_optional(st.integers(0, 50))),
                        }
                    ],
                }
                for p in pools
            ],
            "rules": [
                _drop_none(
                    {
                        "id": "rule_one",
                        "countries": draw(st.lists(countries, max_size=2)),
                        "segments": draw(st.lists(st.sampled_from(segments), max_size=1))
                        if segments
                        else [],
                        "territories": draw(st.lists(st.sampled_from(territories), max_size=1))
                        if territories
                        else [],
                        "when": draw(_optional(conditions)),
                        "account_owner_match": True,
                        "pool": draw(_optional(st.sampled_from(pools))),
                    }
                ),
                {"id": "fallback", "pool": draw(st.sampled_from(pools))},
            ],
        },
        "slas": [
            {
                "id": "first_touch",
                "lead_stage": draw(st.sampled_from(lead_stages)),
                "owner_role": draw(role),
                "respond_within_minutes": draw(st.integers(1, 10**4)),
            }
        ],
        "attribution": draw(
            st.one_of(
                st.builds(
                    lambda m: {"model": m},
                    st.sampled_from([m for m in get_args(AttributionModel) if m != "time_decay"]),
                ),
                st.builds(lambda h: {"model": "time_decay", "half_life_days": h}, st.floats(1, 90)),
            )
        ),
    }
    pricing = {
        "max_discount_percent": draw(st.floats(0, 100)),
        "discount_matrix": [
            _drop_none(
                {
                    "id": f"band_{i}",
                    "discount_percent": draw(number_ranges()),
                    "deal_size": draw(_optional(number_ranges(0, 10**6))),
                    "approvers": draw(st.lists(role, max_size=3)),
                }
            )
            for i in range(draw(st.integers(0, 3)))
        ],
        "floors": [{"product": draw(st.sampled_from(products)), "min_net_price": draw(money)}],
        "approval_expiry_days": draw(_optional(st.integers(1, 90))),
    }
    pipeline = draw(pipelines_section())
    pipeline_ids = [p["id"] for p in pipeline["pipelines"]]
    lifecycle = {
        "onboarding": [
            {"id": "kickoff", "due_days": draw(st.integers(0, 90)), "owner_role": draw(role)}
        ],
        "health_score": {"components": [{"id": "usage", "field": "product_usage", "weight": 100}]},
        "renewal": _drop_none(
            {
                "windows_days": sorted(
                    draw(st.lists(st.integers(1, 365), min_size=1, max_size=3, unique=True)),
                    reverse=True,
                ),
                "owner_role": draw(role),
                "pipeline": draw(st.sampled_from(pipeline_ids)) if pipeline_ids else None,
            }
        ),
        "churn_risk_signals": [{"id": "risk", "when": draw(conditions), "severity": "high"}],
        "retention_targets": {"grr_percent": 90, "nrr_percent": draw(st.floats(90, 300))},
    }
    step = st.one_of(
        st.builds(lambda d: {"type": "wait", "days": d}, st.integers(0, 30)),
        st.builds(lambda t: {"type": "email", "template": t}, text),
        st.builds(lambda t, r: {"type": "create_task", "title": t, "assignee": r}, text, role),
    )
    steps = st.recursive(
        st.lists(step, min_size=1, max_size=3),
        lambda inner: st.builds(
            lambda before, cond, then, other: [
                *before,
                {"type": "branch", "when": cond, "then": then, "otherwise": other},
            ],
            st.lists(step, max_size=2),
            field_tests(),
            inner,
            inner,
        ),
        max_leaves=4,
    )
    actions = st.one_of(
        st.builds(lambda r: {"type": "notify", "to": ["owner", r], "message": "hello"}, role),
        st.builds(
            lambda v: {"type": "update_field", "field": "owner_id", "value": v}, _optional(scalars)
        ),
        st.builds(lambda t: {"type": "create_task", "title": t, "due_in_days": 3}, text),
        st.just(
            {"type": "send_webhook", "url": "https://hooks.example.com/x", "event": "lead.created"}
        ),
        *(
            [
                st.builds(
                    lambda s: {"type": "enrol_sequence", "sequence": s}, st.sampled_from(sequences)
                )
            ]
            if sequences
            else []
        ),
    )
    workflows = {
        "sequences": [{"id": s, "record": "lead", "steps": draw(steps)} for s in sequences],
        "workflows": [
            _drop_none(
                {
                    "id": "wf",
                    "trigger": {"record": "lead", "event": "created"},
                    "conditions": draw(_optional(conditions)),
                    "actions": draw(st.lists(actions, min_size=1, max_size=3)),
                }
            )
        ],
    }
    icp = {
        "tiers": [
            {
                "id": "tier_1",
                "rank": 1,
                "criteria": _drop_none(
                    {
                        "industries": draw(st.lists(text, max_size=2)),
                        "employees": draw(_optional(number_ranges(0, 10**5))),
                        "annual_revenue": draw(_optional(number_ranges(0, 10**9))),
                        "countries": draw(st.lists(countries, max_size=2)),
                        "custom": draw(st.lists(conditions, max_size=1)),
                    }
                ),
            }
        ],
        "personas": [
            {"id": "buyer", "title_patterns": ["vp", "head of .*"], "role": "economic_buyer"}
        ],
        "disqualifiers": [{"id": "competitor", "reason": draw(text), "when": draw(conditions)}],
    }
    sections = {
        "icp": icp,
        "pipeline": pipeline,
        "signals": signals,
        "commercial": commercial,
        "pricing": pricing,
        "lifecycle": lifecycle,
        "workflows": workflows,
    }
    spec: Data = {
        "version": 1,
        "company": {
            "name": draw(text),
            "currency": "EUR",
            "fiscal_year_start_month": draw(st.integers(1, 12)),
        },
    }
    for name, section in sections.items():
        choice = draw(st.sampled_from(["full", "full", "empty", "missing"]))
        if choice == "full" or name == "commercial":
            spec[name] = section
        elif choice == "empty":
            spec[name] = {}
    if spec.get("pipeline") is not pipeline:
        lifecycle["renewal"].pop("pipeline", None)  # no pipelines to open renewals in
    return spec
