"""Learned scoring as use cases: examples read from the store, models evaluated and trained,
the compiled model saved with the AI-readiness gate's decision.

::

    from l2o.services.modeling import evaluate_task, train_task, active_scorer

    evaluation = evaluate_task(engine, "lead-conversion", spec=spec)  # rules vs NB vs learned
    trained = train_task(engine, "deal-win", models_dir, spec=spec)   # writes deal-win.json
    trained.gate.use, [c.text for c in trained.gate.refusals]
    scorer = active_scorer(models_dir, "deal-win")   # None while the gate keeps the rules

The store is read set-based with SQLAlchemy Core: one query per table, times converted to
days by the database, joined in NumPy. Each record is scored as of its scoring moment - a
lead 24 hours after it arrived, a deal when it was opened - from what was known by then
(see :mod:`l2o.analytics.models._features` for every feature and why it is allowed). The
rules baseline is the engine's own: the spec's lead score (``LeadScorer``) from the lead's
touches up to the scoring moment, else the spec's ICP fit (``IcpModel``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from l2o.analytics.models import (
    CalibratedLogit,
    CompiledScorer,
    Evaluation,
    Examples,
    ModelError,
    Task,
    drift_check,
    evaluate_models,
    task_named,
)
from l2o.analytics.models.gate import GateCheck, GateDecision, gate_decision
from l2o.domain import Account, Lead, Touchpoint, utc_now
from l2o.engine.icp_fit import IcpFit, IcpModel
from l2o.engine.lead_context import lead_derived_fields
from l2o.engine.lead_scoring import LeadScorer
from l2o.engine.learned_scoring import LearnedScoring
from l2o.engine.rules import DealWinScoring, LeadConversionScoring
from l2o.services.assessment_snapshots import list_snapshots, load_snapshot
from l2o.services.model_features import (
    DEFAULT_OBSERVE_HOURS,
    channel_of,
    deal_feature_builder,
    email_domain,
    first_touch_minutes,
    lead_feature_builder,
    personal_email,
    seniority,
    text,
    touch_channel,
)
from l2o.services.retention import evaluate_churn_task
from l2o.spec import ArchitectureSpec
from l2o.store import schema as t

__all__ = [
    "CHURN_NOT_TRAINED",
    "CHURN_TASK",
    "DEFAULT_HORIZON_DAYS",
    "DEFAULT_OBSERVE_HOURS",
    "TrainedModel",
    "active_scorer",
    "ai_readiness_of",
    "deal_win_scoring",
    "evaluate_task",
    "lead_conversion_scoring",
    "load_model",
    "read_examples",
    "train_task",
]

DEFAULT_HORIZON_DAYS = 90.0
"""A lead that has not converted this long after arriving counts as not converted."""
MODEL_FORMAT = "l2o.model/1"
LEAD_CONVERSION_TASK = "lead-conversion"
DEAL_WIN_TASK = "deal-win"
CHURN_TASK = "churn"
CHURN_NOT_TRAINED = (
    "churn: there is no churn model file to train - the churn model is fitted on demand by "
    "l2o retention and the engine scores no churn; measure it with "
    "l2o models evaluate --task churn"
)
_TOP_CHANNELS = 12


def read_examples(
    engine: Engine,
    task: str | Task,
    *,
    spec: ArchitectureSpec | None = None,
    features: Sequence[str] | None = None,
    observe_hours: float = DEFAULT_OBSERVE_HOURS,
    horizon_days: float = DEFAULT_HORIZON_DAYS,
) -> Examples:
    """The task's examples from the store: features at each record's scoring moment, the
    outcome where known, and the spec's rule score. ``features`` narrows the columns; a
    leaking one raises :class:`~l2o.analytics.models.LeakingFeature`."""
    chosen = task_named(task) if isinstance(task, str) else task
    if features is not None:
        chosen.select(features)
    with engine.connect() as conn:
        reader = _Reader(conn)
        if chosen.record == "lead":
            examples = reader.leads(chosen, spec, observe_hours / 24.0, horizon_days)
        else:
            examples = reader.deals(chosen, spec)
    if features is None:
        return examples
    return Examples(**{**examples.__dict__, "columns": {k: examples.columns[k] for k in features}})


def evaluate_task(
    engine: Engine,
    task: str,
    *,
    spec: ArchitectureSpec | None = None,
    test_share: float = 0.25,
) -> Evaluation:
    """Rules vs naive Bayes vs learned on the store's time-ordered hold-out; for ``churn``,
    the health score vs the churn model (:func:`l2o.services.retention.evaluate_churn_task`)."""
    if task == CHURN_TASK:
        return evaluate_churn_task(engine, test_share=test_share)
    return evaluate_models(read_examples(engine, task, spec=spec), test_share=test_share)


@dataclass(frozen=True)
class TrainedModel:
    """What ``train_task`` wrote: the file, its document, the compiled scorer (``None`` when
    no model could be fitted), the evaluation and the gate's decision."""

    path: Path
    document: dict[str, Any]
    scorer: CompiledScorer | None
    evaluation: Evaluation | None
    gate: GateDecision


