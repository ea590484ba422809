"""What each metric means: its unit and the definition shown next to every value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFINITIONS", "Definition"]


@dataclass(frozen=True)
class Definition:
    """A metric's name, unit and one-paragraph definition."""

    name: str
    unit: str
    text: str


def _define(*items: tuple[str, str, str]) -> dict[str, Definition]:
    return {name: Definition(name, unit, text) for name, unit, text in items}


DEFINITIONS = _define(
    (
        "win_rate_count",
        "ratio",
        "New-business deals won / new-business deals closed (won or lost) in the window.",
    ),
    (
        "win_rate_amount",
        "ratio",
        "Amount of new-business deals won / amount of new-business deals closed in the "
        "window (deals without an amount left out of both).",
    ),
    (
        "cycle_time",
        "days",
        "Mean days from creation to close of new-business deals won in the window.",
    ),
    (
        "sales_velocity",
        "money/day",
        "Open new-business deals at the window's end x count win rate x mean amount won / "
        "cycle time: the revenue the pipeline produces per day at current rates.",
    ),
    (
        "pipeline_coverage",
        "x",
        "Open new-business pipeline (amount on the measuring day) expected to close by the "
        "period's end / the target; without a target, / the new-business bookings of the "
        "previous period. Measured on the as-of day during the period, and on its first day "
        "once it has ended (the coverage it started with).",
    ),
    (
        "stage_conversion",
        "ratio",
        "Of the new-business deals that entered a stage in the window, the share that had "
        "reached a later stage (or won) by the as-of day; deals still in the stage count as "
        "not converted.",
    ),
    (
        "speed_to_lead",
        "hours",
        "Median hours from a lead's creation to its first touch, over leads created in the "
        "window and touched by the as-of day.",
    ),
    (
        "lead_to_mql",
        "ratio",
        "Leads created in the window that became MQL by the as-of day / leads created.",
    ),
    (
        "mql_to_sql",
        "ratio",
        "Of the window's leads that became MQL, the share that also became SQL by the as-of day.",
    ),
    (
        "sql_to_won",
        "ratio",
        "Of the window's leads that became SQL, the share whose converted deal was won by "
        "the as-of day.",
    ),
    (
        "lead_to_won",
        "ratio",
        "Leads created in the window whose converted deal was won by the as-of day / leads "
        "created.",
    ),
    (
        "gross_revenue_retention",
        "ratio",
        "For accounts with active ARR on the window's first day: sum over accounts of "
        "min(ARR on its last day, starting ARR) / starting ARR. Churn and downgrades "
        "lower it; expansion cannot raise it. A renewal that starts after the last day "
        "counts as churned.",
    ),
    (
        "net_revenue_retention",
        "ratio",
        "For accounts with active ARR on the window's first day: their ARR on its last day "
        "(expansion included, new accounts excluded) / their starting ARR.",
    ),
    (
        "expansion_share",
        "ratio",
        "Amount won on expansion deals / amount won on new-business and expansion deals "
        "closed in the window (renewals left out).",
    ),
    (
        "cac_payback",
        "months",
        "Sales and marketing spend in the window / (new-customer ARR that started in the "
        "window / 12), divided by the gross margin when one is given: months of new "
        "recurring revenue to earn the spend back. Spend is what is given, else the budgets "
        "of campaigns starting in the window; without either it is not measured.",
    ),
)
"""Every metric by name."""
