"""Data-quality defects, injected to match maturity, with their ground truth kept.

Three kinds, as real CRMs accumulate them: blank fields, inconsistent picklist values
(``US`` / ``USA`` / ``United States``), and duplicates - leads, contacts and accounts entered
again with name, e-mail or phone variations. Each duplicate is appended as a new row and
listed (duplicate id, master id, variations) so dedupe can be scored exactly; by
construction no other rows duplicate each other.
"""

from __future__ import annotations

import numpy as np

from l2o.simulate._clock import DAY, Window
from l2o.simulate._parameters import Parameters
from l2o.simulate._table import MISSING, Table, concat_text, join_text
from l2o.simulate._vocab import NICKNAMES, PICKLIST_VARIANTS

__all__ = ["DUPLICATE_COLUMNS", "blank_fields", "inject_duplicates", "vary_picklists"]

DUPLICATE_COLUMNS = ("record_type", "duplicate_id", "master_id", "variations")


def blank_fields(rng: np.random.Generator, table: Table, rates: dict[str, float]) -> dict[str, int]:
    """Blank each named column at its rate; return how many values were blanked per column."""
    counts: dict[str, int] = {}
    for column, rate in rates.items():
        values = table.data[column]
        hit = rng.random(len(values)) < rate
        empty = b"" if values.dtype.kind == "S" else MISSING
        present = values != empty
        table.data[column] = np.where(hit, empty, values).astype(values.dtype)
        counts[column] = int((hit & present).sum())
    return counts


def vary_picklists(rng: np.random.Generator, tables: dict[str, Table], rate: float) -> int:
    """Replace canonical picklist values by variants at ``rate``; return how many changed."""
    changed = 0
    for key, variants in PICKLIST_VARIANTS.items():
        name, column = key.split(".")
        values = tables[name].data[column]
        out = values.astype(f"S{max(values.dtype.itemsize, 24)}")
        for canonical, options in variants.items():
            hit = np.flatnonzero((values == canonical.encode()) & (rng.random(len(values)) < rate))
            choice = np.array([o.encode() for o in options])[
                rng.integers(0, len(options), hit.size)
            ]
            out[hit] = choice
            changed += hit.size
        tables[name].data[column] = out
    return changed


def _typo(text: np.ndarray) -> np.ndarray:
    """Swap the second and third characters (``Garcia`` -> ``Gracia``), or drop one of
    a doubled pair (``Woods`` -> ``Wods``): a common slip, always a different string."""
    n = np.strings.str_len(text)
    swapped = np.strings.add(
        np.strings.add(
            np.strings.add(np.strings.slice(text, 0, 1), np.strings.slice(text, 2, 3)),
            np.strings.slice(text, 1, 2),
        ),
        np.strings.slice(text, 3, None),
    )
    dropped = np.strings.add(np.strings.slice(text, 0, 1), np.strings.slice(text, 2, None))
    same = np.strings.slice(text, 1, 2) == np.strings.slice(text, 2, 3)
    return np.where(n >= 4, np.where(same, dropped, swapped), np.strings.add(text, b"e"))


def _phone_variant(phone: np.ndarray, style: np.ndarray) -> np.ndarray:
    """``+1 415 555 0123`` as ``+14155550123`` (style 0) or ``+1-415-555-0123`` (style 1).

    The country code stays, so the variant is the same valid number in another format, as
    CRMs that stored it through different forms hold it.
    """
    compact = np.strings.add(
        b"+", np.strings.replace(np.strings.replace(phone, b" ", b""), b"+", b"")
    )
    dashed = np.strings.replace(phone, b" ", b"-")
    out = np.where(style == 0, compact, dashed)
    return np.where(phone == b"", b"", out)