def train_task(
    engine: Engine,
    task: str,
    models_dir: str | Path,
    *,
    spec: ArchitectureSpec | None = None,
    assessment: Mapping[str, Any] | None = None,
    test_share: float = 0.25,
    now: datetime | None = None,
) -> TrainedModel:
    """Evaluate on the hold-out, fit the learned model on every known outcome, compile it,
    decide the gate, and write ``MODELS_DIR/TASK.json``.

    ``assessment`` is an ``assessment.json`` document; without it the latest snapshot in
    the store is used (none: the gate refuses). The file is written whatever the gate says,
    so it always records why the engine uses what it uses.
    """
    if task == CHURN_TASK:
        raise ModelError(CHURN_NOT_TRAINED)
    chosen = task_named(task)
    examples = read_examples(engine, chosen, spec=spec)
    readiness, readiness_source = ai_readiness_of(engine, assessment)
    positives, negatives = examples.counts()
    evaluation: Evaluation | None = None
    scorer: CompiledScorer | None = None
    drift: dict[str, Any] | None = None
    failure: GateCheck | None = None
    try:
        evaluation = evaluate_models(examples, test_share=test_share)
        known = examples.subset(examples.labelled)
        model = CalibratedLogit().fit(known)
        scorer = model.compile()
        recent = examples.subset(~examples.labelled)
        drift = drift_check(
            model, known, recent, "learned score, training outcomes vs records still open"
        ).to_json()
    except ModelError as exc:
        failure = GateCheck("gate.model", False, f"no model: {exc}: the engine keeps the rules")
    gate = gate_decision(
        chosen.name,
        ai_readiness=readiness,
        positives=positives,
        negatives=negatives,
        learned_auc=evaluation.report("learned").auc if evaluation else None,
        rules_auc=evaluation.report("rules").auc if evaluation else None,
    )
    if failure is not None:
        gate = GateDecision(
            gate.task, "rules", (*gate.checks, failure), readiness, positives, negatives
        )
    document: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "task": chosen.name,
        "trained_at": (now or utc_now()).isoformat(),
        "outcome": chosen.outcome,
        "scoring_moment": chosen.scored_at,
        "use": gate.use,
        "gate": {**gate.to_json(), "ai_readiness_source": readiness_source},
        "outcomes": {"positive": positives, "negative": negatives},
        "features": [
            {"name": name, "kind": rule.kind, "why": rule.why}
            for name, rule in chosen.select(examples.feature_names).items()
        ],
        "rules": examples.rule_how,
        "scorer": scorer.to_json() if scorer else None,
        "evaluation": evaluation.to_json() if evaluation else None,
        "drift": drift,
        "notes": list(examples.notes),
    }
    folder = Path(models_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chosen.name}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return TrainedModel(path, document, scorer, evaluation, gate)


def load_model(models_dir: str | Path, task: str) -> dict[str, Any]:
    """The document ``train_task`` wrote for ``task``; :class:`ModelError` if there is none."""
    path = Path(models_dir) / f"{task_named(task).name}.json"
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{task}: no trained model at {path} (run l2o models train)") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: not a model file ({exc})") from exc
    if document.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: expected format {MODEL_FORMAT}")
    return document


def active_scorer(models_dir: str | Path, task: str) -> CompiledScorer | None:
    """The compiled scorer the engine should use for ``task``: ``None`` while the gate keeps
    the rules (or no model was trained)."""
    try:
        document = load_model(models_dir, task)
    except ModelError:
        return None
    if document.get("use") != "learned" or not document.get("scorer"):
        return None
    return CompiledScorer.from_json(document["scorer"])


