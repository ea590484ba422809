"""Lead routing: which rep gets a new lead, by the spec's rules, and why that rep.

Rules are tried in order. A rule applies when the lead passes its filters - ``countries``
(the lead's country, else its account's), ``segments`` and ``territories`` (the matched
account's, else worked out from the spec's segment bands and territory countries) and its
``when`` condition on lead fields. It then assigns to the owner of the matched account
(``account_owner_match``) when there is one, else to the next available rep in its
round-robin ``pool``. A rep is available when not excluded, not marked away, inside their
working hours and under their ``daily_capacity``; a rule whose pool has nobody available
passes the lead to the next rule, and the decision lists what was tried. A lead no rule
can assign gets no owner and says why (an exception queue for a person).

Account owners are assigned whatever their load: the relationship outranks the rotation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from l2o.domain import Account, Lead, as_utc
from l2o.engine.conditions import CompiledCondition, compile_condition
from l2o.engine.explain import Reason, words_kept
from l2o.engine.lead_context import lead_fields_given
from l2o.engine.record_fields import RecordFields
from l2o.engine.routing_pools import CompiledPool, PoolState, WorkingHours
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.commercial import Segment, Territory
from l2o.spec.fields import FieldCatalog
from l2o.spec.lead_routing import RoutingRule

__all__ = ["Alternative", "LeadRouter", "RoutingDecision"]


@dataclass(frozen=True, slots=True)
class Alternative:
    """Something routing considered and passed over: a rule or a rep, and why not."""

    rule: str
    owner_id: str | None
    why_not: str


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """Who gets the lead and why: the rule, the pool and its pointer, what else was tried.

    ``owner_id`` is ``None`` when no rule could assign the lead. ``state`` is the pool state
    to store with the assignment (unchanged when nobody was assigned from a pool).
    """

    owner_id: str | None
    rule: str | None
    pool: str | None
    pointer: int | None
    reasons: tuple[Reason, ...]
    alternatives: tuple[Alternative, ...]
    state: PoolState
    segment: str | None = None
    territory: str | None = None


#: What a rule's filters say of a lead: the alternative it misses as (or ``None``) and the
#: reason it matched with.
_Verdict = tuple[Alternative | None, Reason]
#: Filter verdicts kept per router before they are worked out afresh.
_VERDICTS_KEPT = 4_096
_NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Rule:
    rule: RoutingRule
    when: CompiledCondition | None
    countries: frozenset[str]
    segments: frozenset[str]
    territories: frozenset[str]


class LeadRouter:
    """The spec's routing rules and pools, compiled once.

    ``working_hours`` and ``away`` describe the reps (the spec names reps, not their
    calendars): a rep without working hours is always on; a rep in ``away`` gets nothing.
    Like the rules, both are read when the router is made.
    """

    def __init__(
        self,
        spec: ArchitectureSpec,
        *,
        working_hours: Mapping[str, WorkingHours] | None = None,
        away: Collection[str] = (),
    ) -> None:
        routing = spec.signals.routing if spec.signals else None
        catalog = FieldCatalog(spec.custom_fields)
        self.pools: dict[str, CompiledPool] = {
            pool.id: CompiledPool(pool) for pool in (routing.pools if routing else [])
        }
        self.rules: tuple[_Rule, ...] = tuple(
            _Rule(
                rule,
                compile_condition(rule.when, "lead", catalog) if rule.when else None,
                frozenset(rule.countries),
                frozenset(rule.segments),
                frozenset(rule.territories),
            )
            for rule in (routing.rules if routing else [])
        )
        commercial = spec.commercial
        self.segments: tuple[Segment, ...] = tuple(commercial.segments if commercial else ())
        self.territories: tuple[Territory, ...] = tuple(
            commercial.territories if commercial else ()
        )
        self.working_hours = dict(working_hours or {})
        self.away = frozenset(away)
        self._off_shift = {user: _off_shift(hours) for user, hours in self.working_hours.items()}
        # A rep passed over, or chosen at the same position and load, is explained in the same
        # words for every lead: each line made once.
        self._passed: dict[tuple[str, str, str], Alternative] = {}
        self._chosen: dict[tuple[str, str, int, int], Reason] = {}
        # A rule's country, segment and territory filters give the same verdict (and the
        # same words) for every lead with the same three values: worked out once each.
        self._filtered: dict[tuple[str | None, str | None, str | None], tuple[_Verdict, ...]] = {}
        self._when_misses: tuple[Alternative | None, ...] = tuple(
            Alternative(c.rule.id, None, f"not {c.when.text}") if c.when is not None else None
            for c in self.rules
        )

    def segment_of(self, account: Account | None) -> str | None:
        """The account's segment: as recorded, else the first spec segment whose bands fit."""
        if account is None:
            return None
        if account.segment:
            return account.segment
        for segment in self.segments:
            if segment.employees is not None and (
                account.employees is None or not segment.employees.contains(account.employees)
            ):
                continue
            if segment.annual_revenue is not None and (
                account.annual_revenue is None
                or not segment.annual_revenue.as_numbers().contains(float(account.annual_revenue))
            ):
                continue
            if segment.employees is None and segment.annual_revenue is None:
                continue
            return segment.id
        return None

    def territory_of(
        self, country: str | None, account: Account | None, segment: str | None
    ) -> str | None:
        """The territory: the account's, else the first whose countries and segments fit."""
        if account is not None and account.territory_id:
            return account.territory_id
        if country is None:
            return None
        for territory in self.territories:
            if country in territory.countries and (
                not territory.segments or segment in territory.segments
            ):
                return territory.id
        return None

    def route(
        self,
        lead: Lead,
        *,
        account: Account | None,
        state: PoolState,
        at: datetime,
        derived: Mapping[str, Any] | None = None,
        exclude: Collection[str] = (),
    ) -> RoutingDecision:
        """Choose the owner of ``lead`` at ``at`` given the pool ``state``; nothing is changed.

        ``account`` is the account the lead matched (``None``: no match); ``exclude`` names
        reps who must not get it (e.g. the owner who let its SLA lapse).
        """
        at = as_utc(at)
        state = state.for_day(at.date())
        fields = RecordFields(lead, "lead", derived=lead_fields_given(lead, account, derived))
        country = (lead.country or (account.country if account else None) or "").upper() or None
        segment = self.segment_of(account)
        territory = self.territory_of(country, account, segment)
        excluded = frozenset(exclude) if exclude else _NOBODY
        tried: list[Alternative] = []
        verdicts = self._verdicts(country, segment, territory)
        for index, compiled in enumerate(self.rules):
            rule = compiled.rule
            missed, matched = verdicts[index]
            if missed is None and compiled.when is not None and not compiled.when.matches(fields):
                missed = self._when_misses[index]
            if missed is not None:
                tried.append(missed)
                continue
            if rule.account_owner_match:
                owner = account.owner_id if account else None
                if owner and owner not in excluded and owner not in self.away:
                    reason = Reason(
                        f"routing.{rule.id}.account_owner",
                        f"owner of matched account {account.name if account else ''}".rstrip(),
                    )
                    return RoutingDecision(
                        owner,
                        rule.id,
                        None,
                        None,
                        (matched, reason),
                        tuple(tried),
                        state,
                        segment,
                        territory,
                    )
                tried.append(
                    Alternative(rule.id, owner, _owner_miss(account, owner, excluded, self.away))
                )
            if rule.pool is None:
                continue
            decision = self._from_pool(
                rule, matched, state, at, excluded, tried, segment, territory
            )
            if decision is not None:
                return decision
        reason = Reason(
            "routing.unassigned", "no routing rule could assign the lead: it needs a person"
        )
        return RoutingDecision(
            None, None, None, None, (reason,), tuple(tried), state, segment, territory
        )

    def _verdicts(
        self, country: str | None, segment: str | None, territory: str | None
    ) -> tuple[_Verdict, ...]:
        """Each rule's filters on these values: what they miss (``None`` if nothing) and the
        reason the rule matched (its ``when`` condition, if any, is for the caller to test)."""
        key = (country, segment, territory)
        verdicts = self._filtered.get(key)
        if verdicts is None:
            verdicts = tuple(
                _verdict(compiled, country, segment, territory) for compiled in self.rules
            )
            if len(self._filtered) >= _VERDICTS_KEPT:  # lead data can name any country
                self._filtered.clear()
            self._filtered[key] = verdicts
        return verdicts

    def _from_pool(
        self,
        rule: RoutingRule,
        matched: Reason,
        state: PoolState,
        at: datetime,
        excluded: frozenset[str],
        tried: list[Alternative],
        segment: str | None,
        territory: str | None,
    ) -> RoutingDecision | None:
        assert rule.pool is not None
        pool = self.pools[rule.pool]
        rotation = pool.rotation
        if not rotation:
            tried.append(Alternative(rule.id, None, f"pool {pool.pool.id} has no members"))
            return None
        size = len(rotation)
        start = state.pointers.get(pool.pool.id, 0) % size
        passed: set[int] = set()
        for step in range(size):
            position = (start + step) % size
            index = rotation[position]
            if index in passed:
                continue
            member = pool.members[index]
            user = member.user
            load = state.load(user)
            why_not = self._unavailable(user, member.daily_capacity, load, at, excluded)
            if why_not is not None:
                passed.add(index)
                tried.append(self._passed_over(rule.id, user, why_not))
                continue
            return RoutingDecision(
                user,
                rule.id,
                pool.pool.id,
                position,
                (matched, self._next_in_rotation(rule.id, pool, position, load)),
                tuple(tried),
                state.assigned(pool.pool.id, user, (position + 1) % size),
                segment,
                territory,
            )
        tried.append(Alternative(rule.id, None, f"pool {pool.pool.id}: nobody available"))
        return None

    def _unavailable(
        self, user: str, capacity: int | None, load: int, at: datetime, excluded: frozenset[str]
    ) -> str | None:
        if user in excluded:
            return "excluded (already had the lead)"
        if user in self.away:
            return "away"
        if capacity is not None and load >= capacity:
            return f"at capacity {load}/{capacity} today"
        hours = self.working_hours.get(user)
        if hours is not None and not hours.is_open(at):
            return self._off_shift.get(user) or _off_shift(hours)
        return None

    def _passed_over(self, rule: str, user: str, why_not: str) -> Alternative:
        """The rep ``rule``'s pool passed over, and why (the same few lines for every lead)."""
        return words_kept(
            self._passed, (rule, user, why_not), lambda: Alternative(rule, user, why_not)
        )

    def _next_in_rotation(self, rule: str, pool: CompiledPool, position: int, load: int) -> Reason:
        """Why the rep at ``position`` of ``pool``'s rotation gets the lead, at this load."""

        def reason() -> Reason:
            member = pool.members[pool.rotation[position]]
            capacity = "no cap" if member.daily_capacity is None else f"{member.daily_capacity}"
            return Reason(
                f"routing.{rule}.pool",
                f"pool {pool.pool.id}: {member.user} is next in rotation (position "
                f"{position + 1} of {len(pool.rotation)}, weight {member.weight}), "
                f"load {load}/{capacity} today",
            )

        return words_kept(self._chosen, (rule, pool.pool.id, position, load), reason)


