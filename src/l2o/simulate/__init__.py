"""Simulated B2B companies with known maturity: demo data, test fixtures, benchmarks.

A company is generated from a profile (``founder-led``, ``crm-first``, ``defined``,
``revenue-machine``) and optional per-dimension overrides; maturity drives behaviour the
way the L2O Index describes it, so an assessment can recover it from the data alone::

    from l2o.simulate import simulate, write_csv, write_truth

    company = simulate("founder-led", {"pricing": 3}, leads=20_000, months=24, seed=7)
    write_csv(company, "data/")             # the neutral CSV set, one file per record type
    write_truth(company, "data/truth.json")  # + duplicates.csv and architecture.yaml

Generation is vectorised with NumPy (a loop per stage or per contract term, never per row),
and deterministic: the same arguments give byte-identical files.
"""

from l2o.simulate._company import STEPS, TABLE_ORDER, SimulatedCompany, simulate
from l2o.simulate._maturity import (
    DIMENSIONS,
    PROFILES,
    Maturity,
    MaturityError,
    parse_maturity_overrides,
    resolve_maturity,
)
from l2o.simulate._parameters import CHANNELS, Parameters, parameters_for
from l2o.simulate._table import MISSING, Column, Table
from l2o.simulate._writers import architecture_yaml, write_csv, write_truth

__all__ = [
    "CHANNELS",
    "DIMENSIONS",
    "MISSING",
    "PROFILES",
    "STEPS",
    "TABLE_ORDER",
    "Column",
    "Maturity",
    "MaturityError",
    "Parameters",
    "SimulatedCompany",
    "Table",
    "architecture_yaml",
    "parameters_for",
    "parse_maturity_overrides",
    "resolve_maturity",
    "simulate",
    "write_csv",
    "write_truth",
]