def lead_conversion_scoring(models_dir: str | Path) -> LeadConversionScoring:
    """The engine's lead-conversion scoring from ``MODELS_DIR/lead-conversion.json``: the
    compiled model with its feature builder when the gate switched it on, else the rules
    and the gate's (or the loader's) reasons."""
    scorer, why, source = _gate_of(models_dir, LEAD_CONVERSION_TASK)
    scoring: LeadConversionScoring = (
        LearnedScoring.off(LEAD_CONVERSION_TASK, why, source)
        if scorer is None
        else LearnedScoring(
            LEAD_CONVERSION_TASK, scorer, lead_feature_builder(scorer.feature_names), why, source
        )
    )
    return scoring


def deal_win_scoring(models_dir: str | Path) -> DealWinScoring:
    """The engine's deal-win scoring from ``MODELS_DIR/deal-win.json`` (as
    :func:`lead_conversion_scoring`)."""
    scorer, why, source = _gate_of(models_dir, DEAL_WIN_TASK)
    scoring: DealWinScoring = (
        LearnedScoring.off(DEAL_WIN_TASK, why, source)
        if scorer is None
        else LearnedScoring(
            DEAL_WIN_TASK, scorer, deal_feature_builder(scorer.feature_names), why, source
        )
    )
    return scoring


def _gate_of(
    models_dir: str | Path, task: str
) -> tuple[CompiledScorer | None, tuple[str, ...], str]:
    """The task's compiled scorer (``None`` unless switched on), the gate's words and the
    model file it came from."""
    try:
        document = load_model(models_dir, task)
    except ModelError as exc:
        return None, (f"{exc}: the engine keeps the rules",), ""
    gate = document.get("gate") or {}
    source = f"{task}.json trained {document.get('trained_at', '(unknown)')}"
    if document.get("use") != "learned" or not document.get("scorer"):
        reasons = tuple(str(r) for r in gate.get("reasons") or ())
        return None, reasons or ("the model file says use the rules",), source
    try:
        scorer = CompiledScorer.from_json(document["scorer"])
    except ModelError as exc:
        return None, (f"{exc}: the engine keeps the rules",), source
    checks = tuple(str(c.get("text")) for c in gate.get("checks") or ())
    return scorer, checks, source


def ai_readiness_of(
    engine: Engine, assessment: Mapping[str, Any] | None = None
) -> tuple[float | None, str]:
    """The AI readiness the gate uses and where it came from: the given ``assessment.json``
    document, else the latest assessment snapshot in the store, else none."""
    if assessment is None:
        snapshots = list_snapshots(engine)
        if not snapshots:
            return None, "no assessment in the store (run l2o assess)"
        latest = snapshots[-1]
        assessment = load_snapshot(engine, latest.id)
        source = f"assessment snapshot {latest.name!r} of {latest.created_at:%Y-%m-%d}"
    else:
        source = f"assessment {assessment.get('name', '(unnamed)')!r}"
    readiness = assessment.get("ai_readiness")
    score = readiness.get("score") if isinstance(readiness, Mapping) else None
    if not isinstance(score, int | float):
        return None, f"{source} has no AI readiness score"
    return float(score), source


# --- reading the store --------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(days: float) -> datetime:
    return _EPOCH + timedelta(days=float(days))


