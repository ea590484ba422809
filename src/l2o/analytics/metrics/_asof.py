"""The store as it stood on a past day, rebuilt from timestamps and stage history.

A deal is known on the as-of day when it was created before the cutoff (the midnight after
the as-of day); it is closed then only if it closed before the cutoff, otherwise it was
open, in the stage its last stage change before the cutoff entered, with the amount and
expected close date recorded then (a later close-date edit before the cutoff wins). Leads
count their MQL, SQL, first touch and conversion only when stamped before the cutoff.
Nothing recorded after the as-of day is used, so a metric as of a past day is what it
would have shown on that day.
"""

from __future__ import annotations

from datetime import datetime

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from l2o.analytics.metrics._tables import RevenueTables, instant

__all__ = ["NONE", "deal_facts", "deal_state", "lead_facts", "stage_entries"]

NONE = "(none)"
"""The group of records whose segment, owner or source is blank."""

NEW_BUSINESS = "new_business"
EXPANSION = "expansion"


def deal_facts(tables: RevenueTables, cutoff: datetime) -> ir.Table:
    """Every deal created before ``cutoff`` with its outcome as known then.

    Columns: ``id``, ``segment`` (its account's), ``owner``, ``source`` (lead source),
    ``deal_type``, ``created_at``, ``closed_at`` (null while open at the cutoff), ``closed``,
    ``won``, ``amount`` (float; the deal's recorded amount).
    """
    o = tables.opportunities
    a = tables.accounts
    known = o.filter(o.created_at < instant(o.created_at, cutoff))
    closed = known.closed_at.notnull() & (known.closed_at < instant(known.closed_at, cutoff))
    joined = known.left_join(a, known.account_id == a.id)
    return joined.select(
        id=known.id,
        segment=a.segment.fill_null(NONE),
        owner=known.owner_id.fill_null(NONE),
        source=known.lead_source.fill_null(NONE),
        deal_type=known.opportunity_type,
        created_at=known.created_at,
        closed_at=closed.ifelse(known.closed_at, ibis.null(known.closed_at.type())),
        closed=closed,
        won=closed & known.is_won,
        amount=known.amount.cast("float64"),
    )


def stage_entries(tables: RevenueTables, cutoff: datetime) -> ir.Table:
    """Each stage each deal entered before ``cutoff``, with the first time it entered it.

    Columns: ``opportunity_id``, ``stage``, ``entered_at``.
    """
    sc = tables.stage_changes
    known = sc.filter(sc.changed_at < instant(sc.changed_at, cutoff))
    return known.group_by(opportunity_id=known.opportunity_id, stage=known.to_stage).aggregate(
        entered_at=known.changed_at.min()
    )


def deal_state(tables: RevenueTables, cutoff: datetime) -> ir.Table:
    """Per deal with stage history before ``cutoff``: its stage, amount and expected close
    date then. Columns: ``opportunity_id``, ``stage``, ``stage_amount``, ``expected_close``.
    """
    sc = tables.stage_changes
    moves = sc.filter(sc.changed_at < instant(sc.changed_at, cutoff))
    latest = ibis.window(group_by=moves.opportunity_id, order_by=ibis.desc(moves.changed_at))
    last = moves.mutate(rank=ibis.row_number().over(latest)).filter(lambda t: t["rank"] == 0)
    fc = tables.opportunity_field_changes
    edits = fc.filter((fc.field == "close_date") & (fc.changed_at < instant(fc.changed_at, cutoff)))
    newest = ibis.window(group_by=edits.opportunity_id, order_by=ibis.desc(edits.changed_at))
    edit = edits.mutate(rank=ibis.row_number().over(newest)).filter(lambda t: t["rank"] == 0)
    joined = last.left_join(edit, last.opportunity_id == edit.opportunity_id)
    edited_later = edit.changed_at.notnull() & (edit.changed_at >= last.changed_at)
    return joined.select(
        opportunity_id=last.opportunity_id,
        stage=last.to_stage,
        stage_amount=last.amount.cast("float64"),
        expected_close=edited_later.ifelse(edit.new_value.cast("date"), last.close_date),
    )


def lead_facts(tables: RevenueTables, cutoff: datetime) -> ir.Table:
    """Every lead created before ``cutoff`` (merged duplicates left out) and how far it had
    gone by then.

    Columns: ``id``, ``segment``, ``owner``, ``source``, ``created_at``, ``mql``, ``sql``,
    ``converted`` (booleans as of the cutoff), ``touch_seconds`` (created to first touch;
    null when not touched before the cutoff), ``opportunity_id`` (the deal it converted
    into, when converted before the cutoff). A lead's segment is its converted account's,
    else that of the account named like its company, else its owner's territory's.
    """
    le = tables.leads
    a = tables.accounts
    u = tables.users
    te = tables.territories

    def before(column: ir.Value) -> ir.BooleanValue:
        return column.notnull() & (column < instant(column, cutoff))

    known = le.filter(le.merged_into_id.isnull() & (le.created_at < instant(le.created_at, cutoff)))
    # One row per account name, so a name shared by duplicates cannot multiply leads.
    named = (
        a.filter(a.segment.notnull())
        .group_by(company=a.name)
        .aggregate(named_segment=a.segment.min())
    )
    joined = (
        known.left_join(a, known.converted_account_id == a.id)
        .left_join(named, known.company == named.company)
        .left_join(u, known.owner_id == u.id)
        .left_join(te, u.territory_id == te.id)
    )
    touched = before(known.first_touch_at)
    converted = before(known.converted_at)
    return joined.select(
        id=known.id,
        segment=ibis.coalesce(a.segment, named.named_segment, te.segment, ibis.literal(NONE)),
        owner=known.owner_id.fill_null(NONE),
        source=known.lead_source.fill_null(NONE),
        created_at=known.created_at,
        mql=before(known.mql_at),
        sql=before(known.sql_at),
        converted=converted,
        touch_seconds=touched.ifelse(
            known.first_touch_at.epoch_seconds() - known.created_at.epoch_seconds(),
            ibis.null("int64"),
        ),
        opportunity_id=converted.ifelse(known.converted_opportunity_id, ibis.null("string")),
    )
