"""Splink linkage: an accuracy floor on splink_fake_1000, and the blocking guard."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

from l2o.ingest.dedupe import (
    BlockingRule,
    BlockingRuleTooBroad,
    find_duplicates,
    settings_for,
)

# The same locations as tests/conftest.py's PROJECT_ROOT and DATASETS_DIR.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATASETS_DIR = PROJECT_ROOT.parent / "shared" / "datasets"
FAKE_1000 = DATASETS_DIR / "splink_fake_1000" / "fake_1000.csv"


def _bench() -> ModuleType:
    path = PROJECT_ROOT / "bench" / "dedupe_accuracy.py"
    spec = importlib.util.spec_from_file_location("dedupe_accuracy", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path(FAKE_1000).is_file(), reason="shared datasets not present")
def test_fake_1000_clusters_keep_their_measured_accuracy() -> None:
    # Measured: cluster precision 0.973, recall 0.882, F1 0.926 (docs/benchmarks.md);
    # the floor leaves 0.03 for Splink's sampling and version drift.
    run = _bench().score_fake_1000()
    clusters = run["scores"]["clusters"]
    assert clusters.f1 >= 0.89
    assert clusters.precision >= 0.94
    assert run["scores"]["pairs"].precision >= 0.97


def _people(n: int, surname: str = "smith") -> list[dict[str, str | None]]:
    rng = random.Random(4)
    names = ["ann", "bob", "cara", "dev", "eli", "fay", "gus", "hal", "ivy", "jo"]
    return [
        {
            "id": f"p{i:05d}",
            "first_name": rng.choice(names) + str(i % 97),
            "last_name": surname,
            "email": f"p{i}@example.org",
            "phone": None,
            "company": f"co {i}",
            "country": None,
        }
        for i in range(n)
    ]


def test_a_rule_on_one_common_surname_is_refused_before_it_runs() -> None:
    settings = settings_for("leads").model_copy(
        update={
            "blocking_rules": (BlockingRule(keys=("last_name",)),),
            "max_comparisons_per_rule": 100_000,
        }
    )
    with pytest.raises(BlockingRuleTooBroad) as refused:
        find_duplicates(_people(2_000), "leads", settings)
    error = refused.value
    assert error.rule == "block_on(last_name)"
    assert error.comparisons == 2_000 * 1_999 // 2
    assert "over the cap of 100,000" in str(error)


def test_a_rule_over_the_cap_is_tightened_with_its_next_key() -> None:
    settings = settings_for("leads").model_copy(
        update={
            "blocking_rules": (
                BlockingRule(keys=("last_name",), tighten_with=("substr(first_name, 1, 1)",)),
            ),
            "max_comparisons_per_rule": 500_000,
        }
    )
    result = find_duplicates(_people(2_000), "leads", settings)
    [estimate] = result.blocking
    assert estimate.rule.keys == ("last_name", "substr(first_name, 1, 1)")
    assert estimate.tightened_from == "block_on(last_name)"
    assert estimate.exact
    assert estimate.comparisons <= 500_000


def test_a_rule_over_its_per_record_budget_is_tightened_below_the_hard_cap() -> None:
    # 2,000 Smiths: 1,999,000 pairs, under the hard cap but over 2,000 x 50 = 100,000.
    settings = settings_for("leads").model_copy(
        update={
            "blocking_rules": (
                BlockingRule(keys=("last_name",), tighten_with=("substr(first_name, 1, 1)",)),
            ),
            "comparisons_per_record": 50,
            "min_comparisons_budget": 10_000,
        }
    )
    assert settings.comparisons_budget(2_000) == 100_000
    [estimate] = find_duplicates(_people(2_000), "leads", settings).blocking
    assert estimate.tightened_from == "block_on(last_name)"
    assert estimate.comparisons <= 2_000 * 1_999 // 2 // 5


def test_a_rule_over_its_budget_with_nothing_to_add_still_runs_under_the_hard_cap() -> None:
    settings = settings_for("leads").model_copy(
        update={
            "blocking_rules": (BlockingRule(keys=("last_name",)),),
            "comparisons_per_record": 1,
            "min_comparisons_budget": 1,
        }
    )
    [estimate] = find_duplicates(_people(2_000), "leads", settings).blocking
    assert estimate.tightened_from is None
    assert estimate.comparisons == 2_000 * 1_999 // 2


def test_the_budget_grows_with_the_records_between_its_floor_and_the_hard_cap() -> None:
    settings = settings_for("leads")
    budgets = [settings.comparisons_budget(n) for n in (1_000, 100_000, 1_000_000, 10**8)]
    assert budgets == [1_000_000, 5_000_000, 50_000_000, 50_000_000]


def test_near_duplicate_leads_are_found_with_the_rule_that_found_them() -> None:
    rows = _people(300)
    for i, row in enumerate(rows):
        row["last_name"] = f"surname{i}"
    twin = dict(rows[7], id="twin", email="other@example.net")
    twin["first_name"] = str(rows[7]["first_name"]).upper()
    result = find_duplicates([*rows, twin], "leads")
    pairs = {m.pair: m for m in result.matches}
    assert ("p00007", "twin") in pairs
    match = pairs[("p00007", "twin")]
    assert match.rule.startswith("splink:block_on(")
    assert 0.9 <= match.match_probability <= 1.0


class _RecordedTraining:
    """Stands in for a Splink linker's ``training``: records how EM was asked to run."""

    def __init__(self) -> None:
        self.em_calls: list[dict[str, object]] = []

    def estimate_probability_two_random_records_match(self, *_args: object, **_kw: object) -> None:
        pass

    def estimate_u_using_random_sampling(self, **_kw: object) -> None:
        pass

    def estimate_parameters_using_expectation_maximisation(
        self, _rule: object, **kw: object
    ) -> None:
        self.em_calls.append(kw)


@pytest.mark.parametrize(("records", "sample"), [(200_000, 1.0), (200_001, 0.01)])
def test_em_is_capped_at_its_pair_budget_counted_exactly_on_small_inputs_sampled_on_large(
    records: int, sample: float
) -> None:
    from l2o.ingest.dedupe import _linkage

    settings = settings_for("leads")
    settings = settings.model_copy(
        update={"training": settings.training.model_copy(update={"deterministic_rules": ()})}
    )
    linker = type("Linker", (), {})()
    linker.training = _RecordedTraining()
    notes: list[str] = []
    _linkage._train(linker, settings, records, notes)
    assert notes == []
    assert linker.training.em_calls == [
        {"max_pairs": 1e6, "record_sample_proportion": sample}
    ] * len(settings.training.em_blocking)