class _Reader:
    """The queries for one task, on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"

    def days(self, column: Any) -> Any:
        """``column`` as days since 1970-01-01 UTC, computed by the database."""
        if self.sqlite:
            return sa.func.julianday(column) - 2440587.5
        return sa.extract("epoch", sa.cast(column, sa.DateTime(timezone=True))) / 86400.0

    def rows(self, query: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.conn.execute(query)]

    def as_of(self) -> float:
        """The day the data runs to: the latest lead, touch, deal, close or stage change."""
        latest = [
            self.conn.execute(sa.select(sa.func.max(self.days(column)))).scalar()
            for column in (
                t.leads.c.created_at,
                t.leads.c.converted_at,
                t.touchpoints.c.occurred_at,
                t.opportunities.c.created_at,
                t.opportunities.c.closed_at,
                t.stage_changes.c.changed_at,
            )
        ]
        found = [float(x) for x in latest if x is not None]
        if not found:
            raise ModelError("the store holds no leads or deals to learn from")
        return max(found)

    def accounts(self) -> dict[str, dict[str, Any]]:
        a = t.accounts.c
        out: dict[str, dict[str, Any]] = {}
        for row in self.conn.execute(
            sa.select(
                a.id,
                a.name,
                a.domain,
                a.industry,
                a.employees,
                a.annual_revenue,
                a.country,
                a.region,
                a.segment,
                a.technologies,
                self.days(a.created_at).label("created"),
            ).where(a.merged_into_id.is_(None))
        ):
            out[row.id] = dict(row._mapping)
        return out

    # --- leads ---------------------------------------------------------------------------

    def leads(
        self, task: Task, spec: ArchitectureSpec | None, observe: float, horizon: float
    ) -> Examples:
        as_of = self.as_of()
        lc = t.leads.c
        rows = self.rows(
            sa.select(
                lc.id,
                lc.email,
                lc.title,
                lc.country,
                lc.channel,
                lc.lead_source,
                self.days(lc.created_at),
                self.days(lc.first_touch_at),
                self.days(lc.converted_at),
            )
            .where(lc.merged_into_id.is_(None))
            .order_by(lc.created_at, lc.id)
        )
        if not rows:
            raise ModelError(f"{task.name}: the store holds no leads")
        ids = np.array([r[0] for r in rows], dtype=object)
        created = np.array([r[6] for r in rows], dtype=np.float64)
        first_touch = np.array([np.nan if r[7] is None else r[7] for r in rows], dtype=np.float64)
        converted = np.array([np.nan if r[8] is None else r[8] for r in rows], dtype=np.float64)
        scored = created + observe
        decided_early = converted <= scored
        unobserved = scored > as_of
        keep = ~decided_early & ~unobserved
        notes = (
            f"{int(decided_early.sum())} leads converted within {observe * 24:g} hours of "
            f"arriving are left out (their outcome was known at the scoring moment)",
            f"{int(unobserved.sum())} leads younger than {observe * 24:g} hours are left out",
            f"a lead not converted {horizon:g} days after arriving counts as not converted; "
            f"younger leads have no outcome yet",
        )
        rows = [r for r, k in zip(rows, keep, strict=True) if k]
        ids = ids[keep]
        created, first_touch, converted, scored = (
            a[keep] for a in (created, first_touch, converted, scored)
        )
        positive = converted - created <= horizon
        negative = ~positive & (created + horizon <= as_of)
        outcome = np.where(positive, 1.0, np.where(negative, 0.0, np.nan))
        known_at = np.where(positive, converted, np.where(negative, created + horizon, np.nan))

        accounts = self.accounts()
        by_domain: dict[str, dict[str, Any]] = {}
        for account in accounts.values():
            domain = text(account["domain"])
            if domain:
                by_domain.setdefault(domain.casefold(), account)
        matched: list[dict[str, Any] | None] = []
        for r, when in zip(rows, scored, strict=True):
            found = by_domain.get(email_domain(r[1]) or "")
            known = found is not None and (found["created"] is None or found["created"] <= when)
            matched.append(found if known else None)

        touches = self._touches_before(ids, scored)
        n = len(ids)
        columns: dict[str, np.ndarray] = {
            "channel": np.array([channel_of(r[4], r[5]) for r in rows], dtype=object),
            "country": np.array([text(r[3]) for r in rows], dtype=object),
            "seniority": np.array([seniority(r[2]) for r in rows], dtype=object),
            "personal_email": np.array([personal_email(r[1]) for r in rows], dtype=object),
        }
        for name, key in (
            ("account_industry", "industry"),
            ("account_segment", "segment"),
            ("account_region", "region"),
        ):
            columns[name] = np.array([a[key] if a else None for a in matched], dtype=object)
        for name, key in (
            ("account_employees", "employees"),
            ("account_annual_revenue", "annual_revenue"),
        ):
            columns[name] = np.array(
                [float(a[key]) if a and a[key] is not None else np.nan for a in matched],
                dtype=np.float64,
            )
        columns["first_touch_minutes"] = np.array(
            [
                first_touch_minutes(c, f, s)
                for c, f, s in zip(
                    created.tolist(), first_touch.tolist(), scored.tolist(), strict=True
                )
            ],
            dtype=np.float64,
        )
        columns["touches"] = np.array([len(touches.get(i, ())) for i in ids], dtype=np.float64)
        counted: dict[str, int] = {}
        for seen in touches.values():
            for _, channel, _ in seen:
                if channel:
                    counted[channel] = counted.get(channel, 0) + 1
        for channel in sorted(counted, key=lambda c: (-counted[c], c))[:_TOP_CHANNELS]:
            columns[f"touched:{channel}"] = np.array(
                [
                    "yes" if any(c == channel for _, c, _ in touches.get(i, ())) else "no"
                    for i in ids
                ],
                dtype=object,
            )
        rule_score, rule_how = _lead_rules(spec, rows, matched, touches, scored)
        return Examples(
            task=task,
            ids=ids,
            columns=columns,
            scored_at=scored,
            outcome=outcome,
            label_known_at=known_at,
            rule_score=rule_score if rule_score is not None else np.full(n, np.nan),
            rule_how=rule_how,
            notes=notes,
        )

    def _touches_before(
        self, ids: np.ndarray, scored: np.ndarray
    ) -> dict[str, list[tuple[float, str | None, str]]]:
        """Each lead's touches up to its scoring moment: (day, channel, touch type)."""
        cutoff = dict(zip(ids.tolist(), scored.tolist(), strict=True))
        tc = t.touchpoints.c
        out: dict[str, list[tuple[float, str | None, str]]] = {}
        for lead_id, day, channel, kind in self.conn.execute(
            sa.select(tc.lead_id, self.days(tc.occurred_at), tc.channel, tc.touch_type).where(
                tc.lead_id.is_not(None)
            )
        ):
            limit = cutoff.get(lead_id)
            if limit is not None and day <= limit:
                out.setdefault(lead_id, []).append((float(day), touch_channel(channel), str(kind)))
        return out

    # --- deals ---------------------------------------------------------------------------

    def deals(self, task: Task, spec: ArchitectureSpec | None) -> Examples:
        o = t.opportunities.c
        rows = self.rows(
            sa.select(
                o.id,
                o.account_id,
                o.owner_id,
                o.pipeline,
                o.opportunity_type,
                o.lead_source,
                self.days(o.created_at),
                self.days(o.closed_at),
                o.is_closed,
                o.is_won,
            ).order_by(o.created_at, o.id)
        )
        if not rows:
            raise ModelError(f"{task.name}: the store holds no deals")
        sc = t.stage_changes.c
        first_amount: dict[str, float] = {}
        for deal_id, amount in self.conn.execute(
            sa.select(sc.opportunity_id, sc.amount).order_by(
                sc.opportunity_id, sc.changed_at.desc(), sc.id.desc()
            )
        ):
            # Ordered latest first: the last write per deal is its first stage change.
            first_amount[deal_id] = np.nan if amount is None else float(amount)
        u = t.users.c
        roles = {uid: str(role) for uid, role in self.conn.execute(sa.select(u.id, u.role))}
        accounts = self.accounts()
        created = np.array([r[6] for r in rows], dtype=np.float64)
        closed = np.array([np.nan if r[7] is None else r[7] for r in rows], dtype=np.float64)
        is_closed = np.array([bool(r[8]) for r in rows])
        timed = is_closed & ~np.isnan(closed)
        outcome = np.where(timed, np.array([1.0 if r[9] else 0.0 for r in rows]), np.nan)
        known_at = np.where(timed, np.maximum(closed, created), np.nan)
        matched = [accounts.get(r[1]) if r[1] else None for r in rows]
        columns: dict[str, np.ndarray] = {
            "opportunity_type": np.array([text(r[4]) for r in rows], dtype=object),
            "pipeline": np.array([text(r[3]) for r in rows], dtype=object),
            "lead_source": np.array([text(r[5]) for r in rows], dtype=object),
            "owner_role": np.array([roles.get(r[2]) if r[2] else None for r in rows], dtype=object),
            "amount_at_creation": np.array(
                [first_amount.get(r[0], np.nan) for r in rows], dtype=np.float64
            ),
        }
        for name, key in (
            ("account_industry", "industry"),
            ("account_segment", "segment"),
            ("account_country", "country"),
        ):
            columns[name] = np.array([a[key] if a else None for a in matched], dtype=object)
        columns["account_employees"] = np.array(
            [
                float(a["employees"]) if a and a["employees"] is not None else np.nan
                for a in matched
            ],
            dtype=np.float64,
        )
        rule_score, rule_how = _deal_rules(spec, matched)
        notes = (
            f"{int((is_closed & ~timed).sum())} closed deals without a close time are left "
            "without an outcome",
            "deals still open have no outcome yet",
        )
        return Examples(
            task=task,
            ids=np.array([r[0] for r in rows], dtype=object),
            columns=columns,
            scored_at=created,
            outcome=outcome,
            label_known_at=known_at,
            rule_score=rule_score if rule_score is not None else np.full(len(rows), np.nan),
            rule_how=rule_how,
            notes=notes,
        )


