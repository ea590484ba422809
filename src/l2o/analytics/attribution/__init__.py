"""Attribution: which channels and campaigns earn the conversions, pipeline and revenue.

Journeys are encoded once as arrays (:class:`Journeys`), from the aggregated path format or
from touchpoint rows; every model follows the estimator API (``fit`` returns the model, the
learned credit is ``credits_``)::

    from l2o.analytics.attribution import Markov, read_paths_csv

    journeys = read_paths_csv("paths.csv")          # path,total_conversions,...,total_null
    credits = Markov().fit(journeys).credits_
    credits.as_dict()    # {"alpha": {"conversions": 5344.9, "value": 18799.2}, ...}

Heuristics: :class:`FirstTouch`, :class:`LastTouch`, :class:`Linear`, :class:`TimeDecay`,
:class:`PositionBased` (U), :class:`WShaped`. Data-driven: :class:`Markov` (removal effect,
exact) and :class:`Shapley` (exact over channel sets). Pipeline created and revenue won are
the same call on other outcome arrays (``Journeys.with_outcome``); credit per campaign is
``model.fit(journeys.by_campaign())``. See docs/attribution.md.
"""

from l2o.analytics.attribution._base import AttributionModel, TouchWeightModel
from l2o.analytics.attribution._build import journeys_from_paths, journeys_from_touchpoints
from l2o.analytics.attribution._credits import Credits
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._first_touch import FirstTouch
from l2o.analytics.attribution._journeys import Journeys
from l2o.analytics.attribution._last_touch import LastTouch
from l2o.analytics.attribution._linear import Linear
from l2o.analytics.attribution._markov import Markov
from l2o.analytics.attribution._position_based import PositionBased
from l2o.analytics.attribution._registry import DEFAULT_MODEL, MODELS, make_model
from l2o.analytics.attribution._shapley import Shapley
from l2o.analytics.attribution._sources import OUTCOMES, read_neutral_csv, read_paths_csv
from l2o.analytics.attribution._time_decay import TimeDecay
from l2o.analytics.attribution._truth import score_against_truth
from l2o.analytics.attribution._w_shaped import WShaped

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "OUTCOMES",
    "AttributionError",
    "AttributionModel",
    "Credits",
    "FirstTouch",
    "Journeys",
    "LastTouch",
    "Linear",
    "Markov",
    "PositionBased",
    "Shapley",
    "TimeDecay",
    "TouchWeightModel",
    "WShaped",
    "journeys_from_paths",
    "journeys_from_touchpoints",
    "make_model",
    "read_neutral_csv",
    "read_paths_csv",
    "score_against_truth",
]
