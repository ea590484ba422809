"""Why a source row was refused: the field, the rule it broke and a message a person can act on.

Every check in ``l2o.ingest`` raises ``RowProblem``; the import pipeline catches it and turns
the row into a ``Rejection`` (what the store keeps as a quarantined row), so a row is either
accepted whole or quarantined with its reason - never half-imported, never dropped.

Rule names are short, stable identifiers (``invalid_email``, ``unresolved_reference``...);
``quarantine show`` groups by them, so keep them few and meaningful.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["Rejection", "RowProblem", "safe_raw"]

#: How much of one raw value a quarantined row keeps (a 50 MB cell is evidence, not data).
RAW_VALUE_LIMIT = 2_000


class RowProblem(ValueError):
    """A value broke a rule; ``field`` is the target (or source) field, ``rule`` its name."""

    def __init__(self, field: str | None, rule: str, message: str) -> None:
        self.field = field
        self.rule = rule
        self.message = message
        super().__init__(f"{field or 'row'}: {message} ({rule})")


@dataclass(frozen=True)
class Rejection:
    """A row refused by a rule, with where it was and what it held (kept in quarantine)."""

    record_type: str
    row_number: int
    field: str | None
    rule: str
    message: str
    raw: dict[str, Any] = dataclasses.field(default_factory=dict)
    file: str | None = None

    @classmethod
    def of(
        cls,
        problem: RowProblem,
        record_type: str,
        row_number: int,
        raw: dict[str, Any],
        file: str | None = None,
    ) -> Rejection:
        """The rejection for ``problem`` found in row ``row_number`` of ``record_type``."""
        return cls(
            record_type=record_type,
            row_number=row_number,
            field=problem.field,
            rule=problem.rule,
            message=problem.message,
            raw=safe_raw(raw),
            file=file,
        )


def safe_raw(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` made storable as JSON on every backend: text cut to a bounded length,
    undecodable bytes and NUL characters shown as escapes instead of breaking the write."""
    return {str(_safe_text(key)): _safe_value(value) for key, value in raw.items()}


def _safe_value(value: Any) -> Any:
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, list):
        return [_safe_value(item) for item in value]
    return value


def _safe_text(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    if len(text) > RAW_VALUE_LIMIT:
        text = f"{text[:RAW_VALUE_LIMIT]}... [{len(text):,} characters, cut]"
    if text.isascii() and "\x00" not in text:
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text.replace("\x00", "\\x00")
