"""Stage history as CRMs export it: a stage per row, the previous stage left implicit.

Salesforce's ``OpportunityHistory`` and HubSpot's deal stage property history give, for
each change, the stage a deal moved *to* and when. ``stage_history`` reads such rows (one
file's worth: a history file is read whole to order it) and fills each row's
``from_stage`` with the same deal's previous stage, so the store's stage history is
complete. A row whose stage did not change is still a row of the file and is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from l2o.ingest.problems import Rejection
from l2o.ingest.sources.base import NeutralRow

__all__ = ["stage_history"]


def stage_history(rows: Iterable[NeutralRow | Rejection]) -> Iterator[NeutralRow | Rejection]:
    """``rows`` (with ``opportunity_id``, ``to_stage``, ``changed_at``) with ``from_stage`` set,
    in file order."""
    materialised = list(rows)
    neutral = [row for row in materialised if isinstance(row, NeutralRow)]
    ordered = sorted(
        neutral,
        key=lambda r: (r.values.get("opportunity_id") or "", r.values.get("changed_at") or ""),
    )
    previous: dict[int, str | None] = {}
    last_deal, last_stage = None, None
    for row in ordered:
        deal = row.values.get("opportunity_id")
        previous[id(row)] = last_stage if deal == last_deal else None
        last_deal, last_stage = deal, row.values.get("to_stage")
    for item in materialised:
        if isinstance(item, NeutralRow) and "from_stage" not in item.values:
            values = {**item.values, "from_stage": previous.get(id(item))}
            item = NeutralRow(item.row_number, values, item.raw)
        yield item