def _off_shift(hours: WorkingHours) -> str:
    return f"outside working hours ({hours.start:%H:%M}-{hours.end:%H:%M} {hours.timezone})"


def _verdict(
    compiled: _Rule, country: str | None, segment: str | None, territory: str | None
) -> _Verdict:
    rule = compiled.rule
    why_not = _filter_miss(compiled, country, segment, territory)
    return (
        Alternative(rule.id, None, why_not) if why_not is not None else None,
        Reason(
            f"routing.{rule.id}",
            f"rule {rule.id}: {_filter_text(compiled, country, segment, territory)}",
        ),
    )


def _filter_miss(
    compiled: _Rule, country: str | None, segment: str | None, territory: str | None
) -> str | None:
    if compiled.countries and country not in compiled.countries:
        return f"country {country or 'unknown'} not in {', '.join(sorted(compiled.countries))}"
    if compiled.segments and segment not in compiled.segments:
        return f"segment {segment or 'unknown'} not in {', '.join(sorted(compiled.segments))}"
    if compiled.territories and territory not in compiled.territories:
        return (
            f"territory {territory or 'unknown'} not in {', '.join(sorted(compiled.territories))}"
        )
    return None


def _filter_text(
    compiled: _Rule, country: str | None, segment: str | None, territory: str | None
) -> str:
    parts = []
    if compiled.countries:
        parts.append(f"country {country} in {', '.join(sorted(compiled.countries))}")
    if compiled.segments:
        parts.append(f"segment {segment}")
    if compiled.territories:
        parts.append(f"territory {territory}")
    if compiled.when is not None:
        parts.append(compiled.when.text)
    return "; ".join(parts) if parts else "catch-all"


def _owner_miss(
    account: Account | None, owner: str | None, excluded: frozenset[str], away: frozenset[str]
) -> str:
    if account is None:
        return "no matched account"
    if not owner:
        return f"matched account {account.name} has no owner"
    if owner in excluded:
        return f"account owner {owner} excluded (already had the lead)"
    return f"account owner {owner} is away"
