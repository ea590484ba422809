"""Turning names found in the data (``Closed Won``, ``Renewals 2024``) into spec identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["identifier", "unique_identifier"]

_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")


def identifier(name: str, fallback: str = "item") -> str:
    """A snake_case spec identifier for ``name``.

    >>> identifier("Closed Won"), identifier("2024 renewals"), identifier("!!")
    ('closed_won', 'n_2024_renewals', 'item')
    """
    text = _NOT_ALLOWED.sub("_", name.casefold()).strip("_")
    if not text:
        return fallback
    if not text[0].isalpha():
        text = f"n_{text}"
    return text[:64].rstrip("_")


def unique_identifier(name: str, taken: Iterable[str], fallback: str = "item") -> str:
    """:func:`identifier`, with ``_2``, ``_3``... appended until it is not in ``taken``."""
    used = set(taken)
    base = identifier(name, fallback)
    candidate, number = base, 2
    while candidate in used:
        suffix = f"_{number}"
        candidate = base[: 64 - len(suffix)] + suffix
        number += 1
    return candidate
