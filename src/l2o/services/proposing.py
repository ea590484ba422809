"""Proposing a redesigned architecture from a company's data: read the facts, derive, write.

The use case behind ``architecture.proposed.yaml``::

    text = propose_architecture(engine_for(url), spec=load_spec("architecture.yaml"))
    Path("architecture.proposed.yaml").write_text(text)
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from l2o.assess.proposal.architecture import ProposedArchitecture, derive_architecture
from l2o.services.proposal_facts import read_proposal_facts
from l2o.spec import ArchitectureSpec

__all__ = ["propose_architecture", "proposed_architecture"]


def proposed_architecture(
    engine: Engine, *, spec: ArchitectureSpec | None = None
) -> ProposedArchitecture:
    """The proposed spec and its evidence for the company in the store at ``engine``.

    ``spec`` is the current architecture, if there is one: what the data cannot speak to
    (signals, commercial structure, workflows) or has too little to say about is kept from it.
    """
    return derive_architecture(read_proposal_facts(engine), spec)


def propose_architecture(engine: Engine, *, spec: ArchitectureSpec | None = None) -> str:
    """``architecture.proposed.yaml`` for the company in the store at ``engine``: the
    redesigned spec (valid under ``l2o spec check``) with its evidence as comments."""
    return proposed_architecture(engine, spec=spec).to_yaml()
