"""Everything an assessment delivers, written to one folder: the use case behind ``l2o assess``.

::

    package = write_assessment(engine, Path("l2o-out"), spec=spec, answers=answers, name="day 0")
    package.document["index"], [p.name for p in package.files]

Writes, beside ``assessment.json`` (the contract, :func:`l2o.services.assessing.assess_store`):
the report (HTML and PDF), the board brief, ``plan.md`` and ``ai-readiness.md``
(:mod:`l2o.publish`); ``architecture.proposed.yaml``, the spec redesigned from the data
(:mod:`l2o.services.proposing`); and ``crm/salesforce/`` and ``crm/hubspot/``, the CRM
configuration of that proposed spec (:mod:`l2o.publish.crm`). ``progress`` is told the name
of each step as it starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from l2o import publish
from l2o.assess import Answers
from l2o.publish.crm import write_hubspot_package, write_salesforce_package
from l2o.services.assessing import assess_store
from l2o.services.proposing import proposed_architecture
from l2o.spec import ArchitectureSpec

__all__ = ["AssessmentPackage", "write_assessment"]

#: Told the name of each step as it starts.
PackageProgress = Callable[[str], None]


@dataclass
class AssessmentPackage:
    """The assessment (``assessment.json`` as a dict) and every file written for it."""

    document: dict[str, Any]
    files: list[Path] = field(default_factory=list)


def write_assessment(
    engine: Engine,
    out: Path,
    *,
    spec: ArchitectureSpec | None = None,
    answers: Answers | None = None,
    name: str | None = None,
    progress: PackageProgress | None = None,
) -> AssessmentPackage:
    """Assess the company in the store (saving a snapshot) and write every deliverable."""
    tell = progress or (lambda _step: None)
    tell("assessing the store")
    document = assess_store(engine, spec=spec, answers=answers, name=name)
    out.mkdir(parents=True, exist_ok=True)
    contract = out / "assessment.json"
    contract.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    package = AssessmentPackage(document, [contract])
    tell("writing the report, board brief, plan and AI readiness")
    package.files.extend(publish.write_report(document, out))
    tell("proposing the redesigned architecture")
    proposal = proposed_architecture(engine, spec=spec)
    proposed = out / "architecture.proposed.yaml"
    proposed.write_text(proposal.to_yaml(), encoding="utf-8")
    package.files.append(proposed)
    tell("writing the CRM packages")
    package.files.extend(write_salesforce_package(proposal.spec, out / "crm" / "salesforce"))
    package.files.extend(write_hubspot_package(proposal.spec, out / "crm" / "hubspot"))
    return package
