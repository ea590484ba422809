"""Write a simulated company: the neutral CSV set, and the truth files beside it.

``write_csv(company, "out/")`` writes one ``<record type>.csv`` per table;
``write_truth(company, "out/truth.json")`` writes ``truth.json`` with ``duplicates.csv``
and ``architecture.yaml`` in the same folder. Every file is byte-stable for a seed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from l2o.simulate._company import TABLE_ORDER, SimulatedCompany
from l2o.simulate._csv import write_table_csv
from l2o.simulate._truth import truth_json
from l2o.spec import load_spec, spec_to_yaml

__all__ = ["architecture_yaml", "write_csv", "write_truth"]


def write_csv(
    company: SimulatedCompany,
    directory: str | Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write every table as ``<directory>/<record type>.csv``; return the paths by type."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name in TABLE_ORDER:
        if progress:
            progress(name)
        path = out / f"{name}.csv"
        write_table_csv(company.tables[name], path)
        paths[name] = path
    return paths


def architecture_yaml(company: SimulatedCompany) -> str:
    """The company's architecture spec as YAML, validated by :func:`l2o.spec.load_spec`."""
    return spec_to_yaml(load_spec(company.spec))


def write_truth(company: SimulatedCompany, truth_path: str | Path) -> dict[str, Path]:
    """Write ``truth.json`` at ``truth_path``, and ``duplicates.csv`` and
    ``architecture.yaml`` beside it; return the three paths."""
    truth = Path(truth_path)
    truth.parent.mkdir(parents=True, exist_ok=True)
    duplicates = truth.parent / "duplicates.csv"
    architecture = truth.parent / "architecture.yaml"
    write_table_csv(company.duplicates, duplicates)
    architecture.write_text(architecture_yaml(company), encoding="utf-8", newline="\n")
    truth.write_text(truth_json(company.truth), encoding="utf-8", newline="\n")
    return {"truth": truth, "duplicates": duplicates, "architecture": architecture}
