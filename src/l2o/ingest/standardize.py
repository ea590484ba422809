"""Standard forms for the values revenue data is matched and counted on. Pure, no I/O.

Each function takes one raw value and returns its standard form, or raises ``RowProblem``
naming the rule it broke - the import turns that into a quarantined row. The libraries made
for each job do the work: phonenumbers (E.164), pycountry (ISO 3166), email-validator.
Dedupe compares these forms, so the same person or company written two ways meets itself.

>>> standard_phone("(415) 555-0132", default_region="US")
'+14155550132'
>>> standard_country("United Kingdom")
'GB'
>>> website_domain("https://www.Acme.co.uk/pricing")
'acme.co.uk'
>>> company_match_key("ACME, Inc.")
'acme'
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from l2o.ingest.problems import RowProblem

__all__ = [
    "LEGAL_SUFFIXES",
    "company_match_key",
    "standard_amount",
    "standard_country",
    "standard_currency",
    "standard_email",
    "standard_phone",
    "website_domain",
]

# A plain ASCII address (the overwhelming majority) is checked by this pattern, which accepts
# only what email-validator accepts and normalises the same way (domain lower-cased); anything
# else goes through email-validator itself. A test holds the two in agreement.
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*)@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
)
_INTERNATIONAL = re.compile(r"\+[1-9][0-9 .\-]{6,24}[0-9]")
_SEPARATORS = re.compile(r"[ .\-]")
_SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


def standard_email(raw: str, field: str = "email") -> str:
    """The address with its domain lower-cased, or ``RowProblem`` (rule ``invalid_email``).

    Syntax only: no DNS or deliverability lookups, so an import never waits on the network.
    """
    value = raw.strip()
    match = _PLAIN_EMAIL.fullmatch(value)
    if match and len(match["local"]) <= 64 and len(value) <= 254:
        domain = match["domain"].lower()
        # "--" may make a label an IDNA one ("xn--"): leave those to email-validator.
        if "--" not in domain and domain.rsplit(".", 1)[-1] not in _SPECIAL_USE_DOMAINS:
            return f"{match['local']}@{domain}"
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise RowProblem(
            field, "invalid_email", f"{value!r} is not an e-mail address: {exc}"
        ) from None


def standard_phone(raw: str, default_region: str | None = None, field: str = "phone") -> str:
    """The number in E.164 (``+14155550132``), or ``RowProblem`` (rule ``invalid_phone``).

    A number without a ``+`` country code is read in ``default_region`` (ISO alpha-2, e.g.
    the row's country); without one it cannot be placed and is refused. The number must be
    *possible* (right length for its country); whether it is assigned is not checked.
    """
    value = raw.strip()
    # "+1 212-323 4567": an international number written with nothing but separators is
    # handed to the library without them - the same digits, the same number, a quarter
    # less of its parsing work.
    compact = _SEPARATORS.sub("", value) if _INTERNATIONAL.fullmatch(value) else value
    try:
        number = phonenumbers.parse(compact, default_region)
    except phonenumbers.NumberParseException as exc:
        raise RowProblem(
            field, "invalid_phone", f"{value!r} is not a phone number: {exc}"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise RowProblem(
            field, "invalid_phone", f"{value!r} has the wrong length for its country code"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Spellings pycountry's fuzzy search does not know but CRMs write.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "america": "US",
    "united states of america": "US",
    "holland": "NL",
    "south korea": "KR",
    "russia": "RU",
    "uae": "AE",
    # Names in the country's own language, as forms and local CRMs write them.
    "deutschland": "DE",
    "österreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "españa": "ES",
    "nederland": "NL",
    "italia": "IT",
    "brasil": "BR",
    "sverige": "SE",
    "danmark": "DK",
    "norge": "NO",
    "suomi": "FI",
    "polska": "PL",
    "belgië": "BE",
    "belgique": "BE",
}


@lru_cache(maxsize=4096)
def standard_country(raw: str, field: str = "country") -> str:
    """The ISO 3166-1 alpha-2 code for a country name or code, or ``RowProblem``.

    Accepts codes (``DE``, ``DEU``), names (``Germany``, ``Viet Nam``) and common CRM
    spellings (``USA``, ``UK``). Rule: ``unknown_country``.
    """
    value = raw.strip()
    key = value.lower()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    country = None
    if len(value) == 2:
        country = pycountry.countries.get(alpha_2=value.upper())
    elif len(value) == 3:
        country = pycountry.countries.get(alpha_3=value.upper())
    if country is None:
        try:
            country = pycountry.countries.lookup(value)
        except LookupError:
            country = None
    if country is None:
        raise RowProblem(field, "unknown_country", f"{value!r} is not an ISO 3166 country")
    return str(country.alpha_2)


@lru_cache(maxsize=512)
def standard_currency(raw: str, field: str = "currency") -> str:
    """The ISO 4217 code (``USD``) for a code or a common symbol, or ``RowProblem``."""
    symbols = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
    value = raw.strip()
    code = symbols.get(value, value.upper())
    if pycountry.currencies.get(alpha_3=code) is None:
        raise RowProblem(field, "unknown_currency", f"{value!r} is not an ISO 4217 currency")
    return code


_AMOUNT_NOISE = re.compile(r"[\s$€£¥]|(?<=\d),(?=\d{3}(?:\D|$))")


def standard_amount(raw: str, scale: int = 2, field: str = "amount") -> Decimal:
    """An amount as ``Decimal`` rounded to ``scale`` places; symbols and thousands commas go.

    ``"$12,500.5"`` -> ``Decimal('12500.50')``. Rule: ``invalid_number``.
    """
    text = _AMOUNT_NOISE.sub("", raw.strip())
    if text.startswith("(") and text.endswith(")"):  # accounting negative
        text = "-" + text[1:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowProblem(field, "invalid_number", f"{raw!r} is not a number") from None
    if not value.is_finite() or value.adjusted() > 20:
        raise RowProblem(field, "invalid_number", f"{raw!r} is not a finite amount")
    return value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def website_domain(raw: str, field: str = "domain") -> str:
    """The registrable host of a website or e-mail address, lower-case, without ``www.``.

    ``"https://www.Acme.com/about"`` -> ``"acme.com"``; ``"sales@acme.com"`` -> ``"acme.com"``.
    Rule: ``invalid_domain``.
    """
    value = raw.strip().lower()
    if "@" in value and "/" not in value:
        value = value.rsplit("@", 1)[1]
    if "://" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        host = ""
    host = host.removeprefix("www.").rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not all(
        re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", x) for x in labels
    ):
        raise RowProblem(field, "invalid_domain", f"{raw.strip()!r} is not a website or domain")
    return host


#: Legal forms dropped when matching company names (lower-case, punctuation removed).
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "as",
        "oy",
        "pty",
        "pte",
        "kk",
        "sl",
        "se",
    }
)
_NON_WORD = re.compile(r"[^\w\s]")


@lru_cache(maxsize=65_536)
def company_match_key(name: str) -> str:
    """A company name reduced for matching: accents, case, punctuation and legal form gone.

    ``"Société Générale S.A."`` and ``"societe generale"`` give the same key. Only for
    comparing names; the record keeps the name as written.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    # "S.A." and "B.V." lose their dots first so they read as one token.
    text = re.sub(r"\b(\w)\.(?=\w\.)", r"\1", text)
    words = _NON_WORD.sub(" ", text.replace(".", "")).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)
