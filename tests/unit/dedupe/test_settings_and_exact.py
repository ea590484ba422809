"""Settings are validated once; the exact-key pass; clusters; precision and recall."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from l2o.ingest.dedupe import (
    RECORD_TYPES,
    BlockingRule,
    Comparison,
    DedupeError,
    DedupeSettings,
    DuplicateMatch,
    PreparedColumn,
    clusters,
    find_duplicates,
    pairs_from_clusters,
    score_pairs,
    settings_for,
)
from l2o.ingest.dedupe._prepare import prepare_table
from l2o.ingest.standardize import standard_email, standard_phone


def test_shipped_settings_cover_the_three_record_types() -> None:
    assert set(RECORD_TYPES) == {"accounts", "contacts", "leads"}
    assert settings_for("accounts").exact_keys == ("domain",)
    with pytest.raises(DedupeError, match="no dedupe settings for 'deals'"):
        settings_for("deals")


def test_settings_refuse_a_column_they_do_not_prepare() -> None:
    with pytest.raises(ValidationError, match=r"'surname' is not a prepared column"):
        DedupeSettings(
            record_type="leads",
            prepare=(PreparedColumn(name="last_name", source="last_name"),),
            comparisons=(Comparison(column="last_name", kind="name"),),
            blocking_rules=(BlockingRule(keys=("substr(surname, 1, 1)",)),),
        )


def test_settings_refuse_unknown_keys_and_comparisons_without_blocking() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        BlockingRule(keys=("email",), tighen_with=("phone",))  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="need at least one blocking rule"):
        DedupeSettings(
            record_type="leads",
            prepare=(PreparedColumn(name="email", source="email"),),
            comparisons=(Comparison(column="email", kind="email"),),
        )


def test_exact_keys_link_the_same_email_written_two_ways() -> None:
    rows = [
        {
            "id": "l1",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "email": "Ana.Ruiz@Acme.com",
            "phone": None,
            "company": "Acme",
            "country": "ES",
        },
        {
            "id": "l2",
            "first_name": "A.",
            "last_name": "Ruiz",
            "email": " ana.ruiz@acme.com",
            "phone": None,
            "company": "ACME Inc.",
            "country": "ES",
        },
        {
            "id": "l3",
            "first_name": "Bo",
            "last_name": "Lind",
            "email": "bo@other.se",
            "phone": None,
            "company": "Other AB",
            "country": "SE",
        },
    ]
    result = find_duplicates(rows, "leads")
    assert [(m.pair, m.rule, m.match_probability) for m in result.matches] == [
        (("l1", "l2"), "exact:email", 1.0)
    ]
    assert result.clusters() == [["l1", "l2"]]
    assert result.duplicate_records == 1
    assert "probabilistic linkage skipped: 3 record(s)" in result.notes[0]


def test_the_same_source_record_twice_is_one() -> None:
    rows = [
        {
            "id": "a1",
            "name": "Acme",
            "domain": None,
            "country": None,
            "source_system": "hubspot",
            "source_id": "7",
        },
        {
            "id": "a2",
            "name": "Acme GmbH",
            "domain": None,
            "country": None,
            "source_system": "hubspot",
            "source_id": "7",
        },
        {
            "id": "a3",
            "name": "Acme",
            "domain": None,
            "country": None,
            "source_system": "salesforce",
            "source_id": "7",
        },
    ]
    result = find_duplicates(rows, "accounts")
    assert [(m.pair, m.rule) for m in result.matches] == [(("a1", "a2"), "exact:source_id")]


def test_a_shared_key_on_many_rows_makes_a_star_not_every_pair() -> None:
    rows = [
        {"id": f"a{i:04d}", "name": f"Shop {i}", "domain": "shopify.com", "country": None}
        for i in range(40)
    ]
    settings = settings_for("accounts").model_copy(update={"min_records_for_linkage": 1000})
    result = find_duplicates(rows, "accounts", settings)
    assert len(result.matches) == 39
    assert result.clusters() == [sorted(r["id"] for r in rows)]


def test_rows_missing_a_field_or_an_id_are_refused_by_name() -> None:
    with pytest.raises(DedupeError, match="no phone column"):
        find_duplicates(
            [
                {
                    "id": "1",
                    "first_name": "a",
                    "last_name": "b",
                    "email": None,
                    "company": None,
                    "country": None,
                }
            ],
            "leads",
        )
    with pytest.raises(DedupeError, match="ids must be unique"):
        find_duplicates([{"id": "1", "name": "x", "domain": None, "country": None}] * 2, "accounts")


def test_clusters_are_transitive_and_pairs_are_ordered() -> None:
    matches = [
        DuplicateMatch.of("leads", "b", "a", 0.99, "splink:block_on(email)"),
        DuplicateMatch.of("leads", "c", "b", 0.95, "splink:block_on(phone)"),
        DuplicateMatch.of("leads", "x", "y", 1.0, "exact:email"),
    ]
    assert matches[0].pair == ("a", "b")
    assert clusters(matches) == [["a", "b", "c"], ["x", "y"]]


def test_precision_recall_and_f1() -> None:
    truth = pairs_from_clusters([["a", "b", "c"], ["d", "e"]])
    score = score_pairs([("b", "a"), ("a", "c"), ("d", "x")], truth)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (2, 1, 2)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


@settings(max_examples=60, deadline=None)
@given(
    local=st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._", min_size=1, max_size=12
    ),
    host=st.sampled_from(["Acme.com", "example.ORG", "mail.co.uk"]),
    phone=st.sampled_from(
        ["+1 212 323 4567", "+44 20 3 324 2486", "+49 30 901820", "(212) 323-4567"]
    ),
)
def test_stored_emails_and_phones_are_keyed_as_if_standardized_again(
    local: str, host: str, phone: str
) -> None:
    # Values as the importer stores them (its standardizers' output) give the same match
    # keys whether prepare standardizes them again or is told they are standard already.
    try:
        email = standard_email(f"{local}@{host}")
    except ValueError:
        return
    stored_phone = standard_phone(phone, "US")
    rows = [
        {"id": "a", "first_name": "Ann", "last_name": "Lee", "email": email,
         "phone": stored_phone, "company": "Acme Inc", "country": "US"},
        {"id": "b", "first_name": None, "last_name": None, "email": None,
         "phone": None, "company": None, "country": None},
    ]  # fmt: skip
    leads = settings_for("leads")
    again = prepare_table(rows, leads)
    told = prepare_table(rows, leads, standardized=("email", "phone"))
    assert told.equals(again)
