"""Runtime settings: where the data lives. Not the revenue architecture (that is ``spec``).

Read from the environment (prefix ``L2O_``) with command-line flags taking precedence::

    L2O_DATABASE_URL=postgresql+psycopg://user@localhost/l2o l2o db upgrade
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from l2o.errors import SettingsError

__all__ = ["DEFAULT_DATABASE_URL", "Settings", "load_settings"]

DEFAULT_DATABASE_URL = "sqlite:///./l2o-data/l2o.db"

_SUPPORTED_SCHEMES = ("sqlite", "postgresql")


class Settings(BaseSettings):
    """Where L2O keeps its data. The embedded SQLite default needs no server."""

    model_config = SettingsConfigDict(env_prefix="L2O_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: sqlite:///PATH or postgresql+psycopg://...",
    )
    data_dir: Path = Field(default=Path("l2o-data"), description="Reports and exports go here.")
    inbound_webhook_secret: str | None = Field(
        default=None,
        repr=False,
        description="Standard Webhooks secret (whsec_...) that signs POST /webhooks/inbound.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in _SUPPORTED_SCHEMES:
            raise ValueError(
                f"database URL scheme {scheme!r} is not supported; use one of "
                f"{', '.join(_SUPPORTED_SCHEMES)}"
            )
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; SQLAlchemy would otherwise look for psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment, with an explicit ``database_url`` winning when given."""
    try:
        if database_url:
            return Settings(database_url=database_url)
        return Settings()
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise SettingsError(f"unusable settings - {reasons}") from exc
