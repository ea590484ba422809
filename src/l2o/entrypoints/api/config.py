"""The API's settings, read once from the environment (prefix ``L2O_``) when the app is made:
the runtime :class:`l2o.settings.Settings` plus the API's own limits.

``L2O_SPEC`` names the architecture spec the commands apply (default
``./architecture.yaml``). ``L2O_INBOUND_WEBHOOK_SECRET`` (a runtime setting) is the Standard
Webhooks secret (``whsec_`` + base64 of at least 24 random bytes) that signs touchpoints and
usage events sent to ``POST /webhooks/inbound``; without it that endpoint answers 503.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from l2o.settings import Settings

__all__ = ["ApiSettings"]


class ApiSettings(Settings):
    """The runtime settings (data directory, inbound webhook secret) and the API's limits."""

    model_config = SettingsConfigDict(env_prefix="L2O_", extra="ignore")

    spec: Path = Field(default=Path("architecture.yaml"), description="The architecture spec.")
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="JSON request bodies.")
    max_upload_bytes: int = Field(default=100_000_000, gt=0, description="Import uploads.")
    page_size: int = Field(default=50, gt=0)
    max_page_size: int = Field(default=200, gt=0)
    token_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a token's user and role are kept before being read again (0: never).",
    )
    lead_group_window_ms: float = Field(
        default=2.0,
        ge=0,
        le=100,
        description="How long POST /leads waits to store the leads arriving together at once.",
    )
    allow_private_webhooks: bool = Field(
        default=False, description="Let webhook targets resolve to private addresses (dev)."
    )
