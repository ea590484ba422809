"""ICP fit: which tier of the ideal customer profile an account (or a lead) falls in, and why.

For each tier the fit score (0-100) is the weighted share of the criteria the tier constrains
that the account meets: each constrained criterion is worth its ``criteria_weights`` weight,
scaled so the tier's criteria sum to 100; a criterion the tier leaves open ("any industry")
does not count either way, an unknown value does not meet its criterion, and a criterion
weighted 0 is shown but not scored. Tiers are tried best rank
first: the account's tier is the first whose ``min_fit_score`` its score reaches, and its
score is that tier's; otherwise it has no tier and its score is the best over all tiers. A
matching disqualifier removes the tier whatever the score. A lead is scored on the
firmographics of the account it matched (its own country when it matched none).

    >>> fit = IcpModel(spec).fit_account(account)                   # doctest: +SKIP
    >>> fit.tier, fit.score, render(fit.reasons)                    # doctest: +SKIP
    ('tier_2', 85.0, 'industry software +30, employees 350 over 200 and up to 1000 +25, ...')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from l2o.domain import Account, Lead
from l2o.engine.conditions import CompiledCondition, compile_condition
from l2o.engine.explain import Reason, signed
from l2o.engine.record_fields import RecordFields
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.fields import FieldCatalog
from l2o.spec.icp import BuyingRole, CriteriaWeights, IcpTier

__all__ = ["IcpFit", "IcpModel", "PersonaMatch", "TierFit", "band_text"]


@dataclass(frozen=True, slots=True)
class TierFit:
    """How well a record fits one tier: the score and a reason per criterion."""

    tier: str
    rank: int
    score: float
    min_fit_score: int
    reasons: tuple[Reason, ...]

    @property
    def reached(self) -> bool:
        """Whether the score reaches the tier's minimum."""
        return self.score >= self.min_fit_score


