"""What an importer may write: one ``RecordSpec`` per record type, read off the domain classes.

A record type is named as in the neutral CSV format (``leads``, ``opportunities``...). Its
spec lists each field's kind (text, integer, money...), whether it is required (the domain
class gives it no default), and which fields reference other records - so every source
adapter produces the same neutral rows and one converter checks them all.

``IMPORT_ORDER`` puts each record type after the ones it references, so a reference is
resolved against records already accepted in the batch (or in the store). The only
references back into the same file are self-references (a manager, a parent account, the
contract a renewal renews); ``RecordSpec.self_references`` names them.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import UnionType
from typing import Any, Literal

from l2o import domain

__all__ = ["IMPORT_ORDER", "RECORD_SPECS", "FieldKind", "FieldSpec", "RecordSpec", "record_spec"]

FieldKind = Literal["text", "int", "float", "decimal", "bool", "timestamp", "date", "enum", "json"]

# Neutral file name -> domain class name, parents before children (see module docstring).
_RECORD_CLASSES: tuple[tuple[str, str], ...] = (
    ("territories", "Territory"),
    ("users", "User"),
    ("accounts", "Account"),
    ("contacts", "Contact"),
    ("campaigns", "Campaign"),
    ("products", "Product"),
    ("price_book_entries", "PriceBookEntry"),
    ("opportunities", "Opportunity"),
    ("leads", "Lead"),
    ("touchpoints", "Touchpoint"),
    ("stage_changes", "StageChange"),
    ("opportunity_field_changes", "OpportunityFieldChange"),
    ("quotes", "Quote"),
    ("quote_lines", "QuoteLine"),
    ("approvals", "Approval"),
    ("orders", "Order"),
    ("contracts", "Contract"),
    ("usage_records", "UsageRecord"),
    ("support_tickets", "SupportTicket"),
    ("tasks", "Task"),
)

# Reference fields and the record type they point at. Fields ending in ``_id`` name their
# target where the name alone does not say it.
_REFERENCES: dict[str, str] = {
    "account_id": "accounts",
    "contact_id": "contacts",
    "lead_id": "leads",
    "opportunity_id": "opportunities",
    "campaign_id": "campaigns",
    "product_id": "products",
    "quote_id": "quotes",
    "order_id": "orders",
    "contract_id": "contracts",
    "territory_id": "territories",
    "owner_id": "users",
    "user_id": "users",
    "manager_id": "users",
    "approver_id": "users",
    "requested_by": "users",
    "primary_contact_id": "contacts",
    "converted_contact_id": "contacts",
    "converted_account_id": "accounts",
    "converted_opportunity_id": "opportunities",
    "renewal_of_id": "contracts",
    "parent_contract_id": "contracts",
    # Who moved or edited a deal: not a database reference, but a user all the same.
    "changed_by": "users",
}
_SELF_REFERENCES = {"parent_id", "merged_into_id"}
# Decimal fields kept to four places (percent points, quantities); other decimals are money.
_FOUR_PLACES = {"probability", "discount_pct", "max_discount_pct", "quantity"}
# Filled by L2O itself, never read from a source file.
_NOT_IMPORTED = {"id", "source_system", "source_id", "version", "merged_into_id"}


@dataclass(frozen=True)
class FieldSpec:
    """One importable field: its kind, whether a row must give it, what it references."""

    name: str
    kind: FieldKind
    required: bool
    default: Any = None
    has_factory: bool = False
    enum: type[StrEnum] | None = None
    scale: int = 2
    references: str | None = None


@dataclass(frozen=True)
class RecordSpec:
    """The importable shape of one record type (``leads``) and its domain class (``Lead``)."""

    record_type: str
    record_class: type[domain.Record]
    fields: dict[str, FieldSpec]
    has_source_key: bool

    @property
    def type_name(self) -> str:
        """The domain's name for the record (``Lead``), as audit rows and messages use it."""
        return self.record_class.__name__

    @property
    def references(self) -> dict[str, str]:
        """Reference fields and the record type each points at."""
        return {f.name: f.references for f in self.fields.values() if f.references}

    @property
    def self_references(self) -> list[str]:
        """Reference fields that point into the same record type."""
        return [name for name, target in self.references.items() if target == self.record_type]


def _kind(annotation: Any) -> tuple[FieldKind, type[StrEnum] | None]:
    args = typing.get_args(annotation)
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in args if arg is not type(None))
    origin = typing.get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, StrEnum):
        return "enum", origin
    kinds: dict[Any, FieldKind] = {
        str: "text",
        bool: "bool",
        int: "int",
        float: "float",
        Decimal: "decimal",
        datetime: "timestamp",
        date: "date",
        dict: "json",
        list: "json",
    }
    if origin in kinds:
        return kinds[origin], None
    raise TypeError(f"no import kind for field type {annotation!r}")


def _field_spec(record_type: str, field: dataclasses.Field[Any], annotation: Any) -> FieldSpec:
    kind, enum = _kind(annotation)
    optional = type(None) in typing.get_args(annotation)
    has_default = field.default is not dataclasses.MISSING
    has_factory = field.default_factory is not dataclasses.MISSING
    default = field.default if has_default else None
    if field.name in _SELF_REFERENCES:
        target: str | None = record_type
    else:
        target = _REFERENCES.get(field.name)
    return FieldSpec(
        name=field.name,
        kind=kind,
        required=not (has_default or has_factory or optional),
        default=default,
        has_factory=has_factory,
        enum=enum,
        scale=4 if field.name in _FOUR_PLACES else 2,
        references=target,
    )


def _importable(field: dataclasses.Field[Any], annotation: Any) -> bool:
    if field.name in _NOT_IMPORTED or not field.init:
        return False
    # Child collections (an opportunity's stage history, a quote's lines) are records of
    # their own type, imported from their own file.
    args = typing.get_args(annotation)
    return not (
        typing.get_origin(annotation) is list
        and args
        and isinstance(args[0], type)
        and issubclass(args[0], domain.Record)
    )


def _record_spec(record_type: str, record_class: type[domain.Record]) -> RecordSpec:
    hints = typing.get_type_hints(record_class)
    fields = {
        field.name: _field_spec(record_type, field, hints[field.name])
        for field in dataclasses.fields(record_class)  # type: ignore[arg-type]
        if _importable(field, hints[field.name])
    }
    names = {field.name for field in dataclasses.fields(record_class)}  # type: ignore[arg-type]
    return RecordSpec(
        record_type=record_type,
        record_class=record_class,
        fields=fields,
        has_source_key={"source_system", "source_id"} <= names,
    )


def _build_specs() -> dict[str, RecordSpec]:
    specs = {}
    for record_type, class_name in _RECORD_CLASSES:
        record_class = getattr(domain, class_name, None)
        if record_class is not None:
            specs[record_type] = _record_spec(record_type, record_class)
    return specs


#: Every importable record type's spec, in ``IMPORT_ORDER``.
RECORD_SPECS: dict[str, RecordSpec] = _build_specs()
#: Record types, each after the record types it references.
IMPORT_ORDER: tuple[str, ...] = tuple(RECORD_SPECS)


def record_spec(record_type: str) -> RecordSpec:
    """The spec of ``record_type``; ``KeyError`` lists the known ones."""
    try:
        return RECORD_SPECS[record_type]
    except KeyError:
        known = ", ".join(RECORD_SPECS)
        raise KeyError(f"unknown record type {record_type!r}; known: {known}") from None
