"""The API's settings, read once from the environment (prefix ``L2O_``) when the app is made.

``L2O_SPEC`` names the architecture spec the commands apply (default
``./architecture.yaml``); ``L2O_INBOUND_WEBHOOK_SECRET`` the Standard Webhooks secret
(``whsec_`` + base64 of at least 24 random bytes) that signs touchpoints and usage events
sent to ``POST /webhooks/inbound``; without it that endpoint answers 503.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiSettings"]


class ApiSettings(BaseSettings):
    """Limits and secrets of the HTTP API."""

    model_config = SettingsConfigDict(env_prefix="L2O_", extra="ignore")

    spec: Path = Field(default=Path("architecture.yaml"), description="The architecture spec.")
    inbound_webhook_secret: str | None = Field(default=None, repr=False)
    data_dir: Path = Field(default=Path("l2o-data"), description="Assessment packages go here.")
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="JSON request bodies.")
    max_upload_bytes: int = Field(default=100_000_000, gt=0, description="Import uploads.")
    page_size: int = Field(default=50, gt=0)
    max_page_size: int = Field(default=200, gt=0)
    allow_private_webhooks: bool = Field(
        default=False, description="Let webhook targets resolve to private addresses (dev)."
    )
