"""Source adapters, one per export format, and ``adapter_for`` to pick one by name."""

from __future__ import annotations

from pathlib import Path

from l2o.ingest.sources.base import NeutralRow, SourceAdapter, SourceFile, SourcePlan
from l2o.ingest.sources.neutral import NeutralSource

__all__ = [
    "SOURCES",
    "MappingError",
    "NeutralRow",
    "NeutralSource",
    "SourceAdapter",
    "SourceFile",
    "SourcePlan",
    "adapter_for",
]

#: The ``--source`` names ``adapter_for`` knows.
SOURCES = ("neutral", "salesforce", "hubspot")


class MappingError(ValueError):
    """A mapping YAML is invalid; the message names each problem's path in the YAML."""


def adapter_for(source: str, mapping: Path | None = None) -> SourceAdapter:
    """The adapter for ``source`` (``neutral``, ``salesforce``, ``hubspot``).

    With ``mapping``, the files are read through that mapping YAML instead, whatever
    ``source`` says (the YAML names its own source system).
    """
    if mapping is not None:
        from l2o.ingest.sources.mapped import MappedSource

        return MappedSource.from_yaml(mapping)
    if source == "neutral":
        return NeutralSource()
    if source == "salesforce":
        from l2o.ingest.sources.salesforce import SalesforceSource

        return SalesforceSource()
    if source == "hubspot":
        from l2o.ingest.sources.hubspot import HubSpotSource

        return HubSpotSource()
    raise ValueError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
