"""Reading a published contract (``assessment.json``, a comparison): nulls pass, wrong types
are collected with their path and raised together as :class:`~l2o.publish.PublishError`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from l2o.errors import SpecProblem
from l2o.publish._errors import PublishError

__all__ = ["ContractReader"]


class ContractReader:
    """Reads contract values leniently about nulls and strictly about types, collecting every
    problem with its path; :meth:`raise_problems` raises them together."""

    def __init__(self) -> None:
        self.problems: list[SpecProblem] = []

    def raise_problems(self, what: str) -> None:
        if self.problems:
            raise PublishError(what, self.problems)

    def _problem(self, path: str, expected: str, value: object) -> None:
        self.problems.append(
            SpecProblem(
                path,
                f"expected {expected}, got {type(value).__name__} {value!r:.40}",
                rule="contract",
            )
        )

    def mapping(self, value: object, path: str) -> Mapping[str, Any] | None:
        if value is None or isinstance(value, Mapping):
            return value
        self._problem(path, "a mapping", value)
        return None

    def sequence(self, value: object, path: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return list(value)
        self._problem(path, "a list", value)
        return []

    def number(self, value: object, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem(path, "a number or null", value)
            return None
        return float(value)

    def count(self, value: object, path: str) -> int | None:
        number = self.number(value, path)
        return None if number is None else int(number)

    def text(self, value: object, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self._problem(path, "text or null", value)
        return None
