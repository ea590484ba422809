"""Learned scoring: lead-conversion and deal-win models behind the AI-readiness gate.

Each task (:data:`LEAD_CONVERSION`, :data:`DEAL_WIN`) scores a record at a scoring moment
from features known by then - :class:`Examples` refuses a leaking column with
:class:`LeakingFeature`. Three models compete on the same time-ordered hold-out
(:func:`time_ordered_split`, :func:`evaluate_models`): the spec's rules
(:class:`RuleBaseline`), an Odoo-style naive-Bayes frequency model
(:class:`FrequencyNaiveBayes`) and a calibrated logistic regression
(:class:`CalibratedLogit`). Every model follows the estimator API (``fit`` returns the
model, learned state ends in ``_``) and each report gives AUC, Brier score and the
reliability curve; :func:`population_stability_index` checks drift. A fitted model
``compile()``\\ s to a :class:`CompiledScorer` - lookup tables and a calibration map, JSON,
no scikit-learn - which is what scores records in production. :func:`gate.gate_decision`
says whether the learned model may replace the rules::

    from l2o.analytics.models import CalibratedLogit, evaluate_models
    from l2o.analytics.models.gate import gate_decision

    evaluation = evaluate_models(examples)                   # rules vs naive Bayes vs learned
    scorer = CalibratedLogit().fit(examples).compile()       # CompiledScorer
    scorer.score({"channel": "referrals"}), scorer.explain({"channel": "referrals"})

See docs/models.md.
"""

from l2o.analytics.models._base import ScoringModel
from l2o.analytics.models._compare import Evaluation, drift_check, evaluate_models
from l2o.analytics.models._compiled import (
    Calibration,
    CompiledFeature,
    CompiledScorer,
    Contribution,
)
from l2o.analytics.models._errors import LeakingFeature, ModelError
from l2o.analytics.models._features import (
    DEAL_WIN,
    LEAD_CONVERSION,
    TASKS,
    Examples,
    Feature,
    LeakingField,
    Task,
    task_named,
)
from l2o.analytics.models._learned import CalibratedLogit
from l2o.analytics.models._levels import FeatureLevels, learn_levels
from l2o.analytics.models._metrics import (
    DriftCheck,
    ModelReport,
    ReliabilityBin,
    brier_score,
    model_report,
    population_stability_index,
    reliability_curve,
    roc_auc,
)
from l2o.analytics.models._naive_bayes import FrequencyNaiveBayes
from l2o.analytics.models._rules import RuleBaseline
from l2o.analytics.models._split import TimeSplit, time_ordered_split

__all__ = [
    "DEAL_WIN",
    "LEAD_CONVERSION",
    "TASKS",
    "CalibratedLogit",
    "Calibration",
    "CompiledFeature",
    "CompiledScorer",
    "Contribution",
    "DriftCheck",
    "Evaluation",
    "Examples",
    "Feature",
    "FeatureLevels",
    "FrequencyNaiveBayes",
    "LeakingFeature",
    "LeakingField",
    "ModelError",
    "ModelReport",
    "ReliabilityBin",
    "RuleBaseline",
    "ScoringModel",
    "Task",
    "TimeSplit",
    "brier_score",
    "drift_check",
    "evaluate_models",
    "learn_levels",
    "model_report",
    "population_stability_index",
    "reliability_curve",
    "roc_auc",
    "task_named",
    "time_ordered_split",
]
