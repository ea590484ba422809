"""What a revenue service raises when the architecture refuses a command.

A refusal names the record and the rule that refused it, and carries every reason, so the
CLI prints one line and the API can return the full account::

    L2OError
     └── CommandRefused     the spec's rules refuse the command (gate, approval, routing...)
"""

from __future__ import annotations

from collections.abc import Iterable

from l2o.engine import Reason
from l2o.errors import L2OError

__all__ = ["CommandRefused"]


class CommandRefused(L2OError):
    """The architecture refuses a command: ``record_type`` ``record_id`` broke ``rule``.

    ``reasons`` lists every reason (a gate refusal lists every missing criterion).
    """

    def __init__(
        self, record_type: str, record_id: str, rule: str, reasons: Iterable[Reason | str]
    ) -> None:
        self.record_type = record_type
        self.record_id = record_id
        self.rule = rule
        self.reasons: tuple[Reason, ...] = tuple(
            r if isinstance(r, Reason) else Reason(rule, r) for r in reasons
        )
        text = "; ".join(str(r) for r in self.reasons) or "refused"
        super().__init__(f"{record_type} {record_id}: refused by {rule}: {text}")

    def to_json(self) -> dict[str, object]:
        """The refusal as JSON data: record, rule and each reason."""
        return {
            "record_type": self.record_type,
            "record_id": self.record_id,
            "rule": self.rule,
            "reasons": [{"rule": r.rule, "text": r.text} for r in self.reasons],
        }
