"""How a rule reads one field of a record: stored, qualification, custom or derived.

Every rule in the engine names fields the way the spec does (``l2o.spec.fields``). A
:class:`RecordFields` is the one place that turns such a name into a value:

1. a value the caller supplied in ``derived`` (derived fields, or any override);
2. a stored attribute of the record (``Account.industry``, ``Opportunity.next_step``);
3. an opportunity's qualification element, from its ``qualification`` map;
4. a custom field, from the record's ``custom_fields`` map.

A derived field the caller did not supply raises :class:`MissingFieldError` - the engine
does not guess an account's ARR - and a name no record type has raises
:class:`UnknownFieldError`. Records may also be plain mappings (e.g. rows being replayed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, cast

from l2o.engine.errors import MissingFieldError, UnknownFieldError
from l2o.spec.fields import DERIVED_FIELDS, QUALIFICATION_FIELDS, STORED_FIELDS, RecordType

__all__ = ["FieldReader", "RecordFields", "field_reader", "is_filled", "is_set", "plain"]

_NO_VALUES: Mapping[str, Any] = {}


def plain(value: Any) -> Any:
    """A record value as rules compare it: enums become their value."""
    return value.value if isinstance(value, Enum) else value


def is_set(value: Any) -> bool:
    """Whether a field holds something: not ``None``, not blank text, not an empty list.

    ``False`` is a value (a checkbox left unticked is set), unlike :func:`is_filled`.
    """
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return bool(value)
    return True


def is_filled(value: Any) -> bool:
    """Whether a gate criterion on this value is met: set, and ``True`` for a checkbox.

    A stage gate ``{field: security_review_done}`` means "the review is done", so an
    unticked checkbox does not open it; a qualification element marked ``False`` is not
    confirmed either.
    """
    if isinstance(value, bool):
        return value
    return is_set(value)


class RecordFields:
    """One record's fields as the spec names them, plus derived values and previous values.

    >>> from l2o.domain import Account
    >>> fields = RecordFields(Account(name="Acme", industry="software"), "account",
    ...                       derived={"arr": 120000})
    >>> fields.get("industry"), fields.get("arr")
    ('software', 120000)

    ``previous`` holds the values before the change being evaluated (for the ``changed``
    operator and ``field_changed`` triggers); a field missing from it was unset before.
    """

    __slots__ = ("derived", "is_mapping", "previous", "record", "record_type")

    def __init__(
        self,
        record: object,
        record_type: RecordType,
        *,
        derived: Mapping[str, Any] | None = None,
        previous: Mapping[str, Any] | None = None,
    ) -> None:
        self.record = record
        self.record_type: RecordType = record_type
        self.is_mapping = isinstance(record, Mapping)
        self.derived: Mapping[str, Any] = derived if derived is not None else _NO_VALUES
        self.previous = previous

    def get(self, name: str) -> Any:
        """The value of field ``name`` (``None`` when unset)."""
        return field_reader(self.record_type, name)(self)

    def previous_value(self, name: str) -> Any:
        """The value ``name`` had before the change; raises when no previous values were given."""
        if self.previous is None:
            raise MissingFieldError(
                self.record_type,
                name,
                "the 'changed' test needs the previous values (pass previous={} when nothing "
                "was known before)",
            )
        return plain(self.previous.get(name))

    def from_mapping(self, name: str) -> Any:
        """The value of ``name`` in a record given as a mapping (``derived`` aside)."""
        record = cast(Mapping[str, Any], self.record)
        if name in record:
            return plain(record[name])
        return self.absent(name)

    def absent(self, name: str) -> Any:
        """The value of ``name`` when neither ``derived`` nor a stored attribute holds it."""
        if name in DERIVED_FIELDS[self.record_type]:
            raise MissingFieldError(
                self.record_type,
                name,
                f"a derived field ({DERIVED_FIELDS[self.record_type][name]}); "
                "supply it in derived=... (None when unknown)",
            )
        if self.is_mapping:
            custom = cast(Mapping[str, Any], self.record).get("custom_fields")
        else:
            custom = getattr(self.record, "custom_fields", None)
        if type(custom) is dict or isinstance(custom, Mapping):
            return plain(custom.get(name))
        if name in STORED_FIELDS[self.record_type] or name in QUALIFICATION_FIELDS:
            return None
        if custom is None:
            raise UnknownFieldError(self.record_type, name)
        return None


FieldReader = Callable[[RecordFields], Any]
"""How one field is read from a record's fields: ``reader(fields)`` is ``fields.get(name)``."""

_READERS: dict[tuple[str, str], FieldReader] = {}
#: Readers kept before they are made afresh (callers may ask for any name).
_READERS_KEPT = 4_096


def field_reader(record_type: RecordType, name: str) -> FieldReader:
    """How records of ``record_type`` give field ``name``, worked out once per field.

    Where the value comes from (a supplied derived value first, then a stored attribute, a
    qualification element or a custom field) depends on the name and the record type, not on
    the record: rules that read the same field many times take the reader once.

    >>> from l2o.domain import Lead
    >>> title = field_reader("lead", "title")
    >>> title(RecordFields(Lead(title="Head of Data"), "lead"))
    'Head of Data'
    """
    reader = _READERS.get((record_type, name))
    if reader is None:
        if name in STORED_FIELDS[record_type]:
            reader = _stored_reader(name)
        elif record_type == "opportunity" and name in QUALIFICATION_FIELDS:
            reader = _qualification_reader(name)
        else:
            reader = _other_reader(name)
        if len(_READERS) >= _READERS_KEPT:
            _READERS.clear()
        _READERS[(record_type, name)] = reader
    return reader


def _stored_reader(name: str) -> FieldReader:
    def read(fields: RecordFields) -> Any:
        derived = fields.derived
        if name in derived:
            value = derived[name]
        elif fields.is_mapping:
            return fields.from_mapping(name)
        else:
            value = getattr(fields.record, name, None)
        return value.value if isinstance(value, Enum) else value

    return read


def _qualification_reader(name: str) -> FieldReader:
    def read(fields: RecordFields) -> Any:
        if name in fields.derived:
            return plain(fields.derived[name])
        if fields.is_mapping:
            return fields.from_mapping(name)
        qualification = getattr(fields.record, "qualification", None) or _NO_VALUES
        return plain(qualification.get(name))

    return read


def _other_reader(name: str) -> FieldReader:
    def read(fields: RecordFields) -> Any:
        if name in fields.derived:
            return plain(fields.derived[name])
        if fields.is_mapping:
            return fields.from_mapping(name)
        return fields.absent(name)

    return read
