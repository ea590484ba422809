"""Explanation lines worked out once per key, in a cache that cannot grow without bound."""

from __future__ import annotations

import pytest

from l2o.engine import explain
from l2o.engine.explain import words_kept


def test_a_line_is_made_once_per_key() -> None:
    kept: dict[str, str] = {}
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert [words_kept(kept, k, lambda k=k: make(k)) for k in ["a", "b", "a", "a"]] == [
        "A",
        "B",
        "A",
        "A",
    ]
    assert made == ["a", "b"]


def test_the_cache_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explain, "WORDS_KEPT", 3)
    kept: dict[int, int] = {}
    for key in range(10):
        assert words_kept(kept, key, lambda key=key: key * 2) == key * 2
        assert len(kept) <= 3
