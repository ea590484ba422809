"""Probabilistic linkage with Splink on DuckDB: settings in, scored pairs out.

The model is Fellegi-Sunter as Splink implements it, trained on the records themselves (no
labels): the prior from deterministic rules, ``u`` from random pairs, ``m`` by expectation
maximisation. A training step the data cannot support (too few records, a level never seen)
is skipped with a note and Splink's defaults stand in; the notes travel with the result.

DuckDB runs in memory, in-process; it spills to a private temporary folder, and nothing here
loads a DuckDB extension (none can be downloaded at run time).
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from l2o.ingest.dedupe._blocking import BlockingEstimate, guard_blocking_rules
from l2o.ingest.dedupe._matches import DuplicateMatch
from l2o.ingest.dedupe._prepare import ID_COLUMN
from l2o.ingest.dedupe._settings import Comparison, DedupeSettings

__all__ = ["LinkageRun", "link"]

#: DuckDB's memory ceiling for one linkage run; past it, DuckDB spills to its temporary
#: folder instead of growing the importer's memory (a million leads peaked at 8 GiB).
DUCKDB_MEMORY_LIMIT = "2GB"

# Splink logs its training progress at INFO; dedupe reports through its result instead.
logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass
class LinkageRun:
    """The scored pairs of one Splink run, the rules that ran and what training skipped."""

    matches: list[DuplicateMatch] = field(default_factory=list)
    blocking: list[BlockingEstimate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _comparison(spec: Comparison) -> Any:
    column = spec.column
    built: Any
    if spec.kind == "name":
        built = cl.NameComparison(column)
    elif spec.kind == "email":
        built = cl.EmailComparison(column)
    elif spec.kind == "exact":
        built = cl.ExactMatch(column)
    elif spec.kind == "jaro_winkler":
        built = cl.JaroWinklerAtThresholds(column, list(spec.thresholds or (0.9, 0.7)))
    elif spec.kind == "levenshtein":
        built = cl.LevenshteinAtThresholds(column, [int(t) for t in spec.thresholds or (1, 2)])
    else:  # date_of_birth
        built = cl.DateOfBirthComparison(column, input_is_string=True)
    if spec.term_frequency:
        built = built.configure(term_frequency_adjustments=True)
    return built


def link(table: pa.Table, settings: DedupeSettings, threshold: float) -> LinkageRun:
    """Score the pairs the (guarded) blocking rules generate; keep those at ``threshold`` or more.

    Raises ``BlockingRuleTooBroad`` before any pair is scored if a rule would explode.
    """
    run = LinkageRun()
    with tempfile.TemporaryDirectory(prefix="l2o-dedupe-") as spill:
        connection = duckdb.connect(":memory:")
        try:
            connection.execute(f"SET temp_directory = '{spill}'")
            connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
            # Row order is irrelevant to scoring; without it DuckDB streams and spills more.
            connection.execute("SET preserve_insertion_order = false")
            db_api = DuckDBAPI(connection)
            records = db_api.register(table)
            run.blocking = guard_blocking_rules(records, settings, table.num_rows)
            linker = Linker(
                records,
                SettingsCreator(
                    link_type="dedupe_only",
                    unique_id_column_name=ID_COLUMN,
                    comparisons=[_comparison(c) for c in settings.comparisons],
                    blocking_rules_to_generate_predictions=[
                        block_on(*estimate.rule.keys) for estimate in run.blocking
                    ],
                    retain_matching_columns=False,
                    retain_intermediate_calculation_columns=False,
                ),
                log_level=logging.ERROR,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _train(linker, settings, table.num_rows, run.notes)
                scored = linker.inference.predict(threshold_match_probability=threshold)
            rows = scored.as_duckdbpyrelation().select(
                f"{ID_COLUMN}_l, {ID_COLUMN}_r, match_probability, match_key"
            )
            names = [f"splink:{estimate.rule.name}" for estimate in run.blocking]
            run.matches = sorted(
                DuplicateMatch.of(settings.record_type, left, right, p, names[int(key)])
                for left, right, p, key in rows.fetchall()
            )
        finally:
            connection.close()
    return run


def _train(linker: Linker, settings: DedupeSettings, records: int, notes: list[str]) -> None:
    training = settings.training

    def attempt(what: str, step: Callable[[], object]) -> None:
        try:
            step()
        except Exception as exc:  # Splink raises plain exceptions for untrainable data
            notes.append(f"{what} skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")

    if training.deterministic_rules:
        attempt(
            "prior from deterministic rules",
            lambda: linker.training.estimate_probability_two_random_records_match(
                [block_on(*keys) for keys in training.deterministic_rules],
                recall=training.recall,
            ),
        )
        settings_obj = linker._settings_obj  # Splink keeps the prior here; no public setter
        prior = settings_obj._probability_two_random_records_match
        if not 0 < prior < 1:
            # No deterministic pair in this batch: a prior of 0 would rule every match out.
            fallback = min(0.5, 1 / max(records, 2))
            settings_obj._probability_two_random_records_match = fallback
            notes.append(
                "prior: no pair met the deterministic rules; "
                f"assumed 1 match in {1 / fallback:,.0f}"
            )
    attempt(
        "u from random sampling",
        lambda: linker.training.estimate_u_using_random_sampling(
            max_pairs=training.u_max_pairs, seed=training.seed
        ),
    )
    # EM on every pair a rule makes, or on a sample of them when it makes more than
    # em_max_pairs: counted exactly on a small input, estimated from 1% of a large one.
    max_pairs = training.em_max_pairs
    probe = 1.0 if records <= training.em_count_exactly_up_to else 0.01
    for keys in training.em_blocking:
        attempt(
            f"m by expectation maximisation on block_on({', '.join(keys)})",
            lambda keys=keys: linker.training.estimate_parameters_using_expectation_maximisation(  # type: ignore[misc]
                block_on(*keys), max_pairs=max_pairs, record_sample_proportion=probe
            ),
        )
