"""Reading the assessment's evidence facts from the store, set-based.

Every fact is an aggregate or a column array selected with SQLAlchemy Core (no record is
loaded as an object), so a company with a million leads is read in seconds on SQLite:
counts come back as one row, medians and distributions as one numeric column, and the
per-deal facts as a handful of columns per opportunity. The pure metric functions in
:mod:`l2o.assess.evidence` take it from there.

Time differences are computed by the database (``julianday`` on SQLite, ``extract(epoch)``
on PostgreSQL), so no timestamp is parsed in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from l2o.assess.evidence import (
    MODEL_FIELDS,
    PICKLIST_FIELDS,
    AccountFacts,
    DataQualityFacts,
    DealFacts,
    EvidenceFacts,
    LeadFacts,
    QuoteFacts,
    RenewalFacts,
    StageFacts,
)
from l2o.store import schema as t

__all__ = ["read_evidence_facts"]

_PROGRESSED = ("mql", "sal", "sql", "converted")
_LEAD_GRACE_DAYS = 7
"""Leads younger than this at the as-of day are not yet counted for speed to lead."""
_QUARTER_END_DAYS = 14


def read_evidence_facts(engine: Engine) -> EvidenceFacts:
    """Everything the evidence metrics, data quality and cost of the gap need, from the store."""
    with engine.connect() as conn:
        as_of = _as_of(conn)
        if as_of is None:
            return EvidenceFacts()
        reader = _Reader(conn, as_of)
        deals = reader.deals()
        return EvidenceFacts(
            as_of=as_of.date(),
            years=reader.years(),
            currency=reader.currency(),
            leads=reader.leads(),
            accounts=reader.accounts(),
            deals=deals,
            stages=reader.stages(),
            quotes=reader.quotes(),
            renewals=reader.renewals(),
            data_quality=reader.data_quality(),
        )


def _as_of(conn: Connection) -> datetime | None:
    """The day the data runs to: its latest lead, deal, stage change or close."""
    latest = [
        conn.execute(sa.select(sa.func.max(column))).scalar()
        for column in (
            t.leads.c.created_at,
            t.opportunities.c.created_at,
            t.opportunities.c.closed_at,
            t.stage_changes.c.changed_at,
        )
    ]
    found = [_aware(x) for x in latest if x is not None]
    return max(found) if found else None


def _aware(value: Any) -> datetime:
    # SQLite aggregates bypass the column type: the value may come back as text.
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _Reader:
    """The queries, on one connection, for one as-of moment."""

    def __init__(self, conn: Connection, as_of: datetime) -> None:
        self.conn = conn
        self.as_of = as_of
        self.sqlite = conn.dialect.name == "sqlite"
        o = t.opportunities.c
        self.main_pipeline: str | None = conn.execute(
            sa.select(o.pipeline).group_by(o.pipeline).order_by(sa.func.count().desc()).limit(1)
        ).scalar()

    # --- time arithmetic in the database -------------------------------------------------

    def days(self, later: Any, earlier: Any) -> Any:
        """``later - earlier`` in days (timestamps or dates)."""
        if self.sqlite:
            return sa.func.julianday(later) - sa.func.julianday(earlier)
        stamp = sa.DateTime(timezone=True)
        return sa.extract("epoch", sa.cast(later, stamp) - sa.cast(earlier, stamp)) / 86400.0

    def moment(self, value: datetime | date) -> Any:
        """A bound literal for ``value`` comparable with stored timestamps and dates."""
        if self.sqlite:
            if isinstance(value, datetime):
                return sa.literal(value.astimezone(UTC).replace(tzinfo=None).isoformat(" "))
            return sa.literal(value.isoformat())
        kind = sa.DateTime(timezone=True) if isinstance(value, datetime) else sa.Date()
        return sa.literal(value, kind)

    def floats(self, query: Any) -> np.ndarray:
        """The one numeric column ``query`` selects, ``NaN`` for nulls."""
        values = self.conn.execute(query).scalars().all()
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    def table(self, query: Any, columns: int) -> np.ndarray:
        """The numeric columns ``query`` selects as a 2-D array, ``NaN`` for nulls."""
        # Plain tuples: NumPy probes a Row by key per cell (an exception each), ten times slower.
        rows = [tuple(row) for row in self.conn.execute(query)]
        if not rows:
            return np.zeros((0, columns), dtype=np.float64)
        return np.array(rows, dtype=np.float64).reshape(len(rows), columns)

    def rows(self, query: Any) -> list[Any]:
        return list(self.conn.execute(query))

    # --- the span and currency -------------------------------------------------------------

    def years(self) -> float:
        first = self.conn.execute(sa.select(sa.func.min(t.opportunities.c.created_at))).scalar()
        if first is None:
            return 0.0
        return max((self.as_of - _aware(first)).days / 365.25, 0.0)

    def currency(self) -> str:
        row = self.conn.execute(
            sa.select(t.opportunities.c.currency, sa.func.count())
            .group_by(t.opportunities.c.currency)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).first()
        return str(row[0]) if row else "USD"

    # --- leads -----------------------------------------------------------------------------

    def leads(self) -> LeadFacts:
        leads = t.leads.c
        live = leads.merged_into_id.is_(None)
        progressed = leads.status.in_(_PROGRESSED)
        counts = self.conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.count(sa.func.nullif(leads.lead_source, "")),
                sa.func.sum(sa.case((progressed, 1), else_=0)),
                sa.func.sum(sa.case((progressed & leads.mql_at.is_not(None), 1), else_=0)),
            ).where(live)
        ).one()
        mature = live & (leads.created_at <= self.moment(self.as_of - timedelta(_LEAD_GRACE_DAYS)))
        timing = self.table(
            sa.select(
                self.days(leads.first_touch_at, leads.created_at) * 24,
                self.days(leads.routed_at, leads.created_at) * 24,
            ).where(mature),
            columns=2,
        )
        speed, routing = timing[:, 0], timing[:, 1]
        converted = sa.case((leads.converted_at.is_not(None), 1), else_=0)
        score = sa.func.round(leads.engagement_score)
        histogram: dict[int, tuple[int, int]] = {}
        for value, n, k in self.rows(
            sa.select(score, sa.func.count(), sa.func.sum(converted))
            .where(live & leads.engagement_score.is_not(None))
            .group_by(score)
        ):
            histogram[int(value)] = (int(n), int(k or 0))
        return LeadFacts(
            total=int(counts[0]),
            with_source=int(counts[1]),
            progressed=int(counts[2] or 0),
            progressed_stamped=int(counts[3] or 0),
            speed_to_lead_hours=np.nan_to_num(speed, nan=np.inf),
            routing_hours=np.nan_to_num(routing, nan=np.inf),
            score_histogram=histogram,
        )

    # --- accounts --------------------------------------------------------------------------

    def accounts(self) -> AccountFacts:
        a = t.accounts.c
        live = a.merged_into_id.is_(None)
        tiered = sa.func.coalesce(a.tier, "") != ""
        complete = (
            tiered
            & (sa.func.coalesce(a.segment, "") != "")
            & (sa.func.coalesce(a.industry, "") != "")
            & a.employees.is_not(None)
            & a.annual_revenue.is_not(None)
        )
        counts = self.conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.sum(sa.case((tiered, 1), else_=0)),
                sa.func.sum(sa.case((complete, 1), else_=0)),
            ).where(live)
        ).one()
        customer = self._active_contract_exists(self.as_of.date())
        customers = self.conn.execute(
            sa.select(sa.func.count(), sa.func.count(a.health_score)).where(live & customer)
        ).one()
        return AccountFacts(
            total=int(counts[0]),
            with_tier=int(counts[1] or 0),
            with_icp_fields=int(counts[2] or 0),
            active_customers=int(customers[0]),
            customers_with_health=int(customers[1]),
        )

    def _active_contract_exists(self, day: date) -> sa.ColumnElement[bool]:
        c = t.contracts.c
        on = self.moment(day)
        return sa.exists().where(
            (c.account_id == t.accounts.c.id) & (c.start_date <= on) & (c.end_date >= on)
        )

    # --- deals -----------------------------------------------------------------------------

    def deals(self) -> DealFacts:
        o, f = t.opportunities.c, t.opportunity_field_changes.c
        existing = _existing_customer_deal(self.main_pipeline)
        pushed = sa.exists().where(
            (f.opportunity_id == o.id) & (f.field == "close_date") & (f.new_value > f.old_value)
        )
        history = sa.exists().where(t.stage_changes.c.opportunity_id == o.id)
        lines = sa.exists().where(
            (t.quotes.c.opportunity_id == o.id) & (t.quote_lines.c.quote_id == t.quotes.c.id)
        )
        query = (
            sa.select(
                o.amount,
                o.is_closed,
                o.is_won,
                self.days(self.moment(self.as_of), o.closed_at),
                existing,
                o.opportunity_type,
                t.accounts.c.tier,
                t.users.c.role,
                sa.func.coalesce(o.loss_reason, "") != "",
                pushed,
                history,
                lines,
            )
            .select_from(t.opportunities)
            .outerjoin(t.accounts, t.accounts.c.id == o.account_id)
            .outerjoin(t.users, t.users.c.id == o.owner_id)
        )
        rows = self.rows(query)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 12
        changes = self.conn.execute(
            sa.select(sa.func.count()).where(f.field == "close_date")
        ).scalar()

        def flags(i: int) -> np.ndarray:
            return np.array([bool(v) for v in columns[i]], dtype=bool)

        def objects(values: Iterable[Any]) -> np.ndarray:
            return np.array([_text(v) for v in values] or [], dtype=object)

        return DealFacts(
            amount=np.array([float(v or 0) for v in columns[0]], dtype=np.float64),
            is_closed=flags(1),
            is_won=flags(2),
            closed_days_ago=np.array(
                [np.nan if v is None else float(v) for v in columns[3]], dtype=np.float64
            ),
            kind=np.array(["existing" if v else "new" for v in columns[4]], dtype=object),
            recorded_type=objects(columns[5]),
            tier=objects(columns[6]),
            owner_role=objects(columns[7]),
            has_loss_reason=flags(8),
            close_date_pushed=flags(9),
            has_stage_history=flags(10),
            has_line_items=flags(11),
            close_date_changes=int(changes or 0),
        )

    # --- stage history ---------------------------------------------------------------------

    def stages(self) -> StageFacts:
        s, o = t.stage_changes.c, t.opportunities.c
        # Renewals and expansions walk their own short pipeline: only first sales count.
        first_sale = t.stage_changes.c.opportunity_id.not_in(
            sa.select(o.id).where(_existing_customer_deal(self.main_pipeline))
        )
        transitions: dict[tuple[str | None, str, bool | None], int] = {}
        for from_stage, to_stage, met, n in self.rows(
            sa.select(s.from_stage, s.to_stage, s.criteria_met, sa.func.count())
            .where(first_sale)
            .group_by(s.from_stage, s.to_stage, s.criteria_met)
        ):
            key = (from_stage or None, str(to_stage), None if met is None else bool(met))
            transitions[key] = transitions.get(key, 0) + int(n)
        if not transitions:
            return StageFacts()
        won = {
            str(v)
            for v in self.conn.execute(sa.select(o.stage).where(o.is_won).distinct()).scalars()
        }
        lost = {
            str(v)
            for v in self.conn.execute(
                sa.select(o.stage).where(o.is_closed & ~o.is_won).distinct()
            ).scalars()
        }
        order = (s.changed_at, s.id)
        position = sa.func.row_number().over(partition_by=s.opportunity_id, order_by=order)
        following = sa.func.lead(s.changed_at).over(partition_by=s.opportunity_id, order_by=order)
        stays = (
            sa.select(
                s.to_stage.label("stage"),
                position.label("position"),
                s.changed_at.label("entered"),
                following.label("left"),
            )
            .where(first_sale)
            .subquery()
        )
        left = sa.func.coalesce(stays.c.left, self.moment(self.as_of))
        rows = self.rows(
            sa.select(stays.c.stage, stays.c.position, self.days(left, stays.c.entered))
        )
        stage = np.array([str(r[0]) for r in rows], dtype=object)
        numbers = np.array([(r[1], r[2]) for r in rows], dtype=np.float64).reshape(len(rows), 2)
        # Open stages in the order deals reach them: by their mean place in a deal's history.
        mean_place = {name: float(numbers[stage == name, 0].mean()) for name in set(stage)}
        open_stages = tuple(
            name
            for name in sorted(mean_place, key=mean_place.__getitem__)
            if name not in won | lost
        )
        is_open = np.isin(stage, open_stages)
        return StageFacts(
            transitions=transitions,
            open_stages=open_stages,
            won_stages=frozenset(won),
            visit_stage=stage[is_open],
            visit_days=np.nan_to_num(numbers[is_open, 1]),
        )

    # --- quotes ----------------------------------------------------------------------------

    def quotes(self) -> QuoteFacts:
        q, o, ap = t.quotes.c, t.opportunities.c, t.approvals.c
        # A set the database builds once (a correlated EXISTS let SQLite scan every approved
        # approval per quote through the status index: minutes on a million-lead store).
        approved = q.id.in_(sa.select(ap.quote_id).where(ap.status == "approved"))
        rows = self.rows(
            sa.select(
                q.max_discount_pct,
                q.list_total,
                t.accounts.c.segment,
                o.close_date,
                approved,
                o.is_won,
                self.days(self.moment(self.as_of), o.closed_at),
            )
            .select_from(t.quotes)
            .join(t.opportunities, t.opportunities.c.id == q.opportunity_id)
            .outerjoin(t.accounts, t.accounts.c.id == o.account_id)
        )
        ql, pb = t.quote_lines.c, t.price_book_entries.c
        on_book = sa.exists().where(
            (pb.product_id == ql.product_id) & (pb.list_price == ql.list_price)
        )
        lines = self.conn.execute(
            sa.select(sa.func.count(), sa.func.sum(sa.case((on_book, 1), else_=0))).select_from(
                t.quote_lines
            )
        ).one()
        return QuoteFacts(
            discount=np.array([float(r[0] or 0) / 100 for r in rows], dtype=np.float64),
            list_total=np.array([float(r[1] or 0) for r in rows], dtype=np.float64),
            segment=np.array([_text(r[2]) for r in rows], dtype=object),
            quarter_end=np.array([_quarter_end(r[3]) for r in rows], dtype=bool),
            approved=np.array([bool(r[4]) for r in rows], dtype=bool),
            won=np.array([bool(r[5]) for r in rows], dtype=bool),
            closed_days_ago=np.array(
                [np.nan if r[6] is None else float(r[6]) for r in rows], dtype=np.float64
            ),
            lines=int(lines[0] or 0),
            lines_on_book=int(lines[1] or 0),
        )

    # --- renewals and retention ------------------------------------------------------------

    def renewals(self) -> RenewalFacts:
        c, o = t.contracts.c, t.opportunities.c
        prev = t.contracts.alias("renewed")
        rows = self.rows(
            sa.select(
                self.days(o.closed_at, prev.c.end_date) - 1,
                self.days(prev.c.end_date, o.created_at),
            )
            .select_from(t.contracts)
            .join(prev, prev.c.id == c.renewal_of_id)
            .join(t.opportunities, t.opportunities.c.id == c.opportunity_id)
            .where(o.closed_at.is_not(None))
        )
        day = self.as_of.date()
        then, now = self._retained_arr(day - timedelta(days=365), day)
        accounts = sorted(then)
        return RenewalFacts(
            renewal_days_late=np.array([float(r[0]) for r in rows], dtype=np.float64),
            renewal_lead_days=np.array([float(r[1]) for r in rows], dtype=np.float64),
            arr_then=np.array([then[a] for a in accounts], dtype=np.float64),
            arr_now=np.array([now.get(a, 0.0) for a in accounts], dtype=np.float64),
        )

    def _retained_arr(
        self, then_day: date, now_day: date
    ) -> tuple[dict[str, float], dict[str, float]]:
        """ARR per account on ``then_day``, and on ``now_day`` from those same subscriptions:
        the terms then, their renewals and the expansions of either (new logos excluded)."""
        c = t.contracts.c

        def active(day: date) -> Any:
            on = self.moment(day)
            return (c.start_date <= on) & (c.end_date >= on) & (c.status != "cancelled")

        base = sa.select(c.id).where(active(then_day))
        renewed = sa.select(c.id).where(c.renewal_of_id.in_(base))
        descends = (
            c.id.in_(base)
            | c.renewal_of_id.in_(base)
            | c.parent_contract_id.in_(base)
            | c.parent_contract_id.in_(renewed)
        )

        def arr(where: Any) -> dict[str, float]:
            rows = self.rows(
                sa.select(c.account_id, sa.func.sum(c.arr)).where(where).group_by(c.account_id)
            )
            return {str(a): float(v or 0) for a, v in rows if v}

        return arr(active(then_day)), arr(active(now_day) & descends)

    # --- data quality ----------------------------------------------------------------------

    def data_quality(self) -> DataQualityFacts:
        needed = filled = 0
        tables = {"leads": t.leads, "accounts": t.accounts, "opportunities": t.opportunities}
        for name, fields in MODEL_FIELDS.items():
            table = tables[name]
            live = table.c.merged_into_id.is_(None) if "merged_into_id" in table.c else sa.true()
            present = [
                sa.func.count(
                    sa.func.nullif(table.c[f], "")
                    if isinstance(table.c[f].type, sa.String)
                    else table.c[f]
                )
                for f in fields
            ]
            row = self.conn.execute(sa.select(sa.func.count(), *present).where(live)).one()
            needed += int(row[0]) * len(fields)
            filled += sum(int(v or 0) for v in row[1:])
        records = duplicates = 0
        for table, key in ((t.leads, "email"), (t.contacts, "email"), (t.accounts, "domain")):
            merged = sa.case((table.c.merged_into_id.is_not(None), 1), else_=0)
            live_key = sa.case(
                (table.c.merged_into_id.is_(None), sa.func.lower(sa.func.nullif(table.c[key], ""))),
                else_=None,
            )
            row = self.conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.sum(merged),
                    sa.func.count(live_key),
                    sa.func.count(sa.distinct(live_key)),
                ).select_from(table)
            ).one()
            records += int(row[0])
            duplicates += int(row[1] or 0) + int(row[2]) - int(row[3])
        values: dict[str, Mapping[str, int]] = {}
        for qualified in PICKLIST_FIELDS:
            name, column = qualified.split(".")
            col = tables[name].c[column]
            counts = self.rows(
                sa.select(col, sa.func.count()).where(sa.func.coalesce(col, "") != "").group_by(col)
            )
            values[qualified] = {str(v): int(n) for v, n in counts}
        return DataQualityFacts(
            fields_needed=needed,
            fields_filled=filled,
            records=records,
            duplicates=duplicates,
            picklist_values=values,
        )


def _existing_customer_deal(main_pipeline: str | None) -> sa.ColumnElement[bool]:
    """A deal with an existing customer: it runs outside the pipeline most deals run in (a
    renewals pipeline), or it booked a contract that renews or extends another."""
    c, o = t.contracts.c, t.opportunities.c
    booked = sa.exists().where(
        (c.opportunity_id == o.id)
        & (c.renewal_of_id.is_not(None) | c.parent_contract_id.is_not(None))
    )
    return booked if main_pipeline is None else booked | (o.pipeline != main_pipeline)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(getattr(value, "value", value))
    return text or None


def _quarter_end(value: Any) -> bool:
    """Whether a close date falls in the last 14 days of its calendar quarter."""
    if value is None:
        return False
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    next_quarter_month = (day.month - 1) // 3 * 3 + 4
    year = day.year + (next_quarter_month > 12)
    first = date(year, (next_quarter_month - 1) % 12 + 1, 1)
    return (first - day).days <= _QUARTER_END_DAYS