def _person_variants(
    rng: np.random.Generator, t: Table, master: np.ndarray, first_code: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Varied person fields for duplicates of rows ``master``: exactly one of name, e-mail
    and phone changes in substance; the phone's format always changes."""
    k = master.size
    first, last = t["first_name"][master], t["last_name"][master]
    email, phone = t["email"][master], t["phone"][master]
    strong = rng.integers(0, 3, k)  # 0 name, 1 email, 2 phone
    strong = np.where((strong == 2) & (phone == b""), 1, strong)  # no phone to vary
    op = rng.integers(0, 3, k)
    nick = NICKNAMES[first_code]
    new_first = np.where((strong == 0) & (op == 0), nick, first)
    new_last = np.where(
        (strong == 0) & (op == 1),
        _typo(last),
        np.where((strong == 0) & (op == 2), np.strings.upper(last), last),
    )
    at = np.strings.find(email, b"@")
    domain = np.strings.slice(email, at + 1, None)
    initial = np.strings.lower(np.strings.add(np.strings.slice(first, 0, 1), last))
    personal = np.strings.add(
        np.strings.lower(np.strings.add(np.strings.add(first, b"."), last)), b"@gmail.com"
    )
    new_email = np.where(
        strong == 1,
        np.where(
            op == 0,
            np.strings.upper(email),
            np.where(op == 1, join_text(initial, b"@", domain), personal),
        ),
        email,
    )
    new_email = np.where(email == b"", b"", new_email)
    style = rng.integers(0, 2, k)
    new_phone = np.where((strong == 2) & (op == 0), b"", _phone_variant(phone, style))
    label = np.array(
        [
            b"name:nickname",
            b"name:typo",
            b"name:case",
            b"email:case",
            b"email:initial",
            b"email:personal",
            b"phone:missing",
            b"phone:format",
            b"phone:format",
        ]
    )[strong * 3 + op]
    label = np.where(strong == 2, label, np.strings.add(label, b";phone:format"))
    return {
        "first_name": new_first,
        "last_name": new_last,
        "email": new_email,
        "phone": new_phone,
    }, label


def inject_duplicates(
    rng: np.random.Generator,
    tables: dict[str, Table],
    first_codes: dict[str, np.ndarray],
    p: Parameters,
    window: Window,
) -> dict[str, np.ndarray]:
    """Append duplicate leads, contacts and accounts; return the ground-truth columns."""
    out: list[tuple[bytes, np.ndarray, np.ndarray, np.ndarray, str]] = []
    for name, rate in (("leads", p.lead_duplicate_rate), ("contacts", p.contact_duplicate_rate)):
        t = tables[name]
        n = len(t)
        k = round(n * rate)
        if k == 0:
            continue
        master = np.sort(rng.choice(n, size=k, replace=False))
        dup = t.take(master)
        fields, label = _person_variants(rng, t, master, first_codes[name][master])
        for column, values in fields.items():
            dup.data[column] = values
        later = t["created_at"][master] + rng.integers(DAY, 180 * DAY, k)
        created = np.where(later < window.end, later, (t["created_at"][master] + window.end) // 2)
        dup.data["created_at"] = created
        if name == "leads":
            for column in ("mql_at", "sql_at", "first_touch_at", "converted_at"):
                dup.data[column] = np.full(k, MISSING, dtype=np.int64)
            dup.data["routed_at"] = created + rng.integers(60, 3600, k)
            for column in (
                "converted_contact_id",
                "converted_account_id",
                "converted_opportunity_id",
            ):
                dup.data[column] = np.full(k, -1, dtype=np.int64)
            dup.data["status"] = np.where(rng.random(k) < 0.5, b"new", b"working")
            dup.data["disqualification_reason"] = np.full(k, b"")
            dup.data["engagement_score"] = np.full(k, MISSING, dtype=np.int64)
        dup.data["id"] = np.arange(n + 1, n + k + 1)
        tables[name] = t.concat(dup)
        out.append((name.encode(), dup["id"], master + 1, label, name))

    t = tables["accounts"]
    n = len(t)
    k = round(n * p.account_duplicate_rate)
    if k:
        master = np.sort(rng.choice(n, size=k, replace=False))
        dup = t.take(master)
        names = t["name"][master]
        cut = np.strings.rfind(names, b" ")
        stem = np.strings.slice(names, 0, cut)
        op = rng.integers(0, 3, k)
        dup.data["name"] = np.where(
            op == 0,
            stem,
            np.where(op == 1, np.strings.upper(names), np.strings.add(stem, b" Group")),
        )
        domain = t["domain"][master]
        d_op = rng.integers(0, 3, k)
        dup.data["domain"] = np.where(
            d_op == 0, np.strings.add(b"www.", domain), np.where(d_op == 1, b"", domain)
        )
        dup.data["domain"] = np.where(domain == b"", b"", dup.data["domain"])
        dup.data["tier"] = np.full(k, b"")
        dup.data["icp_score"] = np.full(k, MISSING, dtype=np.int64)
        dup.data["health_score"] = np.full(k, MISSING, dtype=np.int64)
        later = t["created_at"][master] + rng.integers(DAY, 365 * DAY, k)
        dup.data["created_at"] = np.minimum(later, window.end - DAY)
        dup.data["id"] = np.arange(n + 1, n + k + 1)
        label = np.array([b"name:legal_form", b"name:case", b"name:suffix"])[op]
        label = np.strings.add(label, np.array([b";domain:www", b";domain:missing", b""])[d_op])
        tables["accounts"] = t.concat(dup)
        out.append((b"accounts", dup["id"], master + 1, label, "accounts"))

    prefixes = {"leads": "LD", "contacts": "CO", "accounts": "AC"}
    record_type, dup_id, master_id, variations = [], [], [], []
    for kind, ids, masters, label, name in out:
        pre = prefixes[name].encode() + b"-"
        record_type.append(np.full(ids.size, kind))
        dup_id.append(np.strings.add(pre, ids.astype("S12")))
        master_id.append(np.strings.add(pre, masters.astype("S12")))
        variations.append(label)

    return {
        "record_type": concat_text(*record_type),
        "duplicate_id": concat_text(*dup_id),
        "master_id": concat_text(*master_id),
        "variations": concat_text(*variations),
    }
