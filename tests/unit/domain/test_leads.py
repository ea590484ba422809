"""The lead lifecycle keeps its funnel timestamps honest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from l2o.domain import Lead, LeadStatus

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_first_mql_and_sql_times_are_kept() -> None:
    lead = Lead(email="ana@example.com")
    lead.change_status(LeadStatus.MQL, T0)
    lead.change_status(LeadStatus.WORKING, T0 + timedelta(hours=1))
    lead.change_status(LeadStatus.MQL, T0 + timedelta(hours=2))
    lead.change_status(LeadStatus.SQL, T0 + timedelta(hours=3))
    assert lead.mql_at == T0
    assert lead.sql_at == T0 + timedelta(hours=3)
    assert lead.status == LeadStatus.SQL


def test_reaching_sql_directly_stamps_mql_too() -> None:
    lead = Lead()
    lead.change_status(LeadStatus.SQL, T0)
    assert lead.mql_at == lead.sql_at == T0


def test_convert_closes_the_lead_with_its_links() -> None:
    lead = Lead()
    lead.convert(contact_id="c", account_id="a", opportunity_id="o", at=T0)
    assert (lead.status, lead.converted_at) == (LeadStatus.CONVERTED, T0)
    assert (lead.converted_contact_id, lead.converted_account_id) == ("c", "a")
    assert lead.converted_opportunity_id == "o"
    assert not lead.is_open
    with pytest.raises(ValueError, match="cannot change"):
        lead.change_status(LeadStatus.WORKING, T0)
    with pytest.raises(ValueError, match="cannot be converted"):
        lead.convert(contact_id="c", account_id="a", opportunity_id=None, at=T0)


def test_converting_needs_convert() -> None:
    with pytest.raises(ValueError, match="convert"):
        Lead().change_status(LeadStatus.CONVERTED, T0)


def test_routing_and_first_touch_keep_the_first_time() -> None:
    lead = Lead()
    lead.assign("u1", T0)
    lead.assign("u2", T0 + timedelta(days=1))
    assert (lead.owner_id, lead.routed_at) == ("u2", T0)
    lead.record_touch(T0 + timedelta(hours=5))
    lead.record_touch(T0 + timedelta(hours=2))
    lead.record_touch(T0 + timedelta(hours=9))
    assert lead.first_touch_at == T0 + timedelta(hours=2)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Lead().change_status(LeadStatus.MQL, datetime(2025, 1, 1))
