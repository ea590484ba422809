"""The L2O Index assessment: the questionnaire (said), the rubric (shown) and the scoring.

The pure core, with no store or I/O beyond reading its own YAML data::

    from l2o.assess import load_answers, load_questionnaire, load_rubric, said_scores
    from l2o.assess import MetricValue, score_assessment

    questionnaire = load_questionnaire()
    said = said_scores(questionnaire, load_answers("answers.yaml", questionnaire))
    assessment = score_assessment(
        load_rubric(),
        evidence=[MetricValue("stalled_share", 0.18, n=240)],
        said=said,
        technology=said["technology"],
    )
    assessment.to_json()

See docs/assessment.md for the method, the rubric format and the questionnaire.
"""

from l2o.assess._errors import AssessmentError
from l2o.assess.answers import Answers, answers_yaml, load_answers, said_scores
from l2o.assess.dimensions import DIMENSION_TITLES, DIMENSIONS, LEVEL_IDS, LEVEL_NAMES, Dimension
from l2o.assess.questionnaire import (
    TECHNOLOGY,
    AnswerOption,
    Question,
    Questionnaire,
    QuestionnaireSection,
    load_questionnaire,
)
from l2o.assess.readiness import AI_READY_AT, DataQuality, ai_readiness
from l2o.assess.results import (
    GAP_TEXT,
    INSUFFICIENT_EVIDENCE,
    AiReadiness,
    Assessment,
    DimensionScore,
    MetricScore,
    MetricValue,
)
from l2o.assess.rubrics import RUBRIC_VERSIONS, MetricRule, Rubric, load_rubric
from l2o.assess.scoring import (
    ARCHITECTURE_SPLIT,
    REVENUE_MACHINE_AT,
    quadrant,
    score_assessment,
    score_dimension,
    score_metric,
)

__all__ = [
    "AI_READY_AT",
    "ARCHITECTURE_SPLIT",
    "DIMENSIONS",
    "DIMENSION_TITLES",
    "GAP_TEXT",
    "INSUFFICIENT_EVIDENCE",
    "LEVEL_IDS",
    "LEVEL_NAMES",
    "REVENUE_MACHINE_AT",
    "RUBRIC_VERSIONS",
    "TECHNOLOGY",
    "AiReadiness",
    "AnswerOption",
    "Answers",
    "Assessment",
    "AssessmentError",
    "DataQuality",
    "Dimension",
    "DimensionScore",
    "MetricRule",
    "MetricScore",
    "MetricValue",
    "Question",
    "Questionnaire",
    "QuestionnaireSection",
    "Rubric",
    "ai_readiness",
    "answers_yaml",
    "load_answers",
    "load_questionnaire",
    "load_rubric",
    "quadrant",
    "said_scores",
    "score_assessment",
    "score_dimension",
    "score_metric",
]
