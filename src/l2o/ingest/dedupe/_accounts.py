"""Lead-to-account matching: which existing account a lead works at.

First by web domain: the domain of the lead's e-mail (unless it is a free mail provider)
equal to an account's domain. Then by company name: the lead's company, normalised the
importer's way (legal suffixes, case, punctuation), against every account's normalised name
with RapidFuzz; the best score at or above ``min_score`` wins. Each answer says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from l2o.ingest.dedupe._prepare import email_key
from l2o.ingest.standardize import company_match_key, website_domain

__all__ = ["FREE_MAIL_DOMAINS", "AccountMatch", "AccountMatcher"]

#: Mail providers anyone can sign up to: their domain says nothing about an employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.de",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
        "zoho.com",
    }
)


@dataclass(frozen=True)
class AccountMatch:
    """The account a lead belongs to: its id, a score (0-100) and the reason in words.

    ``reason`` is ``domain:acme.com`` for a domain match (score 100) or
    ``name:'acme' ~ 'acme' (100.0)`` for a fuzzy company-name match.
    """

    account_id: str
    score: float
    reason: str


class AccountMatcher:
    """An index of accounts to match leads against, built once for a batch of leads.

    >>> matcher = AccountMatcher([{"id": "a1", "name": "Acme Inc.", "domain": "acme.com"}])
    >>> matcher.match(email="jo@acme.com", company=None).reason
    'domain:acme.com'
    >>> matcher.match(email="jo@gmail.com", company="ACME").account_id
    'a1'
    """

    def __init__(self, accounts: Iterable[Mapping[str, Any]], *, min_score: float = 90.0) -> None:
        if not 0 < min_score <= 100:
            raise ValueError(f"min_score must be in (0, 100], not {min_score}")
        self.min_score = min_score
        self._by_domain: dict[str, str] = {}
        self._names: list[str] = []
        self._name_ids: list[str] = []
        for account in accounts:
            account_id = str(account["id"])
            domain = _clean(account.get("domain"), website_domain)
            if domain:
                # The first account with a domain keeps it (accounts come oldest first).
                self._by_domain.setdefault(domain, account_id)
            name = _clean(account.get("name"), company_match_key)
            if name:
                self._names.append(name)
                self._name_ids.append(account_id)

    def match(
        self, *, email: str | None = None, company: str | None = None, website: str | None = None
    ) -> AccountMatch | None:
        """The account for a lead with this e-mail, company and website, or ``None``."""
        for domain in (_email_domain(email), _clean(website, website_domain)):
            if domain and domain not in FREE_MAIL_DOMAINS and domain in self._by_domain:
                return AccountMatch(self._by_domain[domain], 100.0, f"domain:{domain}")
        name = _clean(company, company_match_key)
        if not name or not self._names:
            return None
        best = process.extractOne(
            name, self._names, scorer=fuzz.token_sort_ratio, score_cutoff=self.min_score
        )
        if best is None:
            return None
        matched, score, index = best
        return AccountMatch(
            self._name_ids[index],
            round(float(score), 1),
            f"name:{name!r} ~ {matched!r} ({score:.1f})",
        )


def _clean(value: Any, standardize: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        result = standardize(str(value))
    except ValueError:
        return None
    return str(result) if result else None


def _email_domain(email: str | None) -> str | None:
    key = _clean(email, email_key)
    return key.rsplit("@", 1)[1] if key and "@" in key else None
