"""Merges of duplicates, support tickets and deal field changes: their small rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from l2o.domain import (
    Account,
    Contact,
    Lead,
    Merge,
    OpportunityFieldChange,
    SupportTicket,
    TicketStatus,
    merge_records,
)

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_a_merge_snapshots_the_loser_then_points_it_at_the_master() -> None:
    master = Account(name="Acme")
    loser = Account(name="ACME Inc", annual_revenue=Decimal("1200.50"), technologies=["hubspot"])
    merge = merge_records(
        master, loser, rule="splink", at=T0, by="u1", match_probability=0.97,
        reparented={"contacts": ("c1", "c2")},
    )  # fmt: skip
    assert loser.merged_into_id == master.id
    assert master.merged_into_id is None
    assert (merge.record_type, merge.master_id, merge.merged_id) == ("Account", master.id, loser.id)
    assert merge.merged_snapshot["name"] == "ACME Inc"
    assert merge.merged_snapshot["annual_revenue"] == "1200.50"  # money keeps every digit
    assert merge.merged_snapshot["merged_into_id"] is None  # as it was before the merge
    assert merge.reparented == {"contacts": ["c1", "c2"]}
    merge.note_reparented("contacts", ["c2", "c3"])
    merge.note_reparented("opportunities", ["o1"])
    assert merge.reparented == {"contacts": ["c1", "c2", "c3"], "opportunities": ["o1"]}
    assert not merge.is_undone


def test_only_two_free_records_of_one_kind_merge() -> None:
    lead, other = Lead(email="a@b.io"), Lead(email="a@b.io")
    with pytest.raises(ValueError, match="only two accounts, contacts or leads"):
        merge_records(Contact(last_name="A"), lead, rule="manual", at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="into itself"):
        merge_records(lead, lead, rule="manual", at=T0)
    merge_records(lead, other, rule="exact:email", at=T0)
    with pytest.raises(ValueError, match="already merged"):
        merge_records(Lead(), other, rule="exact:email", at=T0)
    with pytest.raises(ValueError, match="already merged"):
        merge_records(other, Lead(), rule="exact:email", at=T0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        merge_records(Lead(), Lead(), rule="splink", at=T0, match_probability=97.0)
    with pytest.raises(ValueError, match="which rule"):
        Merge(record_type="Lead", master_id="a", merged_id="b", rule="")


def test_a_merge_is_undone_once_and_only_with_its_own_loser() -> None:
    master, loser = Contact(last_name="Berg"), Contact(last_name="Berg")
    merge = merge_records(master, loser, rule="exact:email", at=T0)
    with pytest.raises(ValueError, match="not Contact"):
        merge.undo(Contact(last_name="X"), at=T0)
    merge.undo(loser, at=T0 + timedelta(days=1), by="u2")
    assert loser.merged_into_id is None
    assert (merge.is_undone, merge.undone_at, merge.undone_by) == (
        True,
        T0 + timedelta(days=1),
        "u2",
    )
    with pytest.raises(ValueError, match="already undone"):
        merge.undo(loser, at=T0)


def test_undo_refuses_a_loser_that_points_elsewhere() -> None:
    master, loser = Account(name="A"), Account(name="B")
    merge = merge_records(master, loser, rule="manual", at=T0)
    loser.merged_into_id = "someone-else"
    with pytest.raises(ValueError, match="not at the master"):
        merge.undo(loser, at=T0)


def test_a_ticket_closes_once_with_a_rating_from_1_to_5() -> None:
    ticket = SupportTicket(account_id="a", created_at=T0, priority="high", category="bug")
    assert ticket.is_open
    assert ticket.time_to_close() is None
    with pytest.raises(ValueError, match="1-5"):
        ticket.close(T0, satisfaction=6)
    assert ticket.is_open
    ticket.close(T0 + timedelta(hours=4), satisfaction=5)
    assert (ticket.status, ticket.satisfaction) == (TicketStatus.CLOSED, 5)
    assert ticket.time_to_close() == timedelta(hours=4)
    with pytest.raises(ValueError, match="already closed"):
        ticket.close(T0)


@pytest.mark.parametrize("rating", [0, 6, True, 4.5])
def test_a_ticket_refuses_a_rating_outside_1_to_5(rating: object) -> None:
    with pytest.raises(ValueError, match="whole number 1-5"):
        SupportTicket(account_id="a", satisfaction=rating)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "old", "new", "days"),
    [
        ("close_date", "2025-03-31", "2025-04-30", 30),
        ("close_date", "2025-04-30", "2025-03-31", -30),
        ("close_date", None, "2025-03-31", None),
        ("close_date", "soon", "2025-03-31", None),
        ("amount", "2025-03-31", "2025-04-30", None),
    ],
)
def test_a_close_date_change_says_how_far_it_slipped(
    field: str, old: str | None, new: str | None, days: int | None
) -> None:
    change = OpportunityFieldChange(
        opportunity_id="o", field=field, old_value=old, new_value=new, changed_at=T0
    )
    assert change.close_date_slip_days() == days
