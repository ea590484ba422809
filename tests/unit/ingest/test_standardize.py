"""Standard forms: phones, countries, e-mails, domains, company names, amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from l2o.ingest import RowProblem
from l2o.ingest.standardize import (
    company_match_key,
    standard_amount,
    standard_country,
    standard_currency,
    standard_email,
    standard_phone,
    website_domain,
)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+1 415 555 0132", None, "+14155550132"),
        ("(415) 555-0132", "US", "+14155550132"),
        ("14155550132", "US", "+14155550132"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_phones_become_e164(raw: str, region: str | None, expected: str) -> None:
    assert standard_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["(415) 555-0132", "call me", "+1 23"])
def test_unplaceable_phones_are_refused(raw: str) -> None:
    with pytest.raises(RowProblem) as info:
        standard_phone(raw, None)
    assert info.value.rule == "invalid_phone"
    assert info.value.field == "phone"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("u.s.", "US"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Viet Nam", "VN"),
    ],
)
def test_countries_become_iso_alpha2(raw: str, code: str) -> None:
    assert standard_country(raw) == code


def test_unknown_country_is_refused_by_rule() -> None:
    with pytest.raises(RowProblem) as info:
        standard_country("Atlantis")
    assert info.value.rule == "unknown_country"


def test_email_domain_is_lower_cased_and_bad_addresses_refused() -> None:
    assert standard_email("Ana.Lopez@Acme.COM") == "Ana.Lopez@acme.com"
    for bad in ("ana@", "ana lopez@acme.com", "ana@@acme.com", "a..b@acme.com"):
        with pytest.raises(RowProblem) as info:
            standard_email(bad)
        assert info.value.rule == "invalid_email"


_LOCAL = st.text(alphabet="abcXYZ019._%+-", min_size=1, max_size=12)
_LABEL = st.text(alphabet="abcxyz09-", min_size=1, max_size=8)


@given(_LOCAL, st.lists(_LABEL, min_size=1, max_size=3), st.sampled_from(["com", "io", "De"]))
def test_fast_email_path_agrees_with_email_validator(
    local: str, labels: list[str], tld: str
) -> None:
    address = f"{local}@{'.'.join(labels)}.{tld}"
    try:
        expected: str | None = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        ours: str | None = standard_email(address)
    except RowProblem:
        ours = None
    assert ours == expected


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("acme.co.uk", "acme.co.uk"),
        ("sales@Acme.io", "acme.io"),
        ("http://shop.acme.com:8080", "shop.acme.com"),
    ],
)
def test_websites_become_domains(raw: str, domain: str) -> None:
    assert website_domain(raw) == domain


def test_not_a_website_is_refused() -> None:
    with pytest.raises(RowProblem):
        website_domain("n/a")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ACME, Inc.", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("The Acme Company Ltd", "acme"),
        ("Beta & Sons GmbH", "beta and sons"),
    ],
)
def test_company_names_match_without_legal_form_case_or_punctuation(a: str, b: str) -> None:
    assert company_match_key(a) == company_match_key(b)


def test_company_name_that_is_only_a_legal_form_is_kept() -> None:
    assert company_match_key("Company") == "company"


def test_amounts_and_currencies() -> None:
    assert standard_amount("$12,500.5") == Decimal("12500.50")
    assert standard_amount("(1,000)") == Decimal("-1000.00")
    assert standard_currency("eur") == "EUR"
    assert standard_currency("$") == "USD"
    with pytest.raises(RowProblem):
        standard_amount("twelve")
    with pytest.raises(RowProblem):
        standard_currency("XYZW")
