"""Loading a spec: from a YAML file or a mapping to a validated :class:`ArchitectureSpec`.

Loading happens in two passes so that one run reports every problem it can: first the shape
of each section (unknown keys, wrong types, bad values), then — once the shape is right —
the cross-references between sections. Either pass raises :class:`~l2o.errors.SpecError`
with all the problems it found.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from l2o.errors import SpecError, SpecProblem
from l2o.spec._schema_errors import schema_problems
from l2o.spec._yaml import read_spec_file
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.references import reference_problems

__all__ = ["SpecSource", "load_spec"]

SpecSource = str | os.PathLike[str] | Mapping[str, Any]
"""Where a spec comes from: a path to a YAML file, or the already-parsed mapping."""


def load_spec(source: SpecSource) -> ArchitectureSpec:
    """Read, validate and cross-check an architecture spec.

    >>> spec = load_spec("examples/revenue-machine.yaml")  # doctest: +SKIP
    >>> spec.pipeline.pipelines[0].stages[0].id  # doctest: +SKIP
    'discovery'

    Raises :class:`~l2o.errors.SpecError` listing every problem, each with its path in the
    spec (``pipeline.pipelines[0].stages[2]``), what is wrong, and a hint where one helps.
    A missing file and a YAML syntax error (with its line and column) are SpecErrors too.
    """
    if isinstance(source, Mapping):
        name = None
        data: Any = source
    else:
        name = os.fspath(source)
        data, problems = read_spec_file(Path(source))
        if problems:
            raise SpecError(problems, source=name)
    if not isinstance(data, Mapping):
        shape = "empty" if data is None else f"a {type(data).__name__}"
        problem = SpecProblem(
            "",
            f"a spec is a mapping of sections (version, company, icp, ...), but this is {shape}",
            rule="shape",
        )
        raise SpecError([problem], source=name)
    try:
        spec = ArchitectureSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(schema_problems(exc, ArchitectureSpec), source=name) from None
    problems = reference_problems(spec)
    if problems:
        raise SpecError(problems, source=name)
    return spec
