"""Cross-references between sections: each unknown name is an error at its exact path."""

from __future__ import annotations

from typing import Any

from spec_builders import ROLES, load_problems, only_problem, pipeline_section, spec_data, stage

from l2o.spec import load_spec

MEDDICC = {
    "name": "MEDDICC",
    "elements": [{"id": "economic_buyer", "field": "economic_buyer"}, {"id": "champion"}],
}


def test_stage_criterion_naming_an_unknown_field_suggests_the_real_one() -> None:
    section = pipeline_section(
        stage("discovery", 10),
        stage("demo", 30),
        stage("proposal", 60, exit_criteria=[{"field": "next_stepp"}]),
    )
    problem = only_problem(spec_data(pipeline=section))
    assert problem.path == "pipeline.pipelines[0].stages[2].exit_criteria[0]"
    assert problem.message == "unknown field 'next_stepp'"
    assert problem.hint == "did you mean 'next_step'?"


def test_custom_fields_are_known_fields() -> None:
    section = pipeline_section(stage("demo", 30, exit_criteria=[{"field": "budget_confirmd"}]))
    data = spec_data(
        custom_fields={"opportunity": [{"name": "budget_confirmed", "type": "boolean"}]},
        pipeline=section,
    )
    problem = only_problem(data)
    assert problem.message == "unknown field 'budget_confirmd'"
    assert problem.hint == "did you mean 'budget_confirmed'?"
    data["pipeline"]["pipelines"][0]["stages"][0]["exit_criteria"][0]["field"] = "budget_confirmed"
    assert load_spec(data).pipeline is not None


def test_unknown_field_far_from_any_says_where_to_declare_it() -> None:
    section = pipeline_section(stage("demo", 30, exit_criteria=[{"field": "zzz"}]))
    problem = only_problem(spec_data(pipeline=section))
    assert (
        problem.hint
        == "not a standard opportunity field; declare it under custom_fields.opportunity"
    )


def test_qualification_element_not_in_the_framework() -> None:
    section = pipeline_section(stage("demo", 30, exit_criteria=[{"qualification": "champoin"}]))
    section["qualification"] = MEDDICC
    problem = only_problem(spec_data(pipeline=section))
    assert problem.path == "pipeline.pipelines[0].stages[0].exit_criteria[0]"
    assert problem.message == "unknown qualification element 'champoin'"
    assert problem.hint == "did you mean 'champion'?"


def test_qualification_element_without_a_framework() -> None:
    section = pipeline_section(stage("demo", 30, entry_criteria=[{"qualification": "champion"}]))
    problem = only_problem(spec_data(pipeline=section))
    assert problem.path == "pipeline.pipelines[0].stages[0].entry_criteria[0]"
    assert "needs a qualification framework" in problem.message


def _routing(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "routing": {
            "pools": [{"id": "sdr_pool", "role": "sdr", "members": [{"user": "a@x.io"}]}],
            "rules": [rule],
        }
    }


def test_routing_rule_pointing_at_unknown_pool_territory_and_segment() -> None:
    rule = {"id": "r", "segments": ["enterprse"], "territories": ["emea"], "pool": "sdr_pol"}
    data = spec_data(
        signals=_routing(rule),
        commercial={"roles": ROLES, "segments": [{"id": "enterprise"}]},
    )
    problems = {p.path: p for p in load_problems(data)}
    assert set(problems) == {
        "signals.routing.rules[0].segments[0]",
        "signals.routing.rules[0].territories[0]",
        "signals.routing.rules[0].pool",
    }
    assert problems["signals.routing.rules[0].pool"].hint == "did you mean 'sdr_pool'?"
    assert problems["signals.routing.rules[0].segments[0]"].hint == "did you mean 'enterprise'?"
    territory = problems["signals.routing.rules[0].territories[0]"]
    assert territory.message == "unknown territory 'emea'"
    assert territory.hint == "declare it under commercial.territories"


