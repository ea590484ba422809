"""The duplicates ground truth is exact: listed duplicates are variants, nothing else is."""

from __future__ import annotations

import re

import numpy as np
import pytest

from l2o.simulate import SimulatedCompany


def _rows(company: SimulatedCompany, record: str) -> tuple[np.ndarray, np.ndarray]:
    dup = company.duplicates
    mask = dup["record_type"] == record.encode()
    number = np.vectorize(lambda s: int(s.split(b"-")[1]) - 1, otypes=[np.int64])
    return number(dup["duplicate_id"][mask]), number(dup["master_id"][mask])


def _phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-7:]


def _keys(company: SimulatedCompany, record: str, row: int) -> tuple[str, str, str]:
    t = company.tables[record]
    first = t["first_name"][row].decode().lower()
    last = t["last_name"][row].decode().lower()
    return (
        f"{first[:1]}|{last}" if first else last,
        t["email"][row].decode().lower(),
        _phone_key(t["phone"][row].decode()),
    )


@pytest.mark.parametrize("record", ["leads", "contacts"])
def test_every_listed_person_duplicate_is_a_variant_of_its_master(defined, record):
    dups, masters = _rows(defined, record)
    assert dups.size > 50
    t = defined.tables[record]
    for d, m in zip(dups.tolist(), masters.tolist(), strict=True):
        a, b = _keys(defined, record, d), _keys(defined, record, m)
        same = sum(x == y and x != "" for x, y in zip(a, b, strict=True))
        assert same >= 1, (record, d, m, a, b)
        assert sum(x == y for x, y in zip(a, b, strict=True)) >= 2 or "" in a + b
        raw = [t[c][d] != t[c][m] for c in ("first_name", "last_name", "email", "phone")]
        assert any(raw), f"{record} row {d} is an exact copy, not a variant"
        if record == "contacts":
            assert t["account_id"][d] == t["account_id"][m]


def test_every_listed_account_duplicate_is_a_variant_of_its_master(defined):
    dups, masters = _rows(defined, "accounts")
    accounts = defined.tables["accounts"]
    assert dups.size > 10
    for d, m in zip(dups.tolist(), masters.tolist(), strict=True):
        dup_name = accounts["name"][d].decode().lower()
        master_name = accounts["name"][m].decode().lower()
        stem = master_name.rsplit(" ", 1)[0]
        assert dup_name != accounts["name"][m].decode()
        assert dup_name.startswith(stem)


@pytest.mark.parametrize("record", ["leads", "contacts"])
def test_no_unlisted_duplicates_among_generated_people(defined, record):
    dups, _ = _rows(defined, record)
    t = defined.tables[record]
    original = np.setdiff1d(np.arange(len(t)), dups)
    emails = t["email"][original]
    emails = emails[emails != b""]
    assert np.unique(emails).size == emails.size
    phones = [_phone_key(p) for p in t["phone"][original].astype(str).tolist() if p]
    assert len(set(phones)) == len(phones)


def test_no_unlisted_duplicates_among_generated_accounts(defined):
    dups, _ = _rows(defined, "accounts")
    accounts = defined.tables["accounts"]
    original = np.setdiff1d(np.arange(len(accounts)), dups)
    stems = [n.rsplit(b" ", 1)[0].lower() for n in accounts["name"][original].tolist()]
    assert len(set(stems)) == len(stems)


def test_leads_and_their_contacts_are_the_same_person_not_duplicates(defined):
    leads = defined.tables["leads"]
    converted = leads["converted_contact_id"] > 0
    contacts = defined.tables["contacts"]
    assert np.array_equal(
        leads["email"][converted], contacts["email"][leads["converted_contact_id"][converted] - 1]
    )
