"""Shared conventions: ids, UTC time, JSON-safe values, identity by id."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2o.domain import Account, Lead, LeadStatus, as_utc, jsonable, new_id


def test_new_ids_are_distinct_uuid_strings() -> None:
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


def test_as_utc_converts_aware_and_refuses_naive() -> None:
    paris = timezone(timedelta(hours=1))
    assert as_utc(datetime(2025, 1, 1, 9, tzinfo=paris)) == datetime(2025, 1, 1, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="no timezone"):
        as_utc(datetime(2025, 1, 1, 9))


_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(0), "Z"), timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]
)


@given(at=st.datetimes(timezones=_ZONES))
def test_as_utc_gives_what_astimezone_gives_for_any_zone(at: datetime) -> None:
    # A value already in UTC takes a short path; every value ends as astimezone(UTC) makes it.
    converted = as_utc(at)
    assert converted == at
    assert (converted.replace(fold=0), converted.tzinfo) == (
        at.astimezone(UTC).replace(fold=0),
        UTC,
    )


def test_jsonable_keeps_money_digits_and_zones() -> None:
    value = {
        "amount": Decimal("1200.50"),
        "at": datetime(2025, 1, 1, 9, tzinfo=UTC),
        "day": date(2025, 3, 31),
        "status": LeadStatus.MQL,
        "tags": ("a", "b"),
        "n": 3,
        "ok": True,
    }
    assert jsonable(value) == {
        "amount": "1200.50",
        "at": "2025-01-01T09:00:00+00:00",
        "day": "2025-03-31",
        "status": "mql",
        "tags": ["a", "b"],
        "n": 3,
        "ok": True,
    }


def test_jsonable_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="object"):
        jsonable(object())


def test_records_are_equal_by_type_and_id_not_by_fields() -> None:
    account = Account(name="Acme")
    same = Account(id=account.id, name="Acme Corp")
    assert account == same
    assert hash(account) == hash(same)
    assert account != Account(name="Acme")
    assert account != Lead(id=account.id)
    assert Account.type_name() == "Account"
