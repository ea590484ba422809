"""The shipped dedupe settings for accounts, contacts and leads.

Why these choices:

- **Exact keys first.** A normalised e-mail (people) or web domain (companies) names one
  person or company; two records sharing it are the same without any model.
- **Blocking** pairs only records that share something specific: a full name, an e-mail, a
  phone, a surname within a company. A surname alone would pair every Smith with every Smith,
  so it is tightened with the first initial when the estimate passes the cap.
- **Comparisons** are Splink's name, e-mail and fuzzy-string comparisons, with term
  frequencies on names so a shared rare surname counts for more than a shared common one.
"""

from __future__ import annotations

from l2o.ingest.dedupe._errors import DedupeError
from l2o.ingest.dedupe._settings import (
    BlockingRule,
    Comparison,
    DedupeSettings,
    PreparedColumn,
    Training,
)

__all__ = ["RECORD_TYPES", "settings_for"]

_INITIAL = "substr(first_name, 1, 1)"

_PERSON_PREPARE = (
    PreparedColumn(name="first_name", source="first_name", standardizer="lower"),
    PreparedColumn(name="last_name", source="last_name", standardizer="lower"),
    PreparedColumn(name="email", source="email", standardizer="email"),
    PreparedColumn(name="phone", source="phone", standardizer="phone"),
)

_PERSON_COMPARISONS = (
    Comparison(column="first_name", kind="name", term_frequency=True),
    Comparison(column="last_name", kind="name", term_frequency=True),
    Comparison(column="email", kind="email"),
    Comparison(column="phone", kind="levenshtein", thresholds=(1, 2)),
)

_PERSON_RULES = (("first_name", "last_name", "email"), ("first_name", "last_name", "phone"))


def _person_training(group: str) -> Training:
    # EM blocked on the employer, then on the e-mail: blocking on the name instead lets EM
    # settle on "same name = same person", which in B2B data (many Mark Gomezes at many
    # companies) merges strangers; measured on a simulated company (docs/benchmarks.md).
    return Training(
        deterministic_rules=_PERSON_RULES, recall=0.7, em_blocking=((group,), ("email",))
    )


_LEADS = DedupeSettings(
    record_type="leads",
    prepare=(
        *_PERSON_PREPARE,
        PreparedColumn(name="company", source="company", standardizer="company"),
        PreparedColumn(name="country", source="country", standardizer="lower"),
    ),
    exact_keys=("email",),
    comparisons=(
        *_PERSON_COMPARISONS,
        Comparison(column="company", kind="jaro_winkler", thresholds=(0.95, 0.88)),
        Comparison(column="country", kind="exact"),
    ),
    blocking_rules=(
        BlockingRule(keys=("first_name", "last_name")),
        BlockingRule(keys=("email",)),
        BlockingRule(keys=("phone",)),
        BlockingRule(keys=("last_name", "company")),
        BlockingRule(keys=("last_name",), tighten_with=(_INITIAL, "company")),
    ),
    training=_person_training("company"),
)

_CONTACTS = DedupeSettings(
    record_type="contacts",
    prepare=(
        *_PERSON_PREPARE,
        PreparedColumn(name="account_id", source="account_id", standardizer="text"),
    ),
    exact_keys=("email",),
    comparisons=(
        *_PERSON_COMPARISONS,
        Comparison(column="account_id", kind="exact"),
    ),
    blocking_rules=(
        BlockingRule(keys=("first_name", "last_name")),
        BlockingRule(keys=("email",)),
        BlockingRule(keys=("phone",)),
        BlockingRule(keys=("account_id", "last_name")),
        BlockingRule(keys=("last_name",), tighten_with=(_INITIAL, "account_id")),
    ),
    training=_person_training("account_id"),
)

_ACCOUNTS = DedupeSettings(
    record_type="accounts",
    prepare=(
        PreparedColumn(name="name", source="name", standardizer="company"),
        PreparedColumn(name="domain", source="domain", standardizer="domain"),
        PreparedColumn(name="country", source="country", standardizer="lower"),
    ),
    exact_keys=("domain",),
    comparisons=(
        Comparison(column="name", kind="jaro_winkler", thresholds=(0.97, 0.9, 0.8)),
        Comparison(column="domain", kind="exact"),
        Comparison(column="country", kind="exact"),
    ),
    blocking_rules=(
        BlockingRule(keys=("name",)),
        BlockingRule(keys=("domain",)),
        BlockingRule(keys=("substr(name, 1, 4)", "country"), tighten_with=("substr(name, 1, 8)",)),
    ),
    training=Training(
        deterministic_rules=(("name", "domain"),),
        recall=0.6,
        em_blocking=(("substr(name, 1, 4)",),),
    ),
)

_BY_TYPE = {s.record_type: s for s in (_ACCOUNTS, _CONTACTS, _LEADS)}

#: Record types dedupe ships settings for.
RECORD_TYPES: tuple[str, ...] = tuple(_BY_TYPE)


def settings_for(record_type: str) -> DedupeSettings:
    """The shipped settings for ``accounts``, ``contacts`` or ``leads``.

    >>> settings_for("leads").exact_keys
    ('email',)
    """
    try:
        return _BY_TYPE[record_type]
    except KeyError:
        raise DedupeError(
            f"no dedupe settings for {record_type!r}; use one of {', '.join(RECORD_TYPES)}"
        ) from None