def test_discount_band_naming_an_unknown_approver_role() -> None:
    pricing = {
        "discount_matrix": [
            {"id": "rep", "discount_percent": {"up_to": 10}},
            {
                "id": "mgr",
                "discount_percent": {"above": 10},
                "approvers": ["sales_manager", "vp_sale"],
            },
        ]
    }
    problem = only_problem(spec_data(pricing=pricing, commercial={"roles": ROLES}))
    assert problem.path == "pricing.discount_matrix[1].approvers[1]"
    assert problem.message == "unknown role 'vp_sale'"
    assert problem.hint == "did you mean 'vp_sales'?"


def test_price_book_product_must_be_a_product() -> None:
    commercial = {
        "products": [{"id": "platform", "name": "Platform"}],
        "price_books": [{"id": "std", "entries": [{"product": "platfrom", "list_price": 100}]}],
    }
    problem = only_problem(spec_data(commercial=commercial))
    assert problem.path == "commercial.price_books[0].entries[0].product"
    assert problem.hint == "did you mean 'platform'?"


def test_duplicate_ids_point_at_the_second_one() -> None:
    section = pipeline_section(stage("demo", 30), stage("demo", 40))
    problem = only_problem(spec_data(pipeline=section))
    assert problem.path == "pipeline.pipelines[0].stages[1].id"
    assert problem.rule == "duplicate_id"
    assert problem.hint == "first declared at pipeline.pipelines[0].stages[0]"


def test_custom_field_shadowing_a_standard_field_is_an_error() -> None:
    problem = only_problem(spec_data(custom_fields={"opportunity": [{"name": "amount"}]}))
    assert problem.path == "custom_fields.opportunity[0].name"


def test_workflow_fields_are_checked_against_the_trigger_record() -> None:
    workflow = {
        "id": "w",
        "trigger": {"record": "lead", "event": "created"},
        "conditions": {
            "all": [
                {"field": "country", "operator": "eq", "value": "US"},
                {"any": [{"field": "close_date", "operator": "is_set"}]},
            ]
        },
        "actions": [
            {"type": "update_field", "field": "amount", "value": 1},
            {"type": "notify", "to": ["owner", "cso"], "message": "hi"},
            {"type": "enrol_sequence", "sequence": "nurture"},
        ],
    }
    problems = load_problems(spec_data(workflows={"workflows": [workflow]}))
    assert [(p.path, p.message) for p in problems] == [
        ("workflows.workflows[0].conditions.all[1].any[0]", "unknown field 'close_date'"),
        ("workflows.workflows[0].actions[0].field", "unknown field 'amount'"),
        ("workflows.workflows[0].actions[1].to[1]", "unknown role 'cso'"),
        ("workflows.workflows[0].actions[2].sequence", "unknown sequence 'nurture'"),
    ]


def test_sequence_branches_are_checked_recursively() -> None:
    sequence = {
        "id": "s",
        "steps": [
            {
                "type": "branch",
                "when": {"field": "title", "operator": "is_set"},
                "then": [{"type": "create_task", "title": "Call", "assignee": "ceo"}],
            }
        ],
    }
    problem = only_problem(spec_data(workflows={"sequences": [sequence]}))
    assert problem.path == "workflows.sequences[0].steps[0].then[0].assignee"


def test_fit_group_rules_must_test_fields() -> None:
    scoring = {
        "groups": [
            {
                "id": "fit",
                "kind": "fit",
                "cap": 50,
                "rules": [{"id": "demo", "event": "demo_request", "points": 5}],
            }
        ]
    }
    problem = only_problem(spec_data(signals={"scoring": scoring}))
    assert problem.path == "signals.scoring.groups[0].rules[0]"
    assert problem.rule == "score_group_kind"


def test_lifecycle_references_pipelines_roles_and_account_fields() -> None:
    lifecycle = {
        "renewal": {"windows_days": [90, 60], "owner_role": "am", "pipeline": "renewals"},
        "health_score": {"components": [{"id": "u", "field": "usage", "weight": 100}]},
    }
    problems = load_problems(spec_data(lifecycle=lifecycle, commercial={"roles": ROLES}))
    assert [p.path for p in problems] == [
        "lifecycle.health_score.components[0].field",
        "lifecycle.renewal.owner_role",
        "lifecycle.renewal.pipeline",
    ]
