"""The public API is exactly what ``l2o.__all__`` says (after httpx's test of the same name)."""

from __future__ import annotations

import l2o


def test_all_names_exist() -> None:
    missing = [name for name in l2o.__all__ if not hasattr(l2o, name)]
    assert missing == []


def test_every_public_name_is_in_all() -> None:
    public = {
        name
        for name, value in vars(l2o).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith("l2o")
        and not isinstance(value, type(l2o))
    }
    assert public - set(l2o.__all__) == set()


def test_all_has_no_duplicates() -> None:
    assert len(l2o.__all__) == len(set(l2o.__all__))
