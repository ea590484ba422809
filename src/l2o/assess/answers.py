"""An answers file: the level chosen for each question, validated against the questionnaire.

::

    # answers.yaml
    version: 1
    answers:
      icp_definition: 3          # a level, 0-4
      icp_tiers: defined         # or an option id: absent, founder_held, defined, ...
      icp_personas: null         # unanswered: takes no part in the score

The "said" score of a dimension is the mean level of its answered questions; a dimension with
no answered question has no said score (``None``), never a zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

import yaml
from pydantic import Field

from l2o.assess._errors import AssessmentError
from l2o.assess._files import DataSource, FileModel, read_mapping, validate
from l2o.assess.dimensions import LEVEL_IDS, LEVEL_NAMES, MAX_LEVEL
from l2o.assess.questionnaire import Questionnaire, Topic, load_questionnaire
from l2o.errors import SpecProblem

__all__ = ["Answers", "answers_yaml", "load_answers", "said_scores"]

_WHAT = "answers file"


class _AnswersFile(FileModel):
    version: int = Field(default=1, ge=1)
    answers: dict[str, int | str | None] | None = None


@dataclass(frozen=True)
class Answers:
    """The level (0-4) chosen for each answered question, by question id."""

    levels: Mapping[str, int] = field(default_factory=dict)

    def said(self, questionnaire: Questionnaire, topic: Topic) -> float | None:
        """Mean level of the answered questions on ``topic``; ``None`` if none is answered."""
        section = next(s for s in questionnaire.sections if s.topic == topic)
        chosen = [self.levels[q.id] for q in section.questions if q.id in self.levels]
        return fmean(chosen) if chosen else None


def load_answers(source: DataSource, questionnaire: Questionnaire | None = None) -> Answers:
    """The answers in ``source`` (YAML file or mapping), checked against the questionnaire.

    Raises :class:`~l2o.assess.AssessmentError` listing every problem with its path, e.g.
    ``answers.icp_defintion: unknown question (did you mean 'icp_definition'?)``.
    """
    questionnaire = questionnaire or load_questionnaire()
    data, name = read_mapping(source, _WHAT)
    parsed = validate(_AnswersFile, data, _WHAT, name)
    known = [q.id for q in questionnaire.questions]
    levels: dict[str, int] = {}
    problems: list[SpecProblem] = []
    for question_id, chosen in (parsed.answers or {}).items():
        path = f"answers.{question_id}"
        if question_id not in known:
            problems.append(SpecProblem(path, "unknown question", hint=_hint(question_id, known)))
        elif chosen is not None:
            level = _level(chosen)
            if level is None:
                problems.append(_bad_choice(path, chosen))
            else:
                levels[question_id] = level
    if problems:
        raise AssessmentError(_WHAT, problems, source=name)
    return Answers(levels)


def said_scores(questionnaire: Questionnaire, answers: Answers) -> dict[Topic, float | None]:
    """The said score of every dimension and of technology, in questionnaire order."""
    return {s.topic: answers.said(questionnaire, s.topic) for s in questionnaire.sections}


def answers_yaml(questionnaire: Questionnaire, answers: Answers | None = None) -> str:
    """An answers file as YAML text, every question listed with its options as comments.

    With no ``answers`` this is the template to fill in: every answer ``null``.
    """
    chosen = answers.levels if answers else {}
    lines = [
        "# L2O Index questionnaire: answer each question with a level 0-4 (or its option id).",
        "# Leave null to skip a question; skipped questions take no part in the score.",
        yaml.safe_dump({"version": 1}, sort_keys=False).strip(),
        "answers:",
    ]
    for section in questionnaire.sections:
        lines.append(f"  # --- {section.title} ({section.topic}) ---")
        for question in section.questions:
            lines.append(f"  # {question.text}")
            lines.extend(f"  #   {o.level} {o.id}: {o.text}" for o in question.options)
            value = chosen.get(question.id)
            lines.append(f"  {question.id}: {'null' if value is None else value}")
    return "\n".join(lines) + "\n"


def _level(chosen: Any) -> int | None:
    if isinstance(chosen, bool):
        return None
    if isinstance(chosen, int):
        return chosen if 0 <= chosen <= MAX_LEVEL else None
    key = str(chosen).strip().lower().replace("-", "_").replace(" ", "_")
    if key in LEVEL_IDS:
        return LEVEL_IDS.index(key)
    return int(key) if key.isdigit() and int(key) <= MAX_LEVEL else None


def _bad_choice(path: str, chosen: Any) -> SpecProblem:
    allowed = ", ".join(f"{i} ({n})" for i, n in enumerate(LEVEL_NAMES))
    hint = _hint(str(chosen).lower(), list(LEVEL_IDS)) if isinstance(chosen, str) else None
    return SpecProblem(
        path,
        f"{chosen!r} is not a level; expected 0-{MAX_LEVEL} or an option id: {allowed}",
        rule="level",
        hint=hint,
    )


def _hint(word: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, candidates, n=1)
    return f"did you mean '{matches[0]}'?" if matches else None
