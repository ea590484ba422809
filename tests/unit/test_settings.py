"""Runtime settings: where the store lives, chosen by flag, environment or default."""

from __future__ import annotations

import pytest

from l2o.errors import SettingsError
from l2o.settings import DEFAULT_DATABASE_URL, load_settings


def test_default_is_embedded_sqlite_under_l2o_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L2O_DATABASE_URL", raising=False)
    assert load_settings().database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL == "sqlite:///./l2o-data/l2o.db"


def test_environment_overrides_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L2O_DATABASE_URL", "sqlite:////tmp/other.db")
    assert load_settings().database_url == "sqlite:////tmp/other.db"


def test_explicit_url_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L2O_DATABASE_URL", "sqlite:////tmp/other.db")
    assert load_settings("sqlite:////tmp/flag.db").database_url == "sqlite:////tmp/flag.db"


def test_plain_postgresql_url_uses_psycopg3_driver() -> None:
    settings = load_settings("postgresql://rev@db.example:5432/l2o")
    assert settings.database_url == "postgresql+psycopg://rev@db.example:5432/l2o"


def test_unsupported_backend_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match=r"scheme 'mysql' is not supported"):
        load_settings("mysql://rev@db/l2o")
