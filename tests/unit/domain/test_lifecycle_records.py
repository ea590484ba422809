"""Approvals, contracts, tasks, outbox messages and import batches: their small rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from l2o.domain import (
    Approval,
    ApprovalStatus,
    Contract,
    ContractStatus,
    ImportBatch,
    ImportStatus,
    OutboxMessage,
    OutboxStatus,
    Task,
    TaskStatus,
)

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_an_approval_is_decided_once_and_not_after_it_expires() -> None:
    approval = Approval(quote_id="q", approver_role="vp_sales", expires_at=T0 + timedelta(days=2))
    approval.approve(by="u9", at=T0, note="strategic logo")
    assert (approval.status, approval.approver_id, approval.decided_at) == (
        ApprovalStatus.APPROVED,
        "u9",
        T0,
    )
    with pytest.raises(ValueError, match="already approved"):
        approval.reject(by="u9", at=T0, note="changed my mind")

    late = Approval(quote_id="q", approver_role="cfo", expires_at=T0)
    with pytest.raises(ValueError, match="expired"):
        late.approve(by="u1", at=T0 + timedelta(seconds=1))
    assert not late.expire_if_due(T0 - timedelta(seconds=1))
    assert late.expire_if_due(T0)
    assert late.status == ApprovalStatus.EXPIRED


def test_a_rejection_says_why() -> None:
    with pytest.raises(ValueError, match="note"):
        Approval(quote_id="q", approver_role="cfo").reject(by="u1", at=T0, note="")


def test_contract_dates_and_derived_mrr() -> None:
    contract = Contract(
        account_id="a", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), arr=Decimal(1000)
    )
    assert contract.mrr == Decimal("83.33")
    assert contract.is_active_on(date(2025, 12, 31))
    assert not contract.is_active_on(date(2026, 1, 1))
    contract.status = ContractStatus.CANCELLED
    assert not contract.is_active_on(date(2025, 6, 1))
    with pytest.raises(ValueError, match="before it starts"):
        Contract(account_id="a", start_date=date(2025, 2, 1), end_date=date(2025, 1, 1), arr=1)


def test_task_completion_and_overdue() -> None:
    task = Task(subject="Send proposal", due_date=date(2025, 3, 5))
    assert not task.is_overdue(date(2025, 3, 5))
    assert task.is_overdue(date(2025, 3, 6))
    task.complete(T0)
    assert (task.status, task.completed_at) == (TaskStatus.COMPLETED, T0)
    assert not task.is_overdue(date(2025, 3, 6))
    with pytest.raises(ValueError, match="already"):
        task.complete(T0)


def test_outbox_retries_back_off_then_give_up() -> None:
    message = OutboxMessage(event_type="X")
    assert message.is_due(T0)
    message.mark_failed("HTTP 500", T0)
    assert message.next_attempt_at == T0 + timedelta(seconds=30)
    assert not message.is_due(T0 + timedelta(seconds=29))
    assert message.is_due(T0 + timedelta(seconds=30))
    message.mark_failed("HTTP 500", T0)
    assert message.next_attempt_at == T0 + timedelta(seconds=60)
    for _ in range(OutboxMessage.MAX_ATTEMPTS - 2):
        message.mark_failed("timeout", T0)
    assert (message.status, message.attempts, message.last_error) == (
        OutboxStatus.DEAD,
        OutboxMessage.MAX_ATTEMPTS,
        "timeout",
    )
    assert not message.is_due(T0 + timedelta(days=365))


def test_outbox_delivery() -> None:
    message = OutboxMessage(event_type="X")
    message.mark_failed("boom", T0)
    message.mark_delivered(T0 + timedelta(minutes=1))
    assert (message.status, message.attempts, message.last_error) == (
        OutboxStatus.DELIVERED,
        2,
        None,
    )


def test_an_import_batch_finishes_only_when_its_counts_add_up() -> None:
    batch = ImportBatch(source_system="hubspot", rows_read=10, rows_inserted=6, rows_updated=1)
    batch.rows_quarantined = 2
    assert not batch.counts_add_up
    with pytest.raises(ValueError, match="10 rows read"):
        batch.finish(T0)
    batch.rows_unchanged = 1
    batch.finish(T0)
    assert (batch.status, batch.finished_at) == (ImportStatus.COMPLETED, T0)
    failed = ImportBatch(source_system="csv", rows_read=3)
    failed.finish(T0, error="file truncated")
    assert (failed.status, failed.error) == (ImportStatus.FAILED, "file truncated")
