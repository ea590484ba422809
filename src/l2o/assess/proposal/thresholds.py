"""How much evidence each derivation needs, and the cut-offs it applies.

Below a minimum the proposal keeps the current spec's value (or a default) and says so in a
comment, rather than deriving a number from a handful of deals.
"""

from __future__ import annotations

__all__ = [
    "CEILING_PERCENTILE",
    "GOOD_FIT_LIFT",
    "LOSING_LIFT",
    "MANAGER_PERCENTILE",
    "MIN_DISCOUNTS",
    "MIN_ICP_DEALS",
    "MIN_PIPELINE_DEALS",
    "MIN_RENEWALS",
    "MIN_REVENUE_SHARE",
    "MIN_SEGMENT_DEALS",
    "MIN_STAGE_DEALS",
    "MIN_STAGE_STAYS",
    "RENEWAL_CYCLE_PERCENTILE",
    "REP_PERCENTILE",
    "SIZE_SPLIT_POINTS",
    "STALL_PERCENTILE",
    "STANDOUT_LIFT",
]

# ICP: closed new-business deals overall, and per industry / band / country.
MIN_ICP_DEALS = 40
MIN_SEGMENT_DEALS = 15
STANDOUT_LIFT = 1.15
"""A value stands out when its win rate is at least this multiple of the overall rate..."""
MIN_REVENUE_SHARE = 0.05
"""...and it brought at least this share of won revenue."""
GOOD_FIT_LIFT = 0.8
"""Values winning at least this multiple of the overall rate make the second tier."""
LOSING_LIFT = 0.5
"""Values winning at most this multiple of the overall rate become disqualifiers."""

# Pipeline: closed deals that reached a stage; completed stays in a stage.
MIN_PIPELINE_DEALS = 20
MIN_STAGE_DEALS = 20
MIN_STAGE_STAYS = 20
STALL_PERCENTILE = 0.8

# Pricing: won deals with a quoted discount.
MIN_DISCOUNTS = 30
REP_PERCENTILE = 0.5
MANAGER_PERCENTILE = 0.8
CEILING_PERCENTILE = 0.95
SIZE_SPLIT_POINTS = 3
"""Small and large deals get their own bands when their limits differ by this many points."""

# Lifecycle: closed renewal deals.
MIN_RENEWALS = 10
RENEWAL_CYCLE_PERCENTILE = 0.8
