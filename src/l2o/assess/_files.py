"""Reading the assessment's YAML data: shipped files, user files and mappings, validated once.

Questionnaire, rubric and answers files are read like an architecture spec: YAML syntax errors
carry their line, duplicate keys are refused, and validation errors name the path in the file
with the closest real key as a hint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from l2o.assess._errors import AssessmentError
from l2o.errors import SpecProblem
from l2o.spec._schema_errors import schema_problems
from l2o.spec._yaml import read_spec_file

__all__ = ["DataSource", "FileModel", "read_mapping", "read_packaged", "validate"]

M = TypeVar("M", bound=BaseModel)

DataSource = str | os.PathLike[str] | Mapping[str, Any]
"""Where assessment data comes from: a path to a YAML file, or the already-parsed mapping."""


class FileModel(BaseModel):
    """Base of every assessment file model: unknown keys are errors, loaded data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_mapping(source: DataSource, what: str) -> tuple[Mapping[str, Any], str | None]:
    """The mapping in ``source`` and its file name, or :class:`AssessmentError` if unreadable."""
    if isinstance(source, Mapping):
        return source, None
    name = os.fspath(source)
    data, problems = read_spec_file(Path(source))
    if problems:
        raise AssessmentError(what, problems, source=name)
    return _as_mapping(data, what, name), name


def read_packaged(filename: str, what: str) -> Mapping[str, Any]:
    """The mapping in a YAML file shipped inside ``l2o.assess`` (e.g. ``rubric/v1.yaml``)."""
    text = resources.files("l2o.assess").joinpath(filename).read_text(encoding="utf-8")
    return _as_mapping(yaml.safe_load(text), what, filename)


def validate(model: type[M], data: Mapping[str, Any], what: str, source: str | None) -> M:
    """``data`` validated as ``model``; every problem raised at once with its path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise AssessmentError(what, schema_problems(exc, model), source=source) from None


def _as_mapping(data: Any, what: str, source: str | None) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        return data
    shape = "empty" if data is None else f"a {type(data).__name__}"
    problem = SpecProblem("", f"the {what} should be a mapping, but this is {shape}", rule="shape")
    raise AssessmentError(what, [problem], source=source)
