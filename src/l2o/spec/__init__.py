"""The Lead-to-Order architecture as code: load, validate, lint and write architecture specs.

A spec is one YAML file with a section per dimension (``icp``, ``pipeline``, ``signals``,
``commercial``, ``pricing``, ``lifecycle``, ``workflows``)::

    from l2o.spec import check_spec, load_spec

    spec = load_spec("architecture.yaml")      # raises SpecError listing every problem
    report = check_spec("architecture.yaml")   # or collect errors and lint warnings

This package is pure: it imports pydantic, PyYAML and the standard library only.
"""

from l2o.spec.architecture import SECTIONS, ArchitectureSpec, Company
from l2o.spec.commercial import CommercialSpec
from l2o.spec.fields import STANDARD_FIELDS, CustomFields, FieldCatalog, RecordType
from l2o.spec.icp import IcpSpec
from l2o.spec.lifecycle import LifecycleSpec
from l2o.spec.lint import lint_spec
from l2o.spec.loader import SpecSource, load_spec
from l2o.spec.pipeline import PipelineSpec
from l2o.spec.pricing import PricingSpec
from l2o.spec.report import SpecReport, check_spec
from l2o.spec.serialize import dump_spec, spec_json_schema, spec_to_yaml
from l2o.spec.signals import SignalsSpec
from l2o.spec.workflows import WorkflowsSpec

__all__ = [
    "SECTIONS",
    "STANDARD_FIELDS",
    "ArchitectureSpec",
    "CommercialSpec",
    "Company",
    "CustomFields",
    "FieldCatalog",
    "IcpSpec",
    "LifecycleSpec",
    "PipelineSpec",
    "PricingSpec",
    "RecordType",
    "SignalsSpec",
    "SpecReport",
    "SpecSource",
    "WorkflowsSpec",
    "check_spec",
    "dump_spec",
    "lint_spec",
    "load_spec",
    "spec_json_schema",
    "spec_to_yaml",
]
