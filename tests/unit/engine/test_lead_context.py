"""The derived fields of a lead: inherited from its matched account, overridden by the caller."""

from __future__ import annotations

from l2o.domain import Account, Lead
from l2o.engine.lead_context import lead_derived_fields, lead_fields_given
from l2o.spec.fields import DERIVED_FIELDS


def test_every_derived_lead_field_of_the_spec_gets_a_value() -> None:
    account = Account(name="Globex", employees=500, technologies=["dbt"])
    assert set(lead_derived_fields(Lead(), account)) == set(DERIVED_FIELDS["lead"])
    assert set(lead_derived_fields(Lead(), None)) == set(DERIVED_FIELDS["lead"])


def test_the_callers_values_override_the_derived_ones() -> None:
    lead = Lead(fit_score=20, engagement_score=5)
    account = Account(name="Globex", employees=500, industry="software")
    given = lead_fields_given(lead, account, {"score": 60.0, "employees": 10})
    assert dict(given) == lead_derived_fields(lead, account) | {"score": 60.0, "employees": 10}
    assert dict(lead_fields_given(lead, account, None)) == lead_derived_fields(lead, account)


def test_values_given_for_every_derived_field_are_read_as_given() -> None:
    lead, account = Lead(fit_score=20), Account(name="Globex", employees=500)
    full = lead_derived_fields(lead, account) | {"score": 99.0, "industry": "retail"}
    assert lead_fields_given(lead, account, full) == full
