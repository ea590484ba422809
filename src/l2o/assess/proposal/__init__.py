"""The proposed architecture: a redesigned spec derived from a company's data.

Pure: the store side reduces the data to :class:`ProposalFacts`
(``l2o.services.proposal_facts``); this package turns those facts, and the current spec if
there is one, into a spec valid under ``l2o spec check`` whose derived values carry their
evidence as YAML comments::

    from l2o.assess.proposal import derive_architecture

    proposal = derive_architecture(facts, current=spec)
    text = proposal.to_yaml()

See docs/redesign.md for how each value is derived.
"""

from l2o.assess.proposal.architecture import (
    DEFAULT_COMPANY_NAME,
    ProposedArchitecture,
    derive_architecture,
)
from l2o.assess.proposal.evidence import Evidence, SpecPath
from l2o.assess.proposal.facts import (
    DEAL_SIZE_EDGES,
    EMPLOYEE_BANDS,
    DealSizeDiscounts,
    EmployeeBandOutcome,
    Histogram,
    Outcome,
    PipelineFacts,
    ProposalFacts,
    RenewalFacts,
    StageFacts,
)

__all__ = [
    "DEAL_SIZE_EDGES",
    "DEFAULT_COMPANY_NAME",
    "EMPLOYEE_BANDS",
    "DealSizeDiscounts",
    "EmployeeBandOutcome",
    "Evidence",
    "Histogram",
    "Outcome",
    "PipelineFacts",
    "ProposalFacts",
    "ProposedArchitecture",
    "RenewalFacts",
    "SpecPath",
    "StageFacts",
    "derive_architecture",
]
