"""Turn pydantic validation errors into spec problems that speak the spec's own language.

Pydantic reports locations as tuples that include union tags (``('exit_criteria', 0,
'field', 'bogus')``); a spec author wants ``exit_criteria[0]: unknown field 'bogus'`` and a
suggestion. This module walks the location along the model types to drop the tags, find the
model an unknown key was written in, and offer the closest real key or allowed value.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError
from pydantic_core import ErrorDetails

from l2o.errors import SpecProblem

__all__ = ["schema_problems"]

_TAG_ERRORS = frozenset(
    {"condition_shape", "criterion_shape", "step_type", "action_type", "union_tag_invalid"}
)


@dataclass
class _Located:
    """Where a pydantic location points: its spec path and the type expected there."""

    path: str
    annotation: Any
    union: tuple[Any, ...] = ()  # set when the walk stopped at a union of plain values


def schema_problems(error: ValidationError, root: type[BaseModel]) -> list[SpecProblem]:
    """One :class:`SpecProblem` per distinct problem in ``error``, in spec order."""
    problems: list[SpecProblem] = []
    seen: set[tuple[str, str]] = set()
    for detail in error.errors(include_url=False):
        problem = _problem(detail, root)
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _problem(detail: ErrorDetails, root: type[BaseModel]) -> SpecProblem:
    loc = tuple(detail["loc"])
    kind = detail["type"]
    if kind in ("extra_forbidden", "missing") and loc and isinstance(loc[-1], str):
        where = _locate(loc[:-1], root)
        key = loc[-1]
        if kind == "missing":
            return SpecProblem(where.path, f"missing required field '{key}'", rule="required")
        return SpecProblem(
            where.path,
            f"unknown field '{key}'",
            rule="unknown_field",
            hint=_did_you_mean(key, _field_names(where.annotation)),
        )
    where = _locate(loc, root)
    value = detail.get("input")
    if kind in _TAG_ERRORS:
        keys = list(value) if isinstance(value, dict) else []
        return SpecProblem(
            where.path,
            detail["msg"],
            rule="shape",
            hint=_tag_hint(keys, _tags(where.annotation)),
        )
    if kind == "literal_error":
        allowed = _literal_values(where.annotation)
        return SpecProblem(
            where.path,
            f"{value!r} is not allowed; expected one of: {', '.join(map(str, allowed))}",
            rule="type",
            hint=_did_you_mean(str(value), [str(v) for v in allowed]),
        )
    if where.union:
        words = " or ".join(dict.fromkeys(_type_word(member) for member in where.union))
        return SpecProblem(where.path, f"should be {words}, got {value!r}", rule="type")
    message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind not in ("value_error", "assertion_error") and _is_scalar(value):
        message += f", got {value!r}"
    return SpecProblem(where.path, message, rule="type" if kind != "value_error" else "value")


def _locate(loc: tuple[int | str, ...], root: type[BaseModel]) -> _Located:
    """Follow ``loc`` through the model types, skipping union tags, building the spec path."""
    path = ""
    annotation: Any = root
    for item in loc:
        annotation = _unwrap(annotation)
        members = _union_members(annotation)
        if members and isinstance(item, str):
            chosen = _member_for_tag(members, item)
            if chosen is not None:
                annotation = _unwrap(chosen)
                continue
            # a union of plain values: pydantic reports each member it tried; report the union
            return _Located(path, annotation, union=members)
        if isinstance(item, int):
            path += f"[{item}]"
            args = get_args(annotation)
            annotation = args[0] if args else Any
        elif _is_model(annotation) and item in annotation.model_fields:
            path += f".{item}" if path else item
            annotation = annotation.model_fields[item].annotation
        else:
            path += f".{item}" if path else str(item)
            annotation = Any
    return _Located(path, _unwrap(annotation))


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``None`` from an annotation, keeping what matters for the walk."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        members = _union_members(annotation)
        non_null = [m for m in members if m is not type(None)]
        if members and len(non_null) == 1:
            annotation = non_null[0]
            continue
        return annotation


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return ()


def _member_for_tag(members: Iterable[Any], tag: str) -> Any:
    for member in members:
        if get_origin(member) is Annotated:
            for meta in get_args(member)[1:]:
                if isinstance(meta, Tag) and meta.tag == tag:
                    return get_args(member)[0]
    return None


def _tags(annotation: Any) -> list[str]:
    return [
        meta.tag
        for member in _union_members(annotation)
        if get_origin(member) is Annotated
        for meta in get_args(member)[1:]
        if isinstance(meta, Tag)
    ]


def _literal_values(annotation: Any) -> list[Any]:
    return list(get_args(annotation)) if get_origin(annotation) is Literal else []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_names(annotation: Any) -> list[str]:
    return list(annotation.model_fields) if _is_model(annotation) else []


def _did_you_mean(word: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, candidates, n=1)
    return f"did you mean '{matches[0]}'?" if matches else None


def _tag_hint(keys: list[Any], tags: list[str]) -> str | None:
    for key in keys:
        hint = _did_you_mean(str(key), tags)
        if hint:
            return hint
    return None


def _type_word(annotation: Any) -> str:
    words = {str: "text", int: "a whole number", float: "a number", bool: "true/false"}
    if annotation is type(None):
        return "null"
    if get_origin(annotation) is list:
        return "a list"
    return words.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 60
