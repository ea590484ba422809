"""Signal lint: routing rules that can never fire, empty pools, unreachable thresholds."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lead_routing import LeadRouting
from l2o.spec.lint_rules._warning import warning

__all__ = ["signals_gaps"]


def signals_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the signals section."""
    signals = spec.signals
    if signals is None or signals.is_empty():
        return
    if not signals.lead_stages:
        yield warning(
            "signals.lead_stages",
            "no lead lifecycle stages: MQL and SQL mean whatever each rep thinks",
            rule="no_lead_stages",
        )
    if signals.scoring is None or not signals.scoring.groups:
        yield warning("signals.scoring", "no lead scoring model", rule="no_lead_scoring")
    else:
        max_score = signals.scoring.max_score()
        for index, stage in enumerate(signals.lead_stages):
            if stage.min_score is not None and stage.min_score > max_score:
                yield warning(
                    f"signals.lead_stages[{index}].min_score",
                    f"lead stage '{stage.id}' needs {stage.min_score} points but scores "
                    f"are capped at {max_score}: no lead can reach it",
                    rule="lead_stage_unreachable",
                )
        for index, group in enumerate(signals.scoring.groups):
            path = f"signals.scoring.groups[{index}]"
            if group.kind == "engagement" and group.decay_half_life_days is None:
                yield warning(
                    f"{path}.decay_half_life_days",
                    f"engagement group '{group.id}' never decays: old activity keeps leads hot",
                    rule="engagement_without_decay",
                )
            if not group.rules:
                yield warning(
                    f"{path}.rules",
                    f"score group '{group.id}' has no rules",
                    rule="score_group_empty",
                )
    if signals.routing is None:
        yield warning(
            "signals.routing", "no routing rules: leads wait to be picked", rule="no_routing"
        )
    else:
        yield from _routing_gaps(spec, signals.routing)
    if not signals.slas:
        yield warning(
            "signals.slas",
            "no hand-off SLAs: nobody is measured on speed to lead",
            rule="no_handoff_sla",
        )
    if signals.attribution is None:
        yield warning(
            "signals.attribution", "no attribution model is chosen", rule="no_attribution"
        )


def _routing_gaps(spec: ArchitectureSpec, routing: LeadRouting) -> Iterator[SpecProblem]:
    territories = spec.commercial.territories if spec.commercial else []
    covered = {country for territory in territories for country in territory.countries}
    used_pools = {rule.pool for rule in routing.rules if rule.pool}
    for index, pool in enumerate(routing.pools):
        path = f"signals.routing.pools[{index}]"
        if not pool.members:
            yield warning(
                f"{path}.members",
                f"pool '{pool.id}' has no members: leads routed to it are never assigned",
                rule="pool_without_members",
            )
        elif pool.capacity() == 0:
            yield warning(
                f"{path}.members",
                f"pool '{pool.id}' has zero daily capacity",
                rule="pool_without_capacity",
            )
        if pool.id not in used_pools:
            yield warning(path, f"pool '{pool.id}' is used by no routing rule", rule="pool_unused")
    catch_all: str | None = None
    for index, rule in enumerate(routing.rules):
        path = f"signals.routing.rules[{index}]"
        if catch_all is not None:
            yield warning(
                path,
                f"rule '{rule.id}' can never match: rule '{catch_all}' before it takes every lead",
                rule="routing_rule_unreachable",
                hint="move catch-all rules last",
            )
        for c_index, country in enumerate(rule.countries):
            if country not in covered:
                yield warning(
                    f"{path}.countries[{c_index}]",
                    f"rule '{rule.id}' routes {country}, which no territory covers",
                    rule="routing_country_uncovered",
                    hint="add the country to a territory in commercial.territories",
                )
        if catch_all is None and rule.is_catch_all():
            catch_all = rule.id
    if routing.rules and catch_all is None:
        yield warning(
            "signals.routing.rules",
            "no catch-all rule: a lead no rule matches stays unassigned",
            rule="routing_without_fallback",
            hint="end with a rule that has only a pool",
        )
