"""Reading the facts the proposed architecture is derived from: a few set-based queries.

Every number in :class:`~l2o.assess.proposal.ProposalFacts` is aggregated by the database —
counts grouped by industry, employee band, country, stage, whole days in a stage, whole
discount points, deal-size bucket — so the result is a few hundred rows however many leads
and deals the company has. No record is loaded as an object.

Time differences are computed in the database (``julianday`` on SQLite, ``extract(epoch)``
on PostgreSQL) and counted in whole days rounded down.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from l2o.assess.proposal.facts import (
    DEAL_SIZE_EDGES,
    EMPLOYEE_BANDS,
    DealSizeDiscounts,
    EmployeeBandOutcome,
    Histogram,
    Outcome,
    PipelineFacts,
    ProposalFacts,
    RenewalFacts,
    StageFacts,
)
from l2o.domain import OpportunityType, QuoteStatus
from l2o.store import schema as t

__all__ = ["read_proposal_facts"]

_NO_HISTORY_POSITION = 1e9
"""Where a stage seen only as deals' current stage sorts: after every stage with history."""


def read_proposal_facts(engine: Engine) -> ProposalFacts:
    """The facts of the company in the store at ``engine``, in one read transaction."""
    with engine.connect() as conn:
        reader = _Reader(conn)
        closed, won = reader.outcomes()
        return ProposalFacts(
            currency=reader.currency(),
            closed_deals=closed,
            won_deals=won,
            industries=reader.firmographic(t.accounts.c.industry),
            employee_bands=reader.employee_bands(),
            countries=reader.firmographic(t.accounts.c.country),
            pipelines=reader.pipelines(),
            stages=reader.stages(),
            discounts=reader.discounts(),
            renewals=reader.renewals(),
        )


