"""The error publishing raises when an assessment or a comparison cannot be read."""

from __future__ import annotations

from collections.abc import Sequence

from l2o.errors import L2OError, SpecProblem

__all__ = ["PublishError"]


class PublishError(L2OError):
    """An assessment or comparison has the wrong shape to publish (not missing values: those
    are shown as "not measured"; a wrong type, such as a list where the contract has a mapping).

    ``problems`` names every problem with its path, e.g. ``assessment.dimensions.icp.metrics``.
    """

    def __init__(self, what: str, problems: Sequence[SpecProblem]) -> None:
        self.what = what
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the {what}\n{lines}")
