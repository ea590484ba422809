"""The questionnaire ("said"): questions per dimension, each option anchored to a level 0-4.

The questions are data (``questionnaire.yaml`` in this package), validated once on load::

    from l2o.assess import load_questionnaire

    questionnaire = load_questionnaire()
    question = questionnaire.question("icp_definition")
    question.options[3].text      # what "Enforced" means for this question

Each section covers one dimension of the index, or ``technology`` (CRM depth, automation, AI
tools deployed) for the quadrant. Every question has exactly five options, one per level, in
level order.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from l2o.assess._files import DataSource, FileModel, read_mapping, read_packaged, validate
from l2o.assess.dimensions import DIMENSIONS, LEVEL_IDS, MAX_LEVEL, Dimension

__all__ = [
    "TECHNOLOGY",
    "AnswerOption",
    "Question",
    "Questionnaire",
    "QuestionnaireSection",
    "Topic",
    "load_questionnaire",
]

TECHNOLOGY: Literal["technology"] = "technology"
"""The questionnaire section on technology investment, the quadrant's second axis."""

Topic = Dimension | Literal["technology"]
"""What a questionnaire section scores: one of the six dimensions, or technology."""


class AnswerOption(FileModel):
    """One answer to a question: the level it stands for and what that level looks like."""

    level: int = Field(ge=0, le=MAX_LEVEL)
    text: str = Field(min_length=1)

    @property
    def id(self) -> str:
        """The option id an answers file may use instead of the level, e.g. ``'enforced'``."""
        return LEVEL_IDS[self.level]


class Question(FileModel):
    """One question and its five options, level 0 (Absent) to 4 (Optimised)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    text: str = Field(min_length=1)
    options: list[AnswerOption]

    @model_validator(mode="after")
    def _one_option_per_level(self) -> Question:
        levels = [option.level for option in self.options]
        if levels != list(range(MAX_LEVEL + 1)):
            raise ValueError(
                f"options must give levels 0 to {MAX_LEVEL} once each, in order; got {levels}"
            )
        return self


class QuestionnaireSection(FileModel):
    """The questions about one dimension (4-6) or about technology investment."""

    topic: Topic
    title: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _enough_questions(self) -> QuestionnaireSection:
        if self.topic != TECHNOLOGY and len(self.questions) < 4:
            raise ValueError(f"a dimension needs 4-6 questions; got {len(self.questions)}")
        return self


class Questionnaire(FileModel):
    """The whole questionnaire: one section per dimension plus technology, question ids unique."""

    version: int = Field(ge=1)
    sections: list[QuestionnaireSection]

    @model_validator(mode="after")
    def _complete_and_unique(self) -> Questionnaire:
        topics = [section.topic for section in self.sections]
        missing = [t for t in (*DIMENSIONS, TECHNOLOGY) if t not in topics]
        if missing:
            raise ValueError(f"no section for: {', '.join(missing)}")
        if len(set(topics)) != len(topics):
            raise ValueError("each dimension has one section; a topic appears twice")
        ids = [q.id for section in self.sections for q in section.questions]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question ids must be unique; repeated: {', '.join(repeated)}")
        return self

    @property
    def questions(self) -> list[Question]:
        """Every question, in the order they are asked."""
        return [q for section in self.sections for q in section.questions]

    def question(self, question_id: str) -> Question:
        """The question with this id (``KeyError`` if there is none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def topic_of(self, question_id: str) -> Topic:
        """The dimension (or ``technology``) a question scores."""
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section.topic
        raise KeyError(question_id)


def load_questionnaire(source: DataSource | None = None) -> Questionnaire:
    """The questionnaire in ``source`` (a YAML file or mapping), or the one shipped with L2O.

    Raises :class:`~l2o.assess.AssessmentError` naming the path of every problem.
    """
    if source is None:
        return _shipped_questionnaire()
    data, name = read_mapping(source, "questionnaire")
    return validate(Questionnaire, data, "questionnaire", name)


@cache
def _shipped_questionnaire() -> Questionnaire:
    data = read_packaged("questionnaire.yaml", "questionnaire")
    return validate(Questionnaire, data, "questionnaire", "questionnaire.yaml")
