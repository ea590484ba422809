"""Naive Bayes, the learned model and their compiled forms."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from l2o.analytics.models import (
    LEAD_CONVERSION,
    CalibratedLogit,
    CompiledScorer,
    Examples,
    FrequencyNaiveBayes,
    ModelError,
    RuleBaseline,
    evaluate_models,
    roc_auc,
    time_ordered_split,
)


def _tiny() -> Examples:
    channel = np.array(["a", "a", "a", "b", "b", "b", "a", "b"], dtype=object)
    senior = np.array(["x", "y", "x", "y", "x", "y", None, "x"], dtype=object)
    outcome = np.array([1, 1, 0, 0, 0, 1, 1, 0], dtype=np.float64)
    days = np.arange(8, dtype=np.float64)
    return Examples(
        task=LEAD_CONVERSION,
        ids=np.array([str(i) for i in range(8)], dtype=object),
        columns={"channel": channel, "seniority": senior},
        scored_at=days,
        outcome=outcome,
        label_known_at=days + 1,
        rule_score=np.full(8, np.nan),
    )


def test_naive_bayes_multiplies_value_frequencies_by_hand():
    alpha = 0.5
    model = FrequencyNaiveBayes(alpha=alpha, min_count=1).fit(_tiny())
    # Won: channel a 3 of 4, b 1 of 4; seniority x 1, y 2 (one blank). Lost: a 1, b 3; x 3, y 1.
    # Each field has levels (value..., other): alpha is added to each of the 3 non-blank levels.
    p_won = {"a": (3 + alpha) / (4 + 3 * alpha), "x": (1 + alpha) / (3 + 3 * alpha)}
    p_lost = {"a": (1 + alpha) / (4 + 3 * alpha), "x": (3 + alpha) / (4 + 3 * alpha)}
    odds = (4 / 4) * (p_won["a"] / p_lost["a"]) * (p_won["x"] / p_lost["x"])
    record = _tiny().subset(np.array([0]))  # channel a, seniority x
    assert model.predict_proba(record)[0] == pytest.approx(odds / (1 + odds))
    blank = _tiny().subset(np.array([6]))  # channel a, seniority blank: skipped
    odds_blank = p_won["a"] / p_lost["a"]
    assert model.predict_proba(blank)[0] == pytest.approx(odds_blank / (1 + odds_blank))


def test_naive_bayes_compiles_to_the_same_probabilities(examples):
    model = FrequencyNaiveBayes().fit(examples)
    scorer = model.compile()
    np.testing.assert_allclose(scorer.score_many(examples.columns), model.predict_proba(examples))


@pytest.mark.parametrize("calibration", ["sigmoid", "isotonic"])
def test_compiled_scorer_equals_the_sklearn_pipeline(examples, calibration):
    model = CalibratedLogit(calibration=calibration).fit(examples)
    expected = model.predict_proba(examples)
    scorer = CompiledScorer.from_json(json.loads(json.dumps(model.compile().to_json())))
    np.testing.assert_allclose(scorer.score_many(examples.columns), expected, rtol=0, atol=1e-12)
    for i in range(0, len(examples), 97):
        record = {name: column[i] for name, column in examples.columns.items()}
        assert scorer.score(record) == pytest.approx(expected[i], abs=1e-12)


def test_learned_model_beats_random_on_a_later_hold_out(examples):
    split = time_ordered_split(examples)
    model = CalibratedLogit().fit(examples.subset(split.train))
    test = examples.subset(split.test)
    auc = roc_auc(test.y, model.predict_proba(test))
    assert auc is not None
    assert auc > 0.62


def test_learned_model_is_calibrated_on_later_outcomes(examples):
    model = CalibratedLogit().fit(examples)
    fit_on = model.split_
    known = examples.subset(examples.labelled)
    assert known.label_known_at[fit_on.train].max() <= known.scored_at[fit_on.test].min()
    mean_p = model.predict_proba(known.subset(fit_on.test)).mean()
    assert mean_p == pytest.approx(known.y[fit_on.test].mean(), abs=0.02)


def test_reasons_name_the_features_that_moved_a_record(examples):
    scorer = CalibratedLogit().fit(examples).compile()
    referral = {"channel": "referrals", "seniority": "staff", "account_employees": 150.0}
    paid = {**referral, "channel": "paid_search"}
    assert scorer.score(referral) > scorer.score(paid)
    top = scorer.explain(referral, top=1)[0]
    assert top.feature == "channel"
    assert top.level == "referrals"
    assert top.effect > 0
    assert scorer.explain(paid, top=1)[0].effect < 0
    assert "channel referrals +" in str(top)


def test_evaluation_puts_rules_naive_bayes_and_learned_side_by_side(examples):
    evaluation = evaluate_models(examples)
    assert [r.model for r in evaluation.reports] == ["rules", "naive_bayes", "learned"]
    for report in evaluation.reports:
        assert report.n == evaluation.split.test.size
        assert report.auc is not None
        assert report.auc > 0.55
        assert 0 < report.brier < report.base_rate * (1 - report.base_rate) + 0.01
        assert sum(b.n for b in report.reliability) == report.n
    assert evaluation.drift.psi is not None
    assert evaluation.drift.psi < 0.1
    assert json.loads(json.dumps(evaluation.to_json()))["models"]["learned"]["auc"]


def test_rules_without_points_give_the_base_rate(examples):
    blank = Examples(**{**examples.__dict__, "rule_score": np.full(len(examples), np.nan)})
    rules = RuleBaseline().fit(blank)
    p = rules.predict_proba(blank)
    assert np.allclose(p, blank.outcome[blank.labelled].mean())
    assert "same" in rules.how
    with pytest.raises(ModelError):
        rules.compile()


def test_one_kind_of_outcome_cannot_be_learned(examples):
    lost = Examples(**{**examples.__dict__, "outcome": np.where(examples.labelled, 0.0, np.nan)})
    with pytest.raises(ModelError, match="0 positive"):
        FrequencyNaiveBayes().fit(lost)


def test_a_malformed_compiled_scorer_is_refused():
    with pytest.raises(ModelError, match="format"):
        CompiledScorer.from_json({"format": "pickle"})
    with pytest.raises(ModelError, match="malformed"):
        CompiledScorer.from_json({"format": "l2o.compiled-scorer/1", "task": "x"})


def test_a_compiled_scorer_scores_without_scikit_learn(examples, tmp_path):
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(CalibratedLogit().fit(examples).compile().to_json()))
    expected = CompiledScorer.from_json(json.loads(path.read_text())).score({"channel": "events"})
    script = (
        "import json, sys\n"
        "sys.modules['sklearn'] = None  # any import of scikit-learn now fails\n"
        "from l2o.analytics.models import CompiledScorer\n"
        f"s = CompiledScorer.from_json(json.load(open({str(path)!r})))\n"
        "print(repr(s.score({'channel': 'events'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(expected, abs=1e-15)