# --- the rules, by the engine ----------------------------------------------------------------


def _account_record(row: Mapping[str, Any]) -> Account:
    revenue = row.get("annual_revenue")
    return Account(
        id=row["id"],
        name=row.get("name") or row["id"],
        domain=row.get("domain"),
        industry=row.get("industry"),
        employees=row.get("employees"),
        annual_revenue=None if revenue is None else Decimal(str(revenue)),
        country=row.get("country"),
        region=row.get("region"),
        segment=row.get("segment"),
        technologies=list(row.get("technologies") or []),
    )


def _has_icp(spec: ArchitectureSpec | None) -> bool:
    return bool(spec is not None and spec.icp is not None and spec.icp.tiers)


def _has_scoring(spec: ArchitectureSpec | None) -> bool:
    scoring = spec.signals.scoring if spec is not None and spec.signals else None
    return bool(scoring and scoring.groups)


_ICP_HOW = "engine IcpModel: a better tier scores higher, the fit score orders within a tier"


def _icp_points(fit: IcpFit, icp: IcpModel) -> float | None:
    """An ICP decision as one number that ranks like the spec: the tier first (the last
    tier reached scores 1, the best ``len(tiers)``; none 0, disqualified -1), then the fit
    score (0-100) as a fraction within it."""
    if fit.score is None:
        return None
    within = fit.score / 100.0
    if fit.disqualified_by is not None:
        return -1.0 + within
    ranks = [tier.id for tier in icp.tiers]
    if fit.tier is None:
        return within
    return float(len(ranks) - ranks.index(fit.tier)) + within


