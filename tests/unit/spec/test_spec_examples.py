"""The example specs: the well-architected one lints clean, the founder-led one is thin."""

from __future__ import annotations

from pathlib import Path

from l2o.spec import SECTIONS, check_spec


def test_examples_dir_holds_only_specs(examples_dir: Path) -> None:
    names = sorted(p.name for p in examples_dir.iterdir() if p.is_file())
    assert "revenue-machine.yaml" in names
    assert "founder-led.yaml" in names
    assert all(name.endswith(".yaml") for name in names)


def test_revenue_machine_is_complete_and_lints_clean(examples_dir: Path) -> None:
    report = check_spec(examples_dir / "revenue-machine.yaml")
    assert report.ok, report.errors
    assert report.warnings == []
    spec = report.spec
    assert spec is not None
    assert all(getattr(spec, section) for section in SECTIONS)
    assert spec.icp is not None
    assert len(spec.icp.tiers) == 3
    assert spec.pipeline is not None
    assert {p.deal_type for p in spec.pipeline.pipelines} == {
        "new_business",
        "expansion",
        "renewal",
    }
    assert spec.pipeline.qualification is not None
    assert spec.pipeline.qualification.name == "MEDDICC"
    assert spec.lifecycle is not None
    assert spec.lifecycle.renewal is not None
    assert spec.lifecycle.renewal.windows_days == [120, 90, 60]
    assert spec.pricing is not None
    assert any(len(band.approvers) > 1 for band in spec.pricing.discount_matrix)


def test_founder_led_is_valid_with_warnings(examples_dir: Path) -> None:
    report = check_spec(examples_dir / "founder-led.yaml")
    assert report.ok, report.errors
    rules = {w.rule for w in report.warnings}
    assert {"empty_dimension", "stage_without_exit_criteria", "no_qualification_framework"} <= rules
    assert {w.path for w in report.warnings if w.rule == "empty_dimension"} == {
        "pricing",
        "lifecycle",
        "workflows",
    }


def test_check_reports_errors_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\ncompany: {name: A, curency: EUR}\n", encoding="utf-8")
    report = check_spec(path)
    assert not report.ok
    assert report.spec is None
    assert [p.path for p in report.errors] == ["company"]
    assert report.source == str(path)
