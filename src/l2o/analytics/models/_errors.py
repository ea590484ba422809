"""The errors learned scoring raises."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["LeakingFeature", "ModelError"]


class ModelError(L2OError):
    """A model cannot be trained, compiled or loaded; the message names the task and the rule
    (too few outcomes of a kind, an unknown feature, a malformed compiled model)."""


class LeakingFeature(ModelError):
    """A feature is not known before the outcome it would predict (it would leak the answer).

    ``field`` is the field asked for and ``why`` says when its value is set.
    """

    def __init__(self, task: str, field: str, why: str) -> None:
        self.task = task
        self.field = field
        self.why = why
        super().__init__(
            f"{task}: {field} cannot be a feature: it is not known before the outcome ({why})"
        )
