"""Referential integrity and consistent stage history."""

from __future__ import annotations

import numpy as np

from l2o.simulate import MISSING, TABLE_ORDER

_TABLE_OF_PREFIX = {}


def _prefixes(company):  # type: ignore[no-untyped-def]
    return {t.schema["id"].prefix: name for name, t in company.tables.items()}


def test_every_foreign_id_exists(defined):
    tables = _prefixes(defined)
    checked = 0
    for name in TABLE_ORDER:
        table = defined.tables[name]
        for column, spec in table.schema.items():
            if spec.kind != "ref":
                continue
            values = table[column]
            target = defined.tables[tables[spec.prefix]]
            present = values[values >= 0]
            assert np.isin(present, target["id"]).all(), f"{name}.{column}"
            checked += 1
    assert checked > 30


def test_ids_are_unique_and_in_order(defined):
    for name in TABLE_ORDER:
        ids = defined.tables[name]["id"]
        assert np.array_equal(ids, np.arange(1, len(ids) + 1)), name


def test_stage_history_is_chronological_and_ends_in_the_final_stage(defined):
    h = defined.tables["stage_changes"]
    opps = defined.tables["opportunities"]
    same = h["opportunity_id"][1:] == h["opportunity_id"][:-1]
    assert (h["changed_at"][1:][same] >= h["changed_at"][:-1][same]).all()
    assert (h["from_stage"][1:][same] == h["to_stage"][:-1][same]).all()
    first = np.concatenate([[True], ~same])
    assert (h["from_stage"][first] == b"").all()
    last = np.concatenate([~same, [True]])
    assert np.array_equal(h["opportunity_id"][last], opps["id"])
    assert np.array_equal(h["to_stage"][last], opps["stage"])
    assert np.array_equal(h["changed_at"][last], opps["stage_entered_at"])
    assert (h["changed_at"][first] == opps["created_at"]).all()


def test_closed_deals_agree_with_their_stage(defined):
    opps = defined.tables["opportunities"]
    won = opps["stage"] == b"closed_won"
    lost = opps["stage"] == b"closed_lost"
    assert np.array_equal(opps["is_won"] == 1, won)
    assert np.array_equal(opps["is_closed"] == 1, won | lost)
    assert ((opps["closed_at"] != MISSING) == (won | lost)).all()
    assert (opps["closed_at"][won | lost] // 86_400 == opps["close_date"][won | lost]).all()


def test_quote_totals_add_up_from_their_lines(defined):
    quotes, lines = defined.tables["quotes"], defined.tables["quote_lines"]
    net = np.bincount(lines["quote_id"] - 1, weights=lines["net_price"] * lines["quantity"])
    assert np.array_equal(net.astype(np.int64), quotes["net_total"])
    won = quotes["status"] == b"accepted"
    opp_amount = defined.tables["opportunities"]["amount"][quotes["opportunity_id"][won] - 1]
    assert np.array_equal(opp_amount, quotes["net_total"][won])


def test_nothing_happens_after_the_window(defined):
    end = int(np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64))
    for name in TABLE_ORDER:
        table = defined.tables[name]
        for column, spec in table.schema.items():
            if spec.kind == "ts" and column not in ("expires_at",):
                values = table[column]
                assert (values[values != MISSING] < end).all(), f"{name}.{column}"


def test_generated_phones_are_valid_numbers_of_their_country(defined):
    """Importers validate phones with phonenumbers; generated ones must pass as real ones do.

    Injected duplicates are left out: their phones are deliberately re-formatted or changed.
    """
    import phonenumbers

    for name in ("contacts", "leads"):
        table = defined.tables[name]
        duplicate = defined.duplicates
        is_duplicate = duplicate["record_type"] == name.encode()
        duplicate_rows = {
            int(d.split(b"-")[1]) - 1 for d in duplicate["duplicate_id"][is_duplicate]
        }
        phones = [
            p for row, p in enumerate(table.texts("phone")) if p and row not in duplicate_rows
        ]
        invalid = [p for p in phones if not phonenumbers.is_valid_number(phonenumbers.parse(p))]
        assert len(phones) > 100
        assert invalid == [], f"{name}: {len(invalid)} invalid, e.g. {invalid[:3]}"