class _Reader:
    """The queries, sharing one connection and the dialect's time arithmetic."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"

    # --- arithmetic the dialects spell differently ---------------------------------------

    def days(self, later: Any, earlier: Any) -> sa.ColumnElement[Any]:
        """``later - earlier`` in days (timestamps or dates)."""
        if self.sqlite:
            return sa.func.julianday(later) - sa.func.julianday(earlier)
        stamp = sa.DateTime(timezone=True)
        return sa.extract("epoch", sa.cast(later, stamp) - sa.cast(earlier, stamp)) / 86400.0

    def whole(self, value: Any) -> sa.ColumnElement[int]:
        """``value`` rounded down to an integer (for non-negative values)."""
        if self.sqlite:
            return sa.cast(value, sa.Integer)
        return sa.cast(sa.func.floor(value), sa.Integer)

    # --- deals and firmographics -----------------------------------------------------------

    def currency(self) -> str | None:
        o = t.opportunities.c
        query = sa.select(o.currency).group_by(o.currency).order_by(sa.func.count().desc())
        return self.conn.execute(query.limit(1)).scalar()

    def outcomes(self) -> tuple[int, int]:
        o = t.opportunities.c
        row = self.conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_flag(o.is_won)), 0)).where(
                o.is_closed
            )
        ).one()
        return int(row[0]), int(row[1])

    def _closed_new_business(self, key: Any) -> sa.Select[Any]:
        o = t.opportunities.c
        won_amount = sa.case((o.is_won, sa.func.coalesce(o.amount, 0)), else_=0)
        return (
            sa.select(
                key.label("key"),
                sa.func.coalesce(sa.func.sum(_flag(o.is_won)), 0).label("won"),
                sa.func.coalesce(sa.func.sum(_flag(sa.not_(o.is_won))), 0).label("lost"),
                sa.func.coalesce(sa.func.sum(won_amount), 0).label("won_revenue"),
            )
            .select_from(t.opportunities.join(t.accounts, t.accounts.c.id == o.account_id))
            .where(o.is_closed, o.opportunity_type == OpportunityType.NEW_BUSINESS.value)
            .group_by(key)
        )

    def firmographic(self, column: Any) -> tuple[Outcome, ...]:
        rows = self.conn.execute(self._closed_new_business(column).where(column.is_not(None)))
        return tuple(
            Outcome(str(r.key), int(r.won), int(r.lost), float(r.won_revenue)) for r in rows
        )

    def employee_bands(self) -> tuple[EmployeeBandOutcome, ...]:
        employees = t.accounts.c.employees
        whens = []
        for index, (_, up_to) in enumerate(EMPLOYEE_BANDS):
            if up_to is not None:
                whens.append((employees <= up_to, index))
        band = sa.case(*whens, else_=len(EMPLOYEE_BANDS) - 1)
        query = self._closed_new_business(band).where(employees.is_not(None), employees > 0)
        found = {int(r.key): r for r in self.conn.execute(query)}
        return tuple(
            EmployeeBandOutcome(
                above, up_to, int(found[i].won), int(found[i].lost), float(found[i].won_revenue)
            )
            for i, (above, up_to) in enumerate(EMPLOYEE_BANDS)
            if i in found
        )

    # --- pipelines and stages ------------------------------------------------------------

    def pipelines(self) -> tuple[PipelineFacts, ...]:
        o = t.opportunities.c
        rows = self.conn.execute(
            sa.select(
                o.pipeline, o.opportunity_type, sa.func.count(), sa.func.sum(_flag(o.is_closed))
            ).group_by(o.pipeline, o.opportunity_type)
        )
        types: dict[str, dict[str, int]] = defaultdict(dict)
        closed: dict[str, int] = defaultdict(int)
        for pipeline, kind, n, n_closed in rows:
            types[pipeline][str(kind)] = int(n)
            closed[pipeline] += int(n_closed or 0)
        return tuple(PipelineFacts(p, types[p], closed[p]) for p in sorted(types))

    def _stays(self) -> sa.Subquery:
        """Each stage change with the time the deal left that stage (the next change)."""
        sc = t.stage_changes.c
        left_at = sa.func.lead(sc.changed_at).over(
            partition_by=sc.opportunity_id, order_by=(sc.changed_at, sc.id)
        )
        return sa.select(
            sc.opportunity_id, sc.to_stage, sc.changed_at, left_at.label("left_at")
        ).subquery("stays")

    def stages(self) -> tuple[StageFacts, ...]:
        sc, o = t.stage_changes.c, t.opportunities.c
        history = t.stage_changes.join(t.opportunities, o.id == sc.opportunity_id)
        # Stages a spec does not order are ordered by how far into a deal they are entered.
        entered_after = sa.func.avg(self.days(sc.changed_at, o.created_at))
        reached = self.conn.execute(
            sa.select(
                o.pipeline,
                sc.to_stage,
                sa.func.count(sa.distinct(sa.case((o.is_closed, o.id)))),
                sa.func.count(sa.distinct(sa.case((o.is_won, o.id)))),
                entered_after,
            )
            .select_from(history)
            .group_by(o.pipeline, sc.to_stage)
        ).all()
        stays = self._stays()
        v = stays.c
        days = self.whole(self.days(v.left_at, v.changed_at)).label("days")
        durations: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        stay_rows = self.conn.execute(
            sa.select(o.pipeline, v.to_stage, days, sa.func.count())
            .select_from(stays.join(t.opportunities, o.id == v.opportunity_id))
            .where(v.left_at.is_not(None), v.left_at >= v.changed_at)
            .group_by(o.pipeline, v.to_stage, days)
        )
        for pipeline, stage, n_days, n in stay_rows:
            durations[(pipeline, stage)].append((int(n_days), int(n)))
        finals = self._final_stages()
        keys = {(r[0], r[1]) for r in reached} | set(finals)
        by_key = {(r[0], r[1]): r for r in reached}
        facts = []
        for key in sorted(keys):
            row = by_key.get(key)
            final = finals.get(key, (0, 0, 0))
            facts.append(
                StageFacts(
                    pipeline=key[0],
                    stage=key[1],
                    reached=int(row[2]) if row else 0,
                    won=int(row[3]) if row else 0,
                    mean_position=float(row[4] or 0) if row else _NO_HISTORY_POSITION,
                    days_in_stage=Histogram.of(durations.get(key, [])),
                    final_won=final[0],
                    final_lost=final[1],
                    final_open=final[2],
                )
            )
        return tuple(facts)

    def _final_stages(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        o = t.opportunities.c
        rows = self.conn.execute(
            sa.select(
                o.pipeline,
                o.stage,
                sa.func.sum(_flag(o.is_won)),
                sa.func.sum(_flag(sa.and_(o.is_closed, sa.not_(o.is_won)))),
                sa.func.sum(_flag(sa.not_(o.is_closed))),
            ).group_by(o.pipeline, o.stage)
        )
        return {(p, s): (int(w or 0), int(lost or 0), int(op or 0)) for p, s, w, lost, op in rows}

    # --- discounts and renewals ----------------------------------------------------------

    def discounts(self) -> tuple[DealSizeDiscounts, ...]:
        q, o = t.quotes.c, t.opportunities.c
        dead = (QuoteStatus.REJECTED.value, QuoteStatus.EXPIRED.value)
        per_deal = (
            sa.select(q.opportunity_id, sa.func.max(q.max_discount_pct).label("discount"))
            .where(q.opportunity_id.is_not(None), q.status.not_in(dead))
            .group_by(q.opportunity_id)
            .subquery("deal_discounts")
        )
        bucket = sa.case(
            *((o.amount <= edge, index) for index, edge in enumerate(DEAL_SIZE_EDGES)),
            else_=len(DEAL_SIZE_EDGES),
        ).label("bucket")
        points = self.whole(per_deal.c.discount).label("points")
        rows = self.conn.execute(
            sa.select(bucket, points, sa.func.count())
            .select_from(per_deal.join(t.opportunities, o.id == per_deal.c.opportunity_id))
            .where(o.is_won, o.amount.is_not(None), per_deal.c.discount >= 0)
            .group_by(bucket, points)
        )
        counts: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for index, n_points, n in rows:
            counts[int(index)].append((int(n_points), int(n)))
        edges: list[int | None] = [*DEAL_SIZE_EDGES, None]
        return tuple(
            DealSizeDiscounts(edges[index], Histogram.of(counts[index])) for index in sorted(counts)
        )

    def renewals(self) -> RenewalFacts:
        o = t.opportunities.c
        days = self.whole(self.days(o.closed_at, o.created_at)).label("days")
        cycle = self.conn.execute(
            sa.select(days, sa.func.count())
            .where(
                o.opportunity_type == OpportunityType.RENEWAL.value,
                o.is_closed,
                o.closed_at.is_not(None),
                o.closed_at >= o.created_at,
            )
            .group_by(days)
        )
        histogram = Histogram.of((int(d), int(n)) for d, n in cycle)
        new, old = t.contracts.alias("renewal"), t.contracts.alias("renewed")
        # The old term's end date is inclusive: closing on that day is in time.
        in_time = self.days(old.c.end_date, o.closed_at) > -1
        row = self.conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_flag(in_time)), 0))
            .select_from(
                new.join(old, old.c.id == new.c.renewal_of_id).join(
                    t.opportunities, o.id == new.c.opportunity_id
                )
            )
            .where(o.closed_at.is_not(None))
        ).one()
        return RenewalFacts(histogram, int(row[0]), int(row[1]))


def _flag(condition: Any) -> sa.ColumnElement[int]:
    """1 where ``condition`` holds, else 0: for sums that count."""
    return sa.case((condition, 1), else_=0)
