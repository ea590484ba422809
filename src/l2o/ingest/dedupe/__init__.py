"""Dedupe: find accounts, contacts and leads that are the same, before they are merged.

Pure: reads the rows it is given and returns matches; merging them in the store is
``l2o.services.merging``. Two passes, cheapest first:

1. **Exact keys** - a normalised e-mail (people), web domain (companies) or the same
   ``source_system:source_id`` twice: the same entity, probability 1.0.
2. **Probabilistic linkage** with Splink on DuckDB: the blocking rules' comparisons are
   estimated first (Splink's blocking analysis) and a rule over the cap is tightened or
   refused (``BlockingRuleTooBroad``); then the model is trained on the batch and the pairs
   at or above the threshold are kept, each with its probability and the rule that found it.

::

    from l2o.ingest.dedupe import find_duplicates

    result = find_duplicates(rows, "leads")        # rows: dicts / DataFrame / Arrow, with an id
    for match in result.matches:
        print(match.left_id, match.right_id, match.match_probability, match.rule)
    result.clusters()                              # [[id, id, ...], ...]

``AccountMatcher`` matches leads to existing accounts by e-mail domain and fuzzy company
name (RapidFuzz). Settings are data (``DedupeSettings``; ``settings_for(record_type)`` for
the shipped ones); ``score_pairs`` measures precision and recall against a known truth.
"""

from l2o.ingest.dedupe._accounts import FREE_MAIL_DOMAINS, AccountMatch, AccountMatcher
from l2o.ingest.dedupe._accuracy import LinkageScore, pairs_from_clusters, score_pairs
from l2o.ingest.dedupe._blocking import BlockingEstimate
from l2o.ingest.dedupe._defaults import RECORD_TYPES, settings_for
from l2o.ingest.dedupe._errors import BlockingRuleTooBroad, DedupeError
from l2o.ingest.dedupe._find import DedupeResult, find_duplicates
from l2o.ingest.dedupe._matches import DuplicateMatch, clusters
from l2o.ingest.dedupe._settings import (
    BlockingRule,
    Comparison,
    DedupeSettings,
    PreparedColumn,
    Training,
)

__all__ = [
    "FREE_MAIL_DOMAINS",
    "RECORD_TYPES",
    "AccountMatch",
    "AccountMatcher",
    "BlockingEstimate",
    "BlockingRule",
    "BlockingRuleTooBroad",
    "Comparison",
    "DedupeError",
    "DedupeResult",
    "DedupeSettings",
    "DuplicateMatch",
    "LinkageScore",
    "PreparedColumn",
    "Training",
    "clusters",
    "find_duplicates",
    "pairs_from_clusters",
    "score_pairs",
    "settings_for",
]
