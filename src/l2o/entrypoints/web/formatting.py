"""How the pages write numbers, money, dates and names (Jinja2 filters)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from l2o.publish.outcome_charts import PROPER_NAMES

__all__ = ["FILTERS", "label", "money", "percent", "score", "value", "when"]


def money(value: float | Decimal | None, currency: str = "USD") -> str:
    """``USD 1.2M``, ``USD 48k``, ``USD 950``; "not measured" for ``None``."""
    if value is None:
        return "not measured"
    amount = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(amount) >= limit:
            return f"{currency} {amount / limit:.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"{currency} {amount:,.0f}"


def percent(value: float | Decimal | None, digits: int = 0) -> str:
    """A ratio (0-1) as a percentage; "not measured" for ``None``."""
    if value is None:
        return "not measured"
    return f"{float(value) * 100:.{digits}f}%"


def score(value: float | None, digits: int = 1) -> str:
    """A 0-4 score, or "not measured"."""
    return "not measured" if value is None else f"{value:.{digits}f}"


def when(value: datetime | date | str | None) -> str:
    """A time as ``2025-03-03 10:00 UTC`` (a day as ``2025-03-03``); empty for ``None``."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            parsed: datetime | date = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def label(name: str | None) -> str:
    """A snake_case id in words: ``solution_validation`` -> ``Solution validation``,
    ``monte_carlo`` -> ``Monte Carlo``."""
    if not name:
        return ""
    text = name.replace("_", " ").strip()
    for plain, proper in PROPER_NAMES.items():
        text = text.replace(plain, proper)
    return text[:1].upper() + text[1:]


def value(data: Any) -> str:
    """An audited value as short text: ``a: 1, b: [x, y]``; empty for ``None``."""
    if data is None:
        return ""
    if isinstance(data, dict):
        return ", ".join(f"{k}: {value(v)}" for k, v in data.items())
    if isinstance(data, list | tuple):
        return "[" + ", ".join(value(v) for v in data) + "]"
    return str(data)


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "percent": percent,
    "score": score,
    "when": when,
    "label": label,
    "value": value,
}
