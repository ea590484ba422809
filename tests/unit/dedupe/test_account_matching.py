"""Lead-to-account matching: by e-mail domain first, then fuzzy company name."""

from __future__ import annotations

import pytest

from l2o.ingest.dedupe import AccountMatcher

ACCOUNTS = [
    {"id": "a-acme", "name": "Acme Corporation", "domain": "https://www.acme.com"},
    {"id": "a-globex", "name": "Globex GmbH", "domain": None},
    {"id": "a-initech", "name": "Initech Ltd.", "domain": "initech.co.uk"},
]


@pytest.fixture
def matcher() -> AccountMatcher:
    return AccountMatcher(ACCOUNTS, min_score=90)


def test_the_email_domain_names_the_account(matcher: AccountMatcher) -> None:
    match = matcher.match(email="Jane.Doe@ACME.com", company="Something Else")
    assert match is not None
    assert (match.account_id, match.score, match.reason) == ("a-acme", 100.0, "domain:acme.com")


def test_a_website_is_used_when_the_email_says_nothing(matcher: AccountMatcher) -> None:
    match = matcher.match(email="jd@gmail.com", website="initech.co.uk/about")
    assert match is not None
    assert match.account_id == "a-initech"


def test_free_mail_falls_back_to_the_company_name(matcher: AccountMatcher) -> None:
    match = matcher.match(email="someone@gmail.com", company="GLOBEX")
    assert match is not None
    assert match.account_id == "a-globex"
    assert match.reason.startswith("name:'globex' ~ 'globex'")


def test_a_close_misspelling_matches_and_a_stranger_does_not(matcher: AccountMatcher) -> None:
    close = matcher.match(company="Inittech Limited")
    assert close is not None
    assert close.account_id == "a-initech"
    assert 90 <= close.score < 100
    assert matcher.match(company="Umbrella Pharmaceuticals") is None
    assert matcher.match() is None


def test_min_score_must_be_a_percentage() -> None:
    with pytest.raises(ValueError, match="min_score"):
        AccountMatcher(ACCOUNTS, min_score=0)
