"""Every exception L2O raises on purpose is drawn in the tree of ``l2o.errors``."""

from __future__ import annotations

import importlib
import pkgutil
import re

import l2o
from l2o import errors


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_l2o_error_is_in_the_drawn_tree() -> None:
    for module in pkgutil.walk_packages(l2o.__path__, "l2o."):
        if ".migrations." in module.name or module.name.endswith(".migrations"):
            continue
        importlib.import_module(module.name)

    missing = sorted(
        cls.__name__
        for cls in _all_subclasses(errors.L2OError)
        if cls.__module__.startswith("l2o.")
        and not re.search(rf"\b{cls.__name__}\b", errors.__doc__ or "")
    )

    assert missing == [], "add these to the tree in l2o/errors.py"
