"""The compact facts the evidence metrics are computed from, as read from a company's data.

The services read these from the store with set-based queries (aggregates and a few column
arrays, never one record at a time); the metric functions in this package turn them into
:class:`~l2o.assess.MetricValue` without any I/O, so they are tested on hand-made facts.

Arrays are NumPy arrays of one element per record (or per event); durations are in hours or
days as their names say, ``NaN`` where the data does not hold the value. A part the data
cannot show at all (no quotes, no contracts) is simply empty: its metrics then report
insufficient evidence, never an invented number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

__all__ = [
    "AccountFacts",
    "DataQualityFacts",
    "DealFacts",
    "EvidenceFacts",
    "FloatArray",
    "LeadFacts",
    "QuoteFacts",
    "RenewalFacts",
    "StageFacts",
    "empty_float",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


def empty_float() -> FloatArray:
    """An empty float array (the default of every array fact)."""
    return np.zeros(0, dtype=np.float64)


def _empty_bool() -> BoolArray:
    return np.zeros(0, dtype=np.bool_)


def _empty_object() -> ObjectArray:
    return np.zeros(0, dtype=object)


@dataclass(frozen=True)
class LeadFacts:
    """Leads (merged duplicates excluded): counts by what they record, and speed to lead.

    ``speed_to_lead_hours`` has one value per lead old enough to have been worked: hours from
    creation to the first sales touch, ``inf`` for a lead never touched. ``routing_hours`` is
    the same for the assignment to an owner. ``score_histogram`` maps an engagement score
    (rounded) to ``(leads, converted leads)``.
    """

    total: int = 0
    with_source: int = 0
    progressed: int = 0
    """Leads whose status says they reached MQL or beyond (mql, sal, sql, converted)."""
    progressed_stamped: int = 0
    """Of those, leads with the MQL timestamp recorded."""
    speed_to_lead_hours: FloatArray = field(default_factory=empty_float)
    routing_hours: FloatArray = field(default_factory=empty_float)
    score_histogram: Mapping[int, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountFacts:
    """Accounts (merged duplicates excluded) and which ICP fields they carry."""

    total: int = 0
    with_tier: int = 0
    with_icp_fields: int = 0
    """Accounts with tier, segment, industry, employees and annual revenue all populated."""
    active_customers: int = 0
    customers_with_health: int = 0


@dataclass(frozen=True)
class DealFacts:
    """Opportunities, one element per deal.

    ``kind`` is what the history shows the deal to be: ``new`` (a first sale), or ``existing``
    for a deal on an account that was already a customer when it was created.
    ``recorded_type`` is the deal's ``opportunity_type``; ``tier`` its account's recorded
    tier (``None`` when unrecorded); ``owner_role`` the owner's role (``None`` when unowned).
    """

    amount: FloatArray = field(default_factory=empty_float)
    is_closed: BoolArray = field(default_factory=_empty_bool)
    is_won: BoolArray = field(default_factory=_empty_bool)
    closed_days_ago: FloatArray = field(default_factory=empty_float)
    kind: ObjectArray = field(default_factory=_empty_object)
    recorded_type: ObjectArray = field(default_factory=_empty_object)
    tier: ObjectArray = field(default_factory=_empty_object)
    owner_role: ObjectArray = field(default_factory=_empty_object)
    has_loss_reason: BoolArray = field(default_factory=_empty_bool)
    close_date_pushed: BoolArray = field(default_factory=_empty_bool)
    has_stage_history: BoolArray = field(default_factory=_empty_bool)
    has_line_items: BoolArray = field(default_factory=_empty_bool)
    close_date_changes: int = 0
    """Close-date changes recorded in the field history (0: the data keeps no such history)."""

    def __post_init__(self) -> None:
        # Facts left out (empty) read as "not recorded" for every deal, so a partial set of
        # facts is still consistent: False flags, no type, tier or role, unknown close.
        n = self.amount.size
        for name, fill in _DEAL_DEFAULTS.items():
            values = getattr(self, name)
            if values.size == 0 and n:
                kind = type(fill) if isinstance(fill, bool | float) else object
                object.__setattr__(self, name, np.full(n, fill, dtype=kind))
            elif values.size != n:
                raise ValueError(f"deal facts: {name} has {values.size} values for {n} deals")

    @property
    def size(self) -> int:
        """How many deals."""
        return int(self.amount.size)


_DEAL_DEFAULTS: dict[str, object] = {
    "is_closed": False,
    "is_won": False,
    "closed_days_ago": np.nan,
    "kind": "new",
    "recorded_type": None,
    "tier": None,
    "owner_role": None,
    "has_loss_reason": False,
    "close_date_pushed": False,
    "has_stage_history": False,
    "has_line_items": False,
}


@dataclass(frozen=True)
class StageFacts:
    """Stage history: the moves between stages and the time spent in each stage stay.

    ``transitions`` counts moves by ``(from_stage, to_stage, criteria_met)``
    (``criteria_met`` ``None`` when the move did not record it). ``open_stages`` lists the
    open stages in pipeline order (from the spec, else inferred from the probabilities the
    deals carry); ``won_stages`` the stages that mean won. ``visit_*`` arrays hold every stay
    in an open stage: its stage and its length in days (a stay still running is counted up
    to the as-of day).
    """

    transitions: Mapping[tuple[str | None, str, bool | None], int] = field(default_factory=dict)
    open_stages: tuple[str, ...] = ()
    won_stages: frozenset[str] = frozenset()
    visit_stage: ObjectArray = field(default_factory=_empty_object)
    visit_days: FloatArray = field(default_factory=empty_float)


@dataclass(frozen=True)
class QuoteFacts:
    """Quotes of new-business deals: discount (fraction of list), list total, approval, timing.

    ``segment`` groups like deals (the account's segment, ``None`` when unknown);
    ``quarter_end`` says the deal closed (or is expected to) in a quarter's last 14 days;
    ``approved`` that an approval was granted; ``won`` that the deal was won.
    ``lines_on_book`` / ``lines`` count quote lines whose list price matches the price book.
    """

    discount: FloatArray = field(default_factory=empty_float)
    list_total: FloatArray = field(default_factory=empty_float)
    segment: ObjectArray = field(default_factory=_empty_object)
    quarter_end: BoolArray = field(default_factory=_empty_bool)
    approved: BoolArray = field(default_factory=_empty_bool)
    won: BoolArray = field(default_factory=_empty_bool)
    closed_days_ago: FloatArray = field(default_factory=empty_float)
    lines: int = 0
    lines_on_book: int = 0

    @property
    def size(self) -> int:
        """How many quotes."""
        return int(self.discount.size)


@dataclass(frozen=True)
class RenewalFacts:
    """Subscriptions: renewals against the terms they renew, and ARR a year apart.

    ``renewal_days_late`` has one element per renewed term: days from the renewed term's
    end to the renewal deal's close (``<= 0`` is on time). ``renewal_lead_days``: days from
    opening the renewal deal to the end of the term it renews. ``arr_then`` / ``arr_now`` are
    per account that was a customer a year before the as-of day: its ARR then, and its ARR on
    the as-of day (0 if it churned).
    """

    renewal_days_late: FloatArray = field(default_factory=empty_float)
    renewal_lead_days: FloatArray = field(default_factory=empty_float)
    arr_then: FloatArray = field(default_factory=empty_float)
    arr_now: FloatArray = field(default_factory=empty_float)


@dataclass(frozen=True)
class DataQualityFacts:
    """What the data-quality inputs of AI readiness are measured on.

    ``fields_needed`` / ``fields_filled`` count field values over the records that need them
    (see :data:`~l2o.assess.evidence.data_quality.MODEL_FIELDS`); ``records`` /
    ``duplicates`` count leads, contacts and accounts and those that duplicate another;
    ``picklist_values`` maps a categorical field to its value counts.
    """

    fields_needed: int = 0
    fields_filled: int = 0
    records: int = 0
    duplicates: int = 0
    picklist_values: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceFacts:
    """Everything the evidence metrics, data quality and cost of the gap are computed from.

    ``as_of`` is the day the data runs to (its latest activity); ``years`` the span of deal
    history in years, used to state money per year.
    """

    as_of: date | None = None
    years: float = 0.0
    currency: str = "USD"
    leads: LeadFacts = field(default_factory=LeadFacts)
    accounts: AccountFacts = field(default_factory=AccountFacts)
    deals: DealFacts = field(default_factory=DealFacts)
    stages: StageFacts = field(default_factory=StageFacts)
    quotes: QuoteFacts = field(default_factory=QuoteFacts)
    renewals: RenewalFacts = field(default_factory=RenewalFacts)
    data_quality: DataQualityFacts = field(default_factory=DataQualityFacts)
