"""``find_duplicates``: the one entry point that runs both passes on a batch of records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from l2o.ingest.dedupe._blocking import BlockingEstimate
from l2o.ingest.dedupe._defaults import settings_for
from l2o.ingest.dedupe._exact import exact_matches
from l2o.ingest.dedupe._linkage import link
from l2o.ingest.dedupe._matches import DuplicateMatch, clusters
from l2o.ingest.dedupe._prepare import SOURCE_KEY, Rows, prepare_table
from l2o.ingest.dedupe._settings import DedupeSettings

__all__ = ["DedupeResult", "find_duplicates"]


@dataclass
class DedupeResult:
    """The duplicates found in one batch, and how they were found.

    ``matches`` holds one entry per pair, exact keys first (an exact pair is not repeated by
    Splink); ``blocking`` the Splink rules as they ran with their comparison counts;
    ``notes`` anything skipped (a training step, the whole linkage on a tiny batch).
    """

    record_type: str
    records: int
    matches: list[DuplicateMatch] = field(default_factory=list)
    blocking: list[BlockingEstimate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def clusters(self) -> list[list[str]]:
        """Groups of record ids that are one entity (only groups of two or more)."""
        return clusters(self.matches)

    @property
    def duplicate_records(self) -> int:
        """How many records would be merged away (each cluster keeps one)."""
        return sum(len(group) - 1 for group in self.clusters())


def find_duplicates(
    rows: Rows,
    record_type: str,
    settings: DedupeSettings | None = None,
    *,
    threshold: float | None = None,
    standardized: Iterable[str] = (),
) -> DedupeResult:
    """Find the duplicates among ``rows`` of ``record_type`` (``accounts|contacts|leads``).

    ``rows`` are mappings (or a pandas / pyarrow table) with an ``id`` and the record's
    fields, as validated by the importer or read from the store. Exact keys run first; then
    Splink scores the pairs its blocking rules generate (each rule's size estimated and
    guarded first) and keeps those with ``match_probability >= threshold`` (default: the
    settings'). ``standardized`` names the fields whose values are the importer's standard
    form already, records read back from the store (see ``prepare_table``). Pure: reads
    nothing but ``rows``, writes nothing.

    >>> result = find_duplicates(rows, "leads")            # doctest: +SKIP
    >>> merge_duplicates(uow, result.matches)              # doctest: +SKIP
    """
    settings = settings or settings_for(record_type)
    cutoff = settings.threshold if threshold is None else threshold
    if not 0 < cutoff <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {cutoff}")
    table = prepare_table(rows, settings, standardized=standardized)
    result = DedupeResult(record_type=settings.record_type, records=table.num_rows)
    keys = (SOURCE_KEY, *settings.exact_keys)
    result.matches = exact_matches(table, settings.record_type, keys)
    if not settings.comparisons:
        return result
    if table.num_rows < settings.min_records_for_linkage:
        result.notes.append(
            f"probabilistic linkage skipped: {table.num_rows} record(s), fewer than "
            f"{settings.min_records_for_linkage} to train a model on; exact keys only"
        )
        return result
    run = link(table, settings, cutoff)
    result.blocking = run.blocking
    result.notes.extend(run.notes)
    exact_pairs = {m.pair for m in result.matches}
    result.matches.extend(m for m in run.matches if m.pair not in exact_pairs)
    return result