def _lead_rules(
    spec: ArchitectureSpec | None,
    rows: Sequence[tuple[Any, ...]],
    matched: Sequence[Mapping[str, Any] | None],
    touches: Mapping[str, list[tuple[float, str | None, str]]],
    scored: np.ndarray,
) -> tuple[np.ndarray | None, str]:
    """The spec's score of each lead at its scoring moment: the lead score, else ICP fit."""
    if spec is None:
        return None, "no spec given: no rule-based score"
    records: dict[str, Account] = {}

    def account_of(row: Mapping[str, Any] | None) -> Account | None:
        if row is None:
            return None
        if row["id"] not in records:
            records[row["id"]] = _account_record(row)
        return records[row["id"]]

    def lead_of(r: tuple[Any, ...]) -> Lead:
        # Only what was known at the scoring moment: no stored scores, status or outcome.
        return Lead(
            id=r[0],
            email=r[1],
            title=r[2],
            country=r[3],
            channel=r[4],
            lead_source=r[5],
            created_at=_moment(r[6]),
        )

    score: Callable[[tuple[Any, ...], Account | None, float], float | None]
    if _has_scoring(spec):
        assert spec is not None
        scorer = LeadScorer(spec)

        def score(r: tuple[Any, ...], account: Account | None, when: float) -> float | None:
            lead = lead_of(r)
            seen = [
                Touchpoint(occurred_at=_moment(day), touch_type=kind, channel=channel)
                for day, channel, kind in touches.get(r[0], ())
            ]
            derived = lead_derived_fields(lead, account)
            return scorer.score(lead, seen, as_of=_moment(when), derived=derived).total

        how = "the spec's lead score (engine LeadScorer: fit + engagement at the scoring moment)"
    elif _has_icp(spec):
        assert spec is not None
        icp = IcpModel(spec)

        def score(r: tuple[Any, ...], account: Account | None, when: float) -> float | None:
            return _icp_points(icp.fit_lead(lead_of(r), account), icp)

        how = f"the spec's ICP tier of the lead ({_ICP_HOW}; the spec defines no lead score)"
    else:
        return None, "the spec defines neither a lead score nor ICP tiers: no rule-based score"
    values = [
        score(r, account_of(a), float(when))
        for r, a, when in zip(rows, matched, scored, strict=True)
    ]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64), how


def _deal_rules(
    spec: ArchitectureSpec | None, matched: Sequence[Mapping[str, Any] | None]
) -> tuple[np.ndarray | None, str]:
    """The spec's ICP fit of each deal's account (the engine's ``IcpModel``)."""
    if spec is None:
        return None, "no spec given: no rule-based score"
    if not _has_icp(spec):
        return None, "the spec defines no ICP tiers: no rule-based score"
    icp = IcpModel(spec)
    fits: dict[str, float] = {}
    values = []
    for row in matched:
        if row is None:
            values.append(np.nan)
            continue
        if row["id"] not in fits:
            points = _icp_points(icp.fit_account(_account_record(row)), icp)
            fits[row["id"]] = np.nan if points is None else points
        values.append(fits[row["id"]])
    how = f"the spec's ICP tier of the deal's account ({_ICP_HOW})"
    return np.array(values, dtype=np.float64), how
