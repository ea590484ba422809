"""The ``l2o`` command itself: help and version, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from l2o import __version__
from l2o.entrypoints.cli import app

L2O = Path(sys.executable).with_name("l2o")


def test_version_flag_prints_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"l2o {__version__}"


def test_help_lists_the_command_groups() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("spec", "db", "run"):
        assert command in result.output


def test_installed_console_script_runs() -> None:
    completed = subprocess.run(
        [str(L2O), "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"l2o {__version__}"
