"""Neutral rows to checked, standardized values: the one converter every source goes through.

A source adapter turns its file's row into a *neutral row* - field names of ``l2o.domain``,
values still text (``{"id": "LD-7", "email": "Ana@Acme.com", "created_at": "..."}``).
``RowConverter.convert`` reads each value by its field's kind, standardizes it (e-mail,
phone, country, currency, domain), checks the record's own rules, and returns a
``StagedRow``; any broken rule raises ``RowProblem`` so the row goes to quarantine whole.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from l2o.ingest.problems import RowProblem
from l2o.ingest.records import FieldSpec, RecordSpec
from l2o.ingest.standardize import (
    standard_country,
    standard_currency,
    standard_email,
    standard_phone,
    website_domain,
)
from l2o.ingest.values import (
    check_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_float,
    parse_int,
    parse_timestamp,
)

__all__ = ["RowConverter", "StagedRow", "ValueFormats", "insert_columns", "insert_defaults"]

# Values a warehouse sync replaced by a digest (MD5 as base64 or hex): not data any more.
_HASHED = re.compile(r"[A-Za-z0-9+/]{22}==|[0-9a-f]{32}")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ValueFormats:
    """How a source writes values: extra date/time formats, and whether digests may appear.

    ``date_formats``/``timestamp_formats`` are ``strptime`` codes tried after ISO 8601;
    naive times are read as UTC. ``refuse_hashed`` quarantines values that are digests.
    """

    date_formats: tuple[str, ...] = ()
    timestamp_formats: tuple[str, ...] = ()
    refuse_hashed: bool = False


@dataclass
class StagedRow:
    """A row that passed every check, waiting for its references and its write.

    ``values`` holds only the fields the source gave (an empty cell is ``None``), so an
    update never overwrites what the file did not say; ``references`` maps each reference
    field to the *source* id it names, resolved to a store id by the import service.
    """

    record_type: str
    row_number: int
    source_id: str
    values: dict[str, Any]
    references: dict[str, str | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


class RowConverter:
    """Checks and standardizes neutral rows of one record type.

    ``text_limits`` gives the longest text each field can hold (from the store's columns),
    so an over-long cell is quarantined by name instead of failing the whole batch.
    """

    def __init__(
        self,
        spec: RecordSpec,
        formats: ValueFormats | None = None,
        text_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.spec = spec
        self.formats = formats or ValueFormats()
        self.text_limits = dict(text_limits or {})
        self._readers: dict[str, Callable[[str], Any]] = {
            name: self._reader(spec_field) for name, spec_field in spec.fields.items()
        }
        self._plans: dict[tuple[str, ...], _ColumnPlan] = {}

    def convert(
        self, row_number: int, neutral: Mapping[str, str | None], raw: dict[str, Any]
    ) -> StagedRow:
        """The ``StagedRow`` for one neutral row; ``RowProblem`` names the first broken rule."""
        source_id = (neutral.get("id") or "").strip()
        if not source_id:
            raise RowProblem("id", "missing_source_id", "the row has no id to import it by")
        check_text(source_id, "id", self.text_limits.get("source_id"))
        columns = tuple(neutral)
        plan = self._plans.get(columns)
        if plan is None:
            plan = self._plan(columns)
            if len(self._plans) < _PLANS_KEPT:  # a source whose rows vary in columns
                self._plans[columns] = plan
        values: dict[str, Any] = {}
        references: dict[str, str | None] = {}
        refuse_hashed = self.formats.refuse_hashed
        for name, spec_field, read, is_reference in plan.cells:
            text = neutral[name]
            if not text or text.isspace():  # what ``not text.strip()`` says, without a copy
                if is_reference and not spec_field.required:
                    references[name] = None
                else:
                    self._empty(spec_field, values, references)
                continue
            if refuse_hashed and _HASHED.fullmatch(text.strip()):
                raise RowProblem(
                    name,
                    "hashed_value",
                    f"{text.strip()!r} is a digest, not a value; "
                    "the source replaced it and it cannot be resolved",
                )
            if is_reference:
                references[name] = read(text)
            else:
                values[name] = read(text)
        if plan.phone:
            self._phone(neutral["phone"], values)
        if plan.missing is not None:
            name = plan.missing
            raise RowProblem(name, "missing_column", f"the file has no {name} column")
        self._check_record(values, references)
        return StagedRow(self.spec.record_type, row_number, source_id, values, references, raw)

    def _plan(self, columns: tuple[str, ...]) -> _ColumnPlan:
        """How rows with ``columns`` (in this order) are read: worked out once per header."""
        fields = self.spec.fields
        cells = tuple(
            (name, fields[name], self._readers[name], bool(fields[name].references))
            for name in columns
            if name in fields and name != "phone"
        )
        missing = next((n for n, f in fields.items() if f.required and n not in columns), None)
        return _ColumnPlan(cells, "phone" in columns and "phone" in fields, missing)

    @staticmethod
    def _empty(
        spec_field: FieldSpec, values: dict[str, Any], references: dict[str, str | None]
    ) -> None:
        if spec_field.required:
            raise RowProblem(spec_field.name, "missing_required", f"{spec_field.name} is required")
        if spec_field.references:
            references[spec_field.name] = None
        elif not spec_field.has_factory:  # a made-up default (now, {}) is not the source's
            values[spec_field.name] = spec_field.default

    def _phone(self, text: str | None, values: dict[str, Any]) -> None:
        if text is None or not text.strip():
            values["phone"] = None
            return
        region = values.get("country") if isinstance(values.get("country"), str) else None
        values["phone"] = standard_phone(text, region)

    def _reader(self, spec_field: FieldSpec) -> Callable[[str], Any]:
        if spec_field.references:  # a source id, kept as text until the import resolves it
            name = spec_field.name
            return _remembered(lambda v: check_text(v.strip(), name, 255))
        read = self._plain_reader(spec_field)
        if spec_field.kind in _REMEMBERED_KINDS or spec_field.name in _REMEMBERED_FIELDS:
            return _remembered(read)
        return read

    def _plain_reader(self, spec_field: FieldSpec) -> Callable[[str], Any]:
        name, formats = spec_field.name, self.formats
        limit = self.text_limits.get(name)
        special: dict[str, Callable[[str], Any]] = {
            "email": lambda v: standard_email(check_text(v, name, limit), name),
            "country": lambda v: standard_country(check_text(v.strip(), name, limit), name),
            "currency": lambda v: standard_currency(check_text(v, name, limit), name),
            "domain": lambda v: website_domain(check_text(v, name, limit), name),
        }
        if name in special and spec_field.kind == "text":
            return special[name]
        kind = spec_field.kind
        if kind == "text":
            return lambda v: check_text(v.strip(), name, limit)
        if kind == "int":
            return lambda v: parse_int(v, name)
        if kind == "float":
            return lambda v: parse_float(v, name)
        if kind == "decimal":
            return lambda v: parse_decimal(v, name, spec_field.scale)
        if kind == "bool":
            return lambda v: parse_bool(v, name)
        if kind == "timestamp":
            return lambda v: parse_timestamp(v, formats.timestamp_formats, name)
        if kind == "date":
            return lambda v: parse_date(v, formats.date_formats, name)
        if kind == "enum":
            return self._enum_reader(spec_field)
        if spec_field.has_factory and spec_field.default is None and name != "technologies":
            return lambda v: _json_object(v, name)
        return lambda v: [item.strip() for item in check_text(v, name).split(";") if item.strip()]

    @staticmethod
    def _enum_reader(spec_field: FieldSpec) -> Callable[[str], Any]:
        enum = spec_field.enum
        assert enum is not None
        allowed = {member.value: member for member in enum}
        known: dict[str, Any] = {}  # text as written -> member: a picklist has few spellings

        def read(text: str) -> Any:
            member = known.get(text)
            if member is not None:
                return member
            key = re.sub(r"[\s\-]+", "_", text.strip().lower())
            if key in allowed:
                if len(known) < 1_000:
                    known[text] = allowed[key]
                return allowed[key]
            raise RowProblem(
                spec_field.name,
                "unknown_value",
                f"{text.strip()[:60]!r} is not one of {', '.join(allowed)}",
            )

        return read

    def _check_record(self, values: dict[str, Any], references: dict[str, str | None]) -> None:
        """The record's own rules that a single field cannot see."""
        for name in ("probability", "discount_pct", "max_discount_pct"):
            value = values.get(name)
            if value is not None and not 0 <= value <= _HUNDRED:
                raise RowProblem(name, "out_of_range", f"{value} is outside 0-100 percent")
        start, end = values.get("start_date"), values.get("end_date")
        if start is not None and end is not None and end < start:
            raise RowProblem(
                "end_date", "ends_before_start", f"ends {end} before it starts {start}"
            )
        satisfaction = values.get("satisfaction")
        if satisfaction is not None and not 1 <= satisfaction <= 5:
            raise RowProblem("satisfaction", "out_of_range", f"{satisfaction} is not 1-5")


@dataclass(frozen=True)
class _ColumnPlan:
    """What ``RowConverter.convert`` does with the columns of one header: each field's cell,
    its reader and whether it is a reference (kept as text), whether a phone is read (after
    the country it is placed by), and the first required field the header lacks."""

    cells: tuple[tuple[str, FieldSpec, Callable[[str], Any], bool], ...]
    phone: bool
    missing: str | None


#: Column sets (headers) whose plan a converter keeps.
_PLANS_KEPT = 64

#: Kinds and fields whose reading is a pure function of the text, to an immutable value, and
#: whose texts repeat (dates, amounts, countries, currencies, picklist-like texts, the source
#: ids references name): each text is read once.
_REMEMBERED_KINDS = frozenset({"text", "int", "float", "decimal", "bool", "date", "timestamp"})
_REMEMBERED_FIELDS = frozenset({"country", "currency", "domain"})
#: Distinct texts remembered per field; past it, new texts are read every time.
_REMEMBERED_TEXTS = 20_000


def _remembered(read: Callable[[str], Any]) -> Callable[[str], Any]:
    """``read`` that answers a text it has read before from memory (refusals are not kept)."""
    known: dict[str, Any] = {}

    def remembered(text: str) -> Any:
        value = known.get(text, _ABSENT)
        if value is _ABSENT:
            value = read(text)
            if len(known) < _REMEMBERED_TEXTS:
                known[text] = value
        return value

    return remembered


def _json_object(text: str, field: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise RowProblem(field, "invalid_json", f"{text[:60]!r} is not a JSON object")
    for item in value.values():
        if isinstance(item, str):
            check_text(item, field)
    return value


def insert_defaults(spec: RecordSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a new record is written with: the row's, then the domain's defaults.

    ``Contract.mrr`` follows ``arr`` when the source gives none, as the domain class does.
    One row's :func:`insert_columns`.
    """
    return {name: column[0] for name, column in insert_columns(spec, [values]).items()}


def insert_columns(spec: RecordSpec, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """What :func:`insert_defaults` makes of each of ``rows``, field by field: one list of
    values per field (in field order), built a column at a time.

    A field takes the row's value; where the row has none, a default made by its factory
    or else its default value; a null that cannot stand becomes the default value. Values
    for no field are left out.
    """
    plan = _insert_plan(spec)
    columns: dict[str, list[Any]] = {}
    for name, default in plan.defaults.items():
        make = plan.factories.get(name)
        if make is None:
            column = [row.get(name, default) for row in rows]
        else:
            column = [row[name] if name in row else make() for row in rows]
        fallback = plan.not_null.get(name, _ABSENT)
        if fallback is not _ABSENT and None in column:
            column = [fallback if value is None else value for value in column]
        columns[name] = column
    if "mrr" in columns and "arr" in columns:
        columns["mrr"] = [
            (arr / 12).quantize(_CENT) if mrr is None and arr is not None else mrr
            for mrr, arr in zip(columns["mrr"], columns["arr"], strict=True)
        ]
    return columns


@dataclass(frozen=True)
class _InsertPlan:
    """For one record type, the fields the importer writes: each one's default value
    (``None`` where a factory makes it), the factories, and the default values that a null
    from the source does not override."""

    defaults: dict[str, Any]
    factories: dict[str, Callable[[], Any]]
    not_null: dict[str, Any]


_PLANS: dict[str, _InsertPlan] = {}
_ABSENT = object()
_CENT = Decimal("0.01")


def _insert_plan(spec: RecordSpec) -> _InsertPlan:
    """The insert plan of ``spec``'s record type (worked out once per type)."""
    plan = _PLANS.get(spec.record_type)
    if plan is None:
        fields = [
            (name, default, factory)
            for name, default, factory in _defaults(spec.record_class)
            if name in spec.fields
        ]
        plan = _PLANS[spec.record_type] = _InsertPlan(
            defaults={name: default for name, default, _ in fields},
            factories={name: factory for name, _, factory in fields if factory},
            not_null={
                name: default
                for name, default, _ in fields
                if spec.fields[name].default is not None
            },
        )
    return plan


_DEFAULTS: dict[str, tuple[tuple[str, Any, Callable[[], Any] | None], ...]] = {}


def _defaults(record_class: type) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """Each field's name, default and default factory (read once per record class)."""
    known = _DEFAULTS.get(record_class.__qualname__)
    if known is not None:
        return known
    known = _DEFAULTS[record_class.__qualname__] = tuple(
        (
            f.name,
            None if f.default is dataclasses.MISSING else f.default,
            None if f.default_factory is dataclasses.MISSING else f.default_factory,
        )
        for f in dataclasses.fields(record_class)
    )
    return known
