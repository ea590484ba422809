"""Records in, match columns out: the table Splink and the exact-key pass read.

Input is what an importer or the store has at hand: a sequence of mappings (dicts, or record
objects turned into dicts), a pandas DataFrame or a pyarrow Table, each row with an ``id``.
Each prepared column comes from one field through one standardizer, the same functions the
importer standardizes with (``l2o.ingest.standardize``), so "ACME Inc." and "Acme" meet.
Empty values become NULL: Splink treats NULL as "unknown", not as a matching value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import pyarrow as pa  # type: ignore[import-untyped]

from l2o.ingest.dedupe._errors import DedupeError
from l2o.ingest.dedupe._settings import DedupeSettings
from l2o.ingest.standardize import (
    company_match_key,
    standard_email,
    standard_phone,
    website_domain,
)

__all__ = ["ID_COLUMN", "SOURCE_KEY", "Rows", "email_key", "prepare_table"]

#: The column that names each record; matches refer to records by it.
ID_COLUMN = "id"

#: ``source_system:source_id`` when the rows carry both: the same CRM record twice is one.
SOURCE_KEY = "source_key"

#: What ``find_duplicates`` accepts: rows as mappings, or a pandas / pyarrow table.
Rows: TypeAlias = Iterable[Mapping[str, Any]] | Any  # or a pandas / pyarrow table


def _text(value: str) -> str | None:
    return value.strip() or None


def _lower(value: str) -> str | None:
    return " ".join(value.lower().split()) or None


def email_key(value: str) -> str:
    """An e-mail address as a match key: valid, then lower-cased whole (``Jo@X.com``)."""
    return standard_email(value).lower()


_STANDARDIZERS: dict[str, Callable[[str], str | None]] = {
    "text": _text,
    "lower": _lower,
    "email": email_key,
    "email_domain": website_domain,
    "phone": standard_phone,
    "company": company_match_key,
    "domain": website_domain,
}


#: Match keys of values the importer has standardized already (read back from the store):
#: a stored e-mail is ``standard_email``'s output and a stored phone ``standard_phone``'s, so
#: standardizing them again would give them back unchanged, at a library call each.
_OF_STANDARD_VALUES: dict[str, Callable[[str], str | None]] = {
    "email": lambda value: value.lower(),
    "phone": _text,
}


def prepare_table(
    rows: Rows, settings: DedupeSettings, *, standardized: Iterable[str] = ()
) -> pa.Table:
    """The ``id`` column plus every prepared column of ``settings``, as strings or NULL.

    ``standardized`` names the source fields whose values are the importer's standard form
    already (records read back from the store): their e-mail and phone standardizers are
    skipped, which changes no key. A missing source field is an error naming it (a silent
    NULL column would make every record look unknown on it); duplicate ids are refused,
    since a match names records by id.
    """
    standard = set(standardized)
    table = _as_arrow(rows)
    missing = [f for f in (ID_COLUMN, *settings.source_fields) if f not in table.column_names]
    if missing:
        raise DedupeError(
            f"{settings.record_type}: the rows have no {', '.join(missing)} column(s); "
            f"dedupe reads {', '.join((ID_COLUMN, *settings.source_fields))}"
        )
    ids = [None if v is None else str(v) for v in table.column(ID_COLUMN).to_pylist()]
    if any(v is None or v == "" for v in ids):
        raise DedupeError(f"{settings.record_type}: every row needs an id")
    if len(set(ids)) != len(ids):
        raise DedupeError(f"{settings.record_type}: ids must be unique, some appear twice")
    columns: dict[str, list[str | None]] = {ID_COLUMN: ids}
    for column in settings.prepare:
        standardize = _STANDARDIZERS[column.standardizer]
        if column.source in standard:
            standardize = _OF_STANDARD_VALUES.get(column.standardizer, standardize)
        values = table.column(column.source).to_pylist()
        columns[column.name] = [_apply(standardize, v) for v in values]
    if {"source_system", "source_id"} <= set(table.column_names):
        systems = table.column("source_system").to_pylist()
        source_ids = table.column("source_id").to_pylist()
        columns[SOURCE_KEY] = [
            f"{system}:{source_id}" if system and source_id not in (None, "") else None
            for system, source_id in zip(systems, source_ids, strict=True)
        ]
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})


def _apply(standardize: Callable[[str], str | None], value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return None
    text = str(value)
    if not text.strip():
        return None
    try:
        result = standardize(text)
    except ValueError:  # RowProblem is a ValueError
        # A value the standardizer rejects (a malformed phone) cannot match anything:
        # validation has already quarantined or flagged it; here it is just unknown.
        return None
    return result or None


def _as_arrow(rows: Rows) -> pa.Table:
    if isinstance(rows, pa.Table):
        return rows
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        return pa.Table.from_pandas(rows, preserve_index=False)
    listed = [dict(row) for row in rows]
    if not listed:
        return pa.table({ID_COLUMN: pa.array([], type=pa.string())})
    names = list(dict.fromkeys(key for row in listed for key in row))
    return pa.table(
        {
            name: pa.array([_plain(row.get(name)) for row in listed], type=pa.string())
            for name in names
        }
    )


def _plain(value: Any) -> str | None:
    # Every value is matched as text (a StrEnum as its value); None stays unknown.
    return None if value is None else str(value)
