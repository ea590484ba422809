"""Lint rules, one module per dimension; each yields the warnings for its section."""

from l2o.spec.lint_rules.commercial import commercial_gaps
from l2o.spec.lint_rules.icp import icp_gaps
from l2o.spec.lint_rules.lifecycle import lifecycle_gaps, workflow_gaps
from l2o.spec.lint_rules.pipeline import pipeline_gaps
from l2o.spec.lint_rules.pricing import pricing_gaps
from l2o.spec.lint_rules.signals import signals_gaps

__all__ = [
    "commercial_gaps",
    "icp_gaps",
    "lifecycle_gaps",
    "pipeline_gaps",
    "pricing_gaps",
    "signals_gaps",
    "workflow_gaps",
]
