"""The exceptions L2O raises, one tree so callers can catch as broadly or narrowly as they need.

::

    L2OError                      anything L2O raises on purpose
     ├── SettingsError            runtime settings are unusable (e.g. a malformed database URL)
     ├── SpecError                an architecture spec could not be loaded or is invalid;
     │                            carries every problem found, each naming its path in the spec
     ├── StoreError               the store could not do what was asked
     │    ├── RecordNotFound      no record with that id
     │    ├── StaleRecord         optimistic lock: someone else changed the record first
     │    └── MigrationError      the database schema is missing or behind the code
     ├── EngineError              (l2o.engine) a rule could not be evaluated
     │    ├── UnknownFieldError   a condition names a field the record does not have
     │    └── MissingFieldError   a rule needs a value the caller did not supply
     ├── DedupeError              (l2o.ingest.dedupe) duplicate detection cannot run
     │    └── BlockingRuleTooBroad  a blocking rule would create too many comparisons
     ├── AttributionError         (l2o.analytics.attribution) journeys cannot be attributed
     ├── ForecastError            (l2o.analytics.forecast) deals or a period cannot be forecast
     │    └── InsufficientEvidence  the data lacks what a method needs (e.g. stage history)
     ├── ModelError               (l2o.analytics.models) a scoring model cannot be trained,
     │    │                       compiled or loaded (too few outcomes, an unknown feature)
     │    └── LeakingFeature      a feature is not known before the outcome it would predict
     ├── MetricsError             (l2o.analytics.metrics) a date, period, grouping or table
     │                            that metrics cannot work with
     ├── RetentionError           (l2o.analytics.retention) customer data churn models cannot
     │                            work with (too few churns, a missing column)
     ├── CommandRefused           (l2o.services) the architecture refused a command: names
     │                            the record, the rule and every reason (missing criteria...)
     ├── AssessmentError          (l2o.assess) a questionnaire, answers file or rubric is
     │                            invalid; carries every problem, each naming its path
     ├── PublishError             (l2o.publish) an assessment or comparison has the wrong shape
     │                            to publish (a list where a mapping belongs...); every path
     ├── MergeError               (l2o.services.merging) a merge cannot be made or undone
     ├── DeliveryError            (l2o.services.delivery) an outbox message cannot be delivered
     ├── UnknownAccessRole        (l2o.services.access) an access role that is not admin,
     │                            revops, manager, rep, approver or viewer
     └── TargetRefused            (l2o.services.delivery_targets) a webhook target is refused
                                  (private, loopback, metadata address or a bad scheme)

The branches outside this module live with the layer that raises them (named in brackets).
Every message names the record, field or spec path and the rule that was broken, so a user can
act on it without reading code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "L2OError",
    "MigrationError",
    "RecordNotFound",
    "SettingsError",
    "SpecError",
    "SpecProblem",
    "StaleRecord",
    "StoreError",
]


class L2OError(Exception):
    """Base of every exception L2O raises on purpose."""


class SettingsError(L2OError):
    """Runtime settings (database URL, data directory) are unusable."""


@dataclass(frozen=True)
class SpecProblem:
    """One problem in an architecture spec: where it is, what is wrong, and a hint to fix it.

    ``path`` uses the spec's own keys, e.g. ``pipeline.pipelines[0].stages[2].exit_criteria[0]``.
    ``severity`` is ``"error"`` (the spec is invalid) or ``"warning"`` (valid, but a gap).
    """

    path: str
    message: str
    severity: str = "error"
    rule: str = "schema"
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class SpecError(L2OError):
    """An architecture spec could not be read or failed validation.

    ``problems`` lists every error found, not just the first, so one run shows all fixes.
    """

    def __init__(self, problems: Sequence[SpecProblem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{where}{len(self.problems)} problem(s) in the architecture spec\n{lines}"
        )


class StoreError(L2OError):
    """The store could not do what was asked."""


class RecordNotFound(StoreError):
    """No record of that type with that id."""

    def __init__(self, record_type: str, record_id: object) -> None:
        self.record_type = record_type
        self.record_id = record_id
        super().__init__(f"{record_type} {record_id!r} not found")


class StaleRecord(StoreError):
    """Optimistic locking refused a write: the record changed since it was read."""

    def __init__(self, record_type: str, record_id: object, expected_version: int) -> None:
        self.record_type = record_type
        self.record_id = record_id
        self.expected_version = expected_version
        super().__init__(
            f"{record_type} {record_id!r} was changed by someone else since version "
            f"{expected_version}; reload it and apply the change again"
        )


class MigrationError(StoreError):
    """The database schema is missing or behind the code: run ``l2o db upgrade``."""