@dataclass(frozen=True, slots=True)
class IcpFit:
    """An ICP decision: the tier (``None`` when none fits or disqualified), score and reasons.

    ``score`` is ``None`` only when the spec defines no tiers. ``tiers`` keeps every tier's
    fit, best rank first, so a reader can see how close the next tier was.
    """

    tier: str | None
    score: float | None
    disqualified_by: str | None
    reasons: tuple[Reason, ...]
    tiers: tuple[TierFit, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonaMatch:
    """The buying persona a job title matches, and the pattern that matched it."""

    persona: str
    role: BuyingRole
    pattern: str


@dataclass(frozen=True, slots=True)
class _Firmographics:
    industry: str | None
    employees: int | None
    annual_revenue: float | None
    country: str | None
    technologies: tuple[str, ...]


class IcpModel:
    """The spec's ICP compiled once: tiers, disqualifiers and persona title patterns."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        icp = spec.icp
        catalog = FieldCatalog(spec.custom_fields)
        self.weights = icp.criteria_weights if icp else CriteriaWeights()
        self.tiers: tuple[IcpTier, ...] = tuple(
            sorted(icp.tiers, key=lambda t: t.rank) if icp else ()
        )
        self._custom: dict[str, tuple[CompiledCondition, ...]] = {
            tier.id: tuple(
                compile_condition(condition, "account", catalog)
                for condition in tier.criteria.custom
            )
            for tier in self.tiers
        }
        self._disqualifiers = tuple(
            (d.id, d.reason, compile_condition(d.when, "account", catalog))
            for d in (icp.disqualifiers if icp else [])
        )
        self._personas = tuple(
            (persona.id, persona.role, pattern, re.compile(pattern, re.IGNORECASE))
            for persona in (icp.personas if icp else [])
            for pattern in persona.title_patterns
        )

    def fit_account(self, account: Account, *, derived: Mapping[str, Any] | None = None) -> IcpFit:
        """The ICP tier and fit score of ``account``, with the reasons."""
        firmographics = _Firmographics(
            industry=account.industry,
            employees=account.employees,
            annual_revenue=_float(account.annual_revenue),
            country=account.country,
            technologies=tuple(account.technologies),
        )
        return self._fit(firmographics, RecordFields(account, "account", derived=derived))

    def fit_lead(
        self,
        lead: Lead,
        account: Account | None,
        *,
        derived: Mapping[str, Any] | None = None,
    ) -> IcpFit:
        """The ICP fit of a lead through the account it matched (its own country without one)."""
        if account is not None:
            fit = self.fit_account(account, derived=derived)
            note = Reason("icp.lead", f"firmographics of matched account {account.name}")
            return IcpFit(fit.tier, fit.score, fit.disqualified_by, (note, *fit.reasons), fit.tiers)
        firmographics = _Firmographics(None, None, None, lead.country, ())
        row: dict[str, Any] = {"country": lead.country, "custom_fields": {}}
        fit = self._fit(firmographics, RecordFields(row, "account", derived=derived))
        note = Reason("icp.lead", "no matched account: only the lead's country is known")
        return IcpFit(fit.tier, fit.score, fit.disqualified_by, (note, *fit.reasons), fit.tiers)

    def persona_for(self, title: str | None) -> PersonaMatch | None:
        """The first persona (spec order) whose title pattern matches ``title``, if any."""
        if not title:
            return None
        for persona_id, role, pattern, regex in self._personas:
            if regex.search(title):
                return PersonaMatch(persona_id, role, pattern)
        return None

    def _fit(self, firmographics: _Firmographics, fields: RecordFields) -> IcpFit:
        tier_fits = tuple(self._tier_fit(tier, firmographics, fields) for tier in self.tiers)
        disqualifier = next(
            ((d_id, reason) for d_id, reason, when in self._disqualifiers if when.matches(fields)),
            None,
        )
        if not tier_fits:
            reasons: tuple[Reason, ...] = (Reason("icp.tiers", "the spec defines no ICP tiers"),)
            if disqualifier:
                reasons += (_disqualified(*disqualifier),)
            return IcpFit(None, None, disqualifier[0] if disqualifier else None, reasons)
        reached = next((fit for fit in tier_fits if fit.reached), None)
        best = reached or max(tier_fits, key=lambda fit: (fit.score, -fit.rank))
        if disqualifier is not None:
            reasons = (_disqualified(*disqualifier), *best.reasons)
            return IcpFit(None, best.score, disqualifier[0], reasons, tier_fits)
        if reached is not None:
            head = Reason(
                "icp.tier",
                f"{reached.tier}: fit {reached.score:g} reaches {reached.min_fit_score}",
            )
            return IcpFit(reached.tier, reached.score, None, (head, *reached.reasons), tier_fits)
        head = Reason(
            "icp.tier",
            f"no tier reached: best fit {best.score:g} for {best.tier} "
            f"(needs {best.min_fit_score})",
        )
        return IcpFit(None, best.score, None, (head, *best.reasons), tier_fits)

    def _tier_fit(self, tier: IcpTier, firm: _Firmographics, fields: RecordFields) -> TierFit:
        criteria, weights = tier.criteria, self.weights
        tests: list[tuple[str, int, bool, str]] = []
        industries = {value.casefold() for value in criteria.industries}
        if industries:
            if firm.industry is None:
                tests.append(("industry", weights.industry, False, "industry unknown"))
            else:
                met = firm.industry.casefold() in industries
                miss = "" if met else f" not in {tier.id} industries"
                tests.append(("industry", weights.industry, met, f"industry {firm.industry}{miss}"))
        if criteria.employees is not None:
            tests.append(
                (
                    "employees",
                    weights.employees,
                    *_band_test("employees", firm.employees, criteria.employees),
                )
            )
        if criteria.annual_revenue is not None:
            band = criteria.annual_revenue.as_numbers()
            tests.append(
                (
                    "annual_revenue",
                    weights.annual_revenue,
                    *_band_test("annual revenue", firm.annual_revenue, band),
                )
            )
        countries = set(criteria.countries)
        if countries:
            if firm.country is None:
                tests.append(("country", weights.country, False, "country unknown"))
            else:
                met = firm.country.upper() in countries
                miss = "" if met else f" not in {tier.id} countries"
                tests.append(("country", weights.country, met, f"country {firm.country}{miss}"))
        wanted = {value.casefold() for value in criteria.technologies}
        if wanted:
            used = sorted(t for t in firm.technologies if t.casefold() in wanted)
            text = (
                f"uses {', '.join(used)}"
                if used
                else f"uses none of {', '.join(criteria.technologies)}"
            )
            tests.append(("technologies", weights.technologies, bool(used), text))
        custom = self._custom[tier.id]
        if custom:
            failed = [c.text for c in custom if not c.matches(fields)]
            text = (
                "custom criteria met"
                if not failed
                else f"custom criteria not met: {'; '.join(failed)}"
            )
            tests.append(("custom", weights.custom, not failed, text))
        total = sum(weight for _, weight, _, _ in tests)
        if not total:
            reason = Reason(
                f"icp.{tier.id}.any", f"{tier.id} scores no criterion: every account fits"
            )
            return TierFit(tier.id, tier.rank, 100.0, tier.min_fit_score, (reason,))
        reasons: list[Reason] = []
        score = 0.0
        for name, weight, met, text in tests:
            share = weight * 100 / total
            if weight == 0:
                shown = "(weight 0, not scored)"
            elif met:
                shown = signed(share)
            else:
                shown = f"+0 (of {share:g})"
            points = share if met else 0.0
            score += points
            reasons.append(Reason(f"icp.{tier.id}.{name}", f"{text} {shown}", points))
        return TierFit(tier.id, tier.rank, round(score, 2), tier.min_fit_score, tuple(reasons))


def band_text(band: Any) -> str:
    """A half-open band in words: ``over 200 and up to 1000``, ``up to 10``, ``over 30``."""
    low, high = band.above, band.up_to
    if low is not None and high is not None:
        return f"over {low:g} and up to {high:g}"
    if low is not None:
        return f"over {low:g}"
    if high is not None:
        return f"up to {high:g}"
    return "any"


def _band_test(label: str, value: float | None, band: Any) -> tuple[bool, str]:
    if band is None:
        return True, f"any {label}"
    if value is None:
        return False, f"{label} unknown"
    met = bool(band.contains(float(value)))
    return met, f"{label} {value:g} {'within' if met else 'outside'} {band_text(band)}"


def _disqualified(disqualifier_id: str, reason: str) -> Reason:
    return Reason(f"icp.disqualifier.{disqualifier_id}", f"disqualified: {reason}")


def _float(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)
