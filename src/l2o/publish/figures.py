"""How numbers read in the deliverables: scores, levels, metric values, money and inputs.

A missing number never becomes a zero: it reads "not measured" (no value at all) and a metric
below its sample minimum reads "insufficient evidence".

>>> score(2.345), score(None)
('2.3', 'not measured')
>>> metric_value("stalled_share", 0.183), metric_value("median_speed_to_lead_hours", 4.25)
('18.3%', '4.2 h')
>>> money(1234567.8, "USD"), money_short(1234567.8, "USD")
('USD 1,234,568', 'USD 1.2M')
"""

from __future__ import annotations

from datetime import datetime

from l2o.publish.method import LEVEL_NAMES, NOT_MEASURED

__all__ = [
    "MINUS",
    "TIMES",
    "change",
    "day",
    "is_share",
    "level",
    "metric_value",
    "money",
    "money_short",
    "plain",
    "score",
]

MINUS = "\u2212"
"""The typographic minus sign of a fall."""
TIMES = "\u00d7"
"""The multiplication sign after a ratio (1.35 times)."""

_SHARE_SUFFIXES = ("_share", "_rate", "_completeness", "_consistency")
_SHARE_NAMES = frozenset({"grr", "nrr", "discount_dispersion", "price_realisation"})


def score(value: float | None) -> str:
    """A 0-4 score to one decimal, or "not measured"."""
    return NOT_MEASURED if value is None else f"{value:.1f}"


def level(value: float | None) -> str:
    """A level with its word (``3 · Enforced``), a mean level to one decimal, or a dash."""
    if value is None:
        return "—"
    if float(value).is_integer() and 0 <= value < len(LEVEL_NAMES):
        return f"{int(value)} · {LEVEL_NAMES[int(value)]}"
    return f"{value:.1f}"


def is_share(name: str) -> bool:
    """Whether a metric or input named ``name`` is a fraction 0-1 (shown as a percentage)."""
    return name in _SHARE_NAMES or name.endswith(_SHARE_SUFFIXES)


def metric_value(name: str, value: float | None) -> str:
    """A metric's value in its unit: shares as %, hours as h, ratios to two decimals."""
    if value is None:
        return NOT_MEASURED
    if is_share(name):
        return f"{value * 100:.1f}%"
    if name.endswith("_hours"):
        return f"{value:.1f} h"
    if name.endswith("_days"):
        return f"{value:.0f} days"
    if name.endswith(("_lift", "_spike")):
        return f"{value:.2f}{TIMES}"
    return plain(value)


def money(amount: float | None, currency: str = "") -> str:
    """An amount of money in full (``USD 1,234,568``), or "not measured"."""
    if amount is None:
        return NOT_MEASURED
    return f"{currency} {amount:,.0f}".strip()


def money_short(amount: float | None, currency: str = "") -> str:
    """An amount of money for a headline (``USD 1.2M``, ``USD 85k``), or "not measured"."""
    if amount is None:
        return NOT_MEASURED
    size = abs(amount)
    if size >= 1e9:
        text = f"{amount / 1e9:.1f}B"
    elif size >= 1e6:
        text = f"{amount / 1e6:.1f}M"
    elif size >= 1e4:
        text = f"{amount / 1e3:.0f}k"
    else:
        text = f"{amount:,.0f}"
    return f"{currency} {text}".strip()


def plain(value: object) -> str:
    """Any input value as text: integers with separators, floats to four significant digits."""
    if value is None:
        return NOT_MEASURED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    return str(value)


def change(value: float | None) -> str:
    """A signed change (``+0.6``, a minus sign before a fall), or "not measured" when either
    side was missing."""
    if value is None:
        return NOT_MEASURED
    if abs(value) < 0.05:
        return "±0.0"
    return f"+{value:.1f}" if value > 0 else f"{MINUS}{abs(value):.1f}"


def day(timestamp: str) -> str:
    """An ISO timestamp as a day (``2025-01-06T09:00:00+00:00`` -> ``6 January 2025``);
    text that is not a timestamp is shown as it is."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return f"{moment.day} {moment:%B %Y}"
