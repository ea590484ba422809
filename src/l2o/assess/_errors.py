"""The error the assessment raises on a bad questionnaire, answers file or rubric."""

from __future__ import annotations

from collections.abc import Sequence

from l2o.errors import L2OError, SpecProblem

__all__ = ["AssessmentError"]


class AssessmentError(L2OError):
    """A questionnaire, answers file or rubric could not be read or is invalid.

    ``problems`` lists every problem found, each naming its path in the file
    (``answers.icp_tiers``, ``dimensions.pricing.metrics[1].thresholds``) with a hint where
    one helps, so one run shows every fix.
    """

    def __init__(self, what: str, problems: Sequence[SpecProblem], source: str | None = None):
        self.what = what
        self.problems = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{where}{len(self.problems)} problem(s) in the {what}\n{lines}")
