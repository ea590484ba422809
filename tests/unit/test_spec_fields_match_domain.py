"""The field names a spec may use are the names the records really have.

A stage gate on ``employees`` must read ``Account.employees``; if the spec and the domain
drifted apart, a gate would silently never open. Stored fields must be attributes of the
domain class; derived fields must not shadow one (they are computed, not stored).
"""

from __future__ import annotations

import dataclasses

import pytest

from l2o.domain import Account, Contact, Lead, Opportunity
from l2o.spec.fields import DERIVED_FIELDS, QUALIFICATION_FIELDS, STORED_FIELDS

RECORDS = {"lead": Lead, "contact": Contact, "account": Account, "opportunity": Opportunity}


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_stored_spec_fields_are_domain_attributes(record: str) -> None:
    attributes = {f.name for f in dataclasses.fields(RECORDS[record])}
    assert STORED_FIELDS[record] - attributes == set()


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_derived_fields_do_not_shadow_stored_ones(record: str) -> None:
    attributes = {f.name for f in dataclasses.fields(RECORDS[record])}
    assert set(DERIVED_FIELDS[record]) & attributes == set()
    assert all(DERIVED_FIELDS[record].values())


def test_qualification_elements_live_in_the_qualification_map() -> None:
    attributes = {f.name for f in dataclasses.fields(Opportunity)}
    assert "qualification" in attributes
    assert QUALIFICATION_FIELDS & attributes == set()
