"""Any other CSV, described by a mapping YAML: which file is which record type, which column
feeds which field, value maps, date formats and defaults.

::

    source_system: maven            # records are keyed by it, with each row's id
    date_formats: ["%d/%m/%Y"]      # tried after ISO 8601
    files:
      - file: sales_pipeline.csv
        record_type: opportunities
        fields:
          id: opportunity_id                       # a column, as written in the header
          name: {template: "{account} - {product}"}
          stage: {column: deal_stage, values: {Won: closed_won, Lost: closed_lost}}
          currency: {value: USD}                   # a constant
          annual_revenue: {column: revenue, multiply: 1000000}
        custom_fields: [product]                   # kept in the record's custom fields

The YAML is validated with pydantic (unknown keys refused); every problem is reported with
its path in the YAML (``files[0].fields.stage.values``) by ``MappingError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from l2o.ingest.convert import ValueFormats
from l2o.ingest.csvfile import CsvRow, read_csv, read_header
from l2o.ingest.problems import Rejection
from l2o.ingest.records import IMPORT_ORDER, RECORD_SPECS
from l2o.ingest.sources import MappingError
from l2o.ingest.sources.base import NeutralRow, SourceFile, SourcePlan

__all__ = ["FieldMapping", "FileMapping", "MappedSource", "MappingSpec"]

_TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldMapping(_Strict):
    """Where one field's value comes from: a column, a template of columns, or a constant."""

    column: str | None = None
    template: str | None = None
    value: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    default: str | None = None
    multiply: Decimal | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> FieldMapping:
        given = [
            name for name in ("column", "template", "value") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of column, template or value")
        return self

    def columns(self) -> list[str]:
        """The source columns this field reads."""
        if self.column is not None:
            return [self.column]
        return _TEMPLATE_NAME.findall(self.template or "")

    def read(self, cells: dict[str, str]) -> str | None:
        """This field's neutral text for one row."""
        if self.value is not None:
            return self.value
        if self.template is not None:
            text = self.template.format_map({c: cells.get(c, "") for c in self.columns()})
            text = text.strip(" -")
        else:
            text = cells.get(self.column or "", "")
        text = self.values.get(text.strip(), text) if self.values else text
        if not text.strip():
            return self.default
        if self.multiply is not None:
            try:
                return str(Decimal(text.strip()) * self.multiply)
            except InvalidOperation:
                return text  # the converter refuses it by name
        return text


class FileMapping(_Strict):
    """One source file read as one record type."""

    file: str
    record_type: str
    fields: dict[str, FieldMapping]
    custom_fields: list[str] = Field(default_factory=list)

    @field_validator("fields", mode="before")
    @classmethod
    def _column_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _known_fields(self) -> FileMapping:
        spec = RECORD_SPECS.get(self.record_type)
        if spec is None:
            raise ValueError(
                f"unknown record_type {self.record_type!r}; use one of {', '.join(RECORD_SPECS)}"
            )
        unknown = sorted(set(self.fields) - set(spec.fields) - {"id"})
        if unknown:
            raise ValueError(
                f"{self.record_type} has no field(s) {', '.join(unknown)}; "
                f"fields: {', '.join(sorted(spec.fields))}"
            )
        if "id" not in self.fields:
            raise ValueError("map the id field: the column that identifies each row")
        return self


class MappingSpec(_Strict):
    """A whole mapping YAML."""

    source_system: str = Field(pattern=r"^[a-z][a-z0-9_\-]{0,39}$")
    date_formats: list[str] = Field(default_factory=list)
    timestamp_formats: list[str] = Field(default_factory=list)
    files: list[FileMapping] = Field(min_length=1)


class MappedSource:
    """Reads the files a mapping YAML describes, relative to the folder being imported."""

    def __init__(self, spec: MappingSpec) -> None:
        self.spec = spec
        self.name = spec.source_system
        self.formats = ValueFormats(
            date_formats=tuple(spec.date_formats), timestamp_formats=tuple(spec.timestamp_formats)
        )

    @classmethod
    def from_yaml(cls, path: Path) -> MappedSource:
        """Load and validate the mapping at ``path``; ``MappingError`` lists every problem."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
        try:
            return cls(MappingSpec.model_validate(data))
        except ValidationError as exc:
            problems = "\n".join(
                f"  - {_yaml_path(error['loc'])}: {error['msg'].removeprefix('Value error, ')}"
                for error in exc.errors()
            )
            raise MappingError(
                f"{path}: {exc.error_count()} problem(s) in the mapping\n{problems}"
            ) from None

    def plan(self, directory: Path) -> SourcePlan:
        """The mapped files, in import order; a mapped file that is missing is an error."""
        plan = SourcePlan()
        files = []
        for index, mapping in enumerate(self.spec.files):
            path = directory / mapping.file
            if not path.is_file():
                raise MappingError(f"files[{index}].file: {path} does not exist")
            header = read_header(path)
            used = {c for f in mapping.fields.values() for c in f.columns()} | set(
                mapping.custom_fields
            )
            missing = sorted(c for c in used if c not in header)
            if missing:
                raise MappingError(
                    f"files[{index}]: {mapping.file} has no column(s) {', '.join(missing)}"
                )
            ignored = tuple(h for h in header if h not in used)
            files.append(SourceFile(mapping.record_type, path, ignored, kind=str(index)))
        plan.files = sorted(files, key=lambda f: IMPORT_ORDER.index(f.record_type))
        return plan

    def rows(self, source_file: SourceFile) -> Iterator[NeutralRow | Rejection]:
        """Each row through its file's mapping."""
        mapping = self.spec.files[int(source_file.kind)]
        for row in read_csv(source_file.path, mapping.record_type):
            if not isinstance(row, CsvRow):
                yield row
                continue
            neutral = {name: field.read(row.cells) for name, field in mapping.fields.items()}
            if mapping.custom_fields:
                extra = {c: row.cells.get(c) for c in mapping.custom_fields if row.cells.get(c)}
                neutral["custom_fields"] = json.dumps(extra)
            yield NeutralRow(row.row_number, neutral, dict(row.cells))


def _yaml_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"
