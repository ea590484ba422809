"""What other systems send in over the API that no other service takes yet: usage readings.

A usage reading is stored as a ``UsageRecord`` (audited, in one transaction) and the
account's health is scored again from it through ``l2o.services.lifecycle``::

    health = record_usage(system, account_id, metric="seats_active", quantity=Decimal(42),
                          occurred_at=now, actor=user_id)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from l2o import domain
from l2o.domain import as_utc
from l2o.services.bootstrap import RevenueSystem
from l2o.services.lifecycle import AccountHealth, score_account_health

__all__ = ["record_usage"]


def record_usage(
    system: RevenueSystem,
    account_id: str,
    *,
    metric: str,
    quantity: Decimal,
    occurred_at: datetime,
    licensed_seats: int | None = None,
    contract_id: str | None = None,
    source_id: str | None = None,
    actor: str | None = None,
) -> AccountHealth:
    """Store one usage reading for ``account_id`` and rescore the account's health.

    ``source_id`` (a webhook's message id) makes a repeated delivery a no-op: a reading
    with the same ``("api", source_id)`` is not stored twice.
    """
    with system.unit_of_work(actor) as uow:
        uow.accounts.get(account_id)
        if contract_id is not None:
            uow.contracts.get(contract_id)
        seen = source_id is not None and uow.usage.find_by_source("api", source_id) is not None
        if not seen:
            uow.usage.add(
                domain.UsageRecord(
                    account_id=account_id,
                    contract_id=contract_id,
                    metric=metric,
                    quantity=quantity,
                    occurred_at=as_utc(occurred_at),
                    licensed_seats=licensed_seats,
                    source_system="api" if source_id else None,
                    source_id=source_id,
                )
            )
        uow.commit()
    return score_account_health(system, account_id, as_of=system.now(), actor=actor)
