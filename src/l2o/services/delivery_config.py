"""Webhook endpoints as data: where events go, signed with which secret, retried how.

The worker reads one YAML or JSON file (``l2o worker --endpoints FILE``)::

    endpoints:
      - name: crm-sync
        url: https://hooks.example.com/l2o
        secret_env: L2O_WEBHOOK_SECRET_CRM_SYNC   # or `secret: whsec_...` (not in git)
        events: [OpportunityStageChanged, OpportunityClosed, "Lead*"]
    retry_schedule: [5s, 5m, 30m, 2h, 5h, 10h, 10h]
    timeout_seconds: 10
    allowed_networks: []          # CIDRs a target may resolve to although not public
    digest_every: 1h

Everything is checked once, when the file is read: a bad URL, a weak or missing secret, an
unknown key or a malformed duration is a ``SettingsError`` naming the entry.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import ipaddress
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from l2o.errors import SettingsError

__all__ = [
    "DEFAULT_RETRY_SCHEDULE",
    "DeliveryConfig",
    "WebhookEndpoint",
    "load_delivery_config",
    "parse_duration",
]

DEFAULT_RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
"""The Standard Webhooks schedule: after the first attempt, retry after these delays."""

_MIN_SECRET_BYTES = 24
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, None: 1}


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """``"5s"``, ``"30m"``, ``"2h"``, ``"1d"`` or a number of seconds, as a ``timedelta``.

    >>> parse_duration("5m")
    datetime.timedelta(seconds=300)
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if match is None:
        raise ValueError(f"{value!r} is not a duration (e.g. 5s, 30m, 2h, 1d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookEndpoint(_Model):
    """One receiver: its URL, its signing secret and the event types it subscribes to.

    ``events`` holds event type names or shell-style patterns (``Opportunity*``, ``*``).
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    url: str
    secret: str = Field(repr=False)
    events: tuple[str, ...] = Field(min_length=1)
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/?#]+", value, flags=re.IGNORECASE):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("secret")
    @classmethod
    def _strong_secret(cls, value: str) -> str:
        raw = value.removeprefix("whsec_")
        try:
            key = base64.b64decode(raw + "==", validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("the secret is not base64 (expected whsec_<base64>)") from exc
        if len(key) < _MIN_SECRET_BYTES:
            raise ValueError(
                f"the secret is {len(key)} bytes; use at least {_MIN_SECRET_BYTES} random bytes "
                "(whsec_ followed by their base64)"
            )
        return value

    def receives(self, event_type: str) -> bool:
        """Whether this endpoint subscribes to ``event_type``."""
        return self.enabled and any(fnmatch.fnmatchcase(event_type, p) for p in self.events)


class DeliveryConfig(_Model):
    """How the worker delivers webhooks. ``DeliveryConfig()`` has no endpoints.

    ``allow_private`` lets targets resolve to private and loopback addresses (development);
    ``allowed_networks`` lets through just the networks listed. Cloud metadata addresses stay
    refused unless their network is listed.
    """

    endpoints: tuple[WebhookEndpoint, ...] = ()
    retry_schedule: tuple[timedelta, ...] = DEFAULT_RETRY_SCHEDULE
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_redirects: int = Field(default=3, ge=0, le=10)
    allow_private: bool = False
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    digest_every: timedelta = timedelta(hours=1)

    @field_validator("retry_schedule", mode="before")
    @classmethod
    def _durations(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(parse_duration(item) for item in value)
        return value

    @field_validator("digest_every", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str | int | float) else value

    @field_validator("allowed_networks", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(ipaddress.ip_network(str(item), strict=False) for item in value)
        return value

    @field_validator("endpoints")
    @classmethod
    def _unique_names(cls, value: tuple[WebhookEndpoint, ...]) -> tuple[WebhookEndpoint, ...]:
        names = [endpoint.name for endpoint in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"endpoint names must be unique: {', '.join(duplicates)}")
        return value

    @property
    def max_attempts(self) -> int:
        """The first attempt plus one per retry delay; after that a message is dead."""
        return len(self.retry_schedule) + 1

    def retry_delay(self, attempts: int) -> timedelta | None:
        """The wait after the ``attempts``-th failed attempt, or ``None`` when it was the last."""
        if attempts < 1 or attempts > len(self.retry_schedule):
            return None
        return self.retry_schedule[attempts - 1]

    def endpoint(self, name: str) -> WebhookEndpoint | None:
        """The endpoint called ``name``, or ``None``."""
        return next((e for e in self.endpoints if e.name == name), None)

    def endpoint_for_url(self, url: str) -> WebhookEndpoint | None:
        """The endpoint whose URL is ``url`` (for webhooks a workflow names by URL)."""
        return next((e for e in self.endpoints if e.url == url), None)

    def subscribers(self, event_type: str) -> tuple[WebhookEndpoint, ...]:
        """The enabled endpoints that receive ``event_type``."""
        return tuple(e for e in self.endpoints if e.receives(event_type))


def load_delivery_config(
    path: str | Path, *, allow_private: bool | None = None, environ: dict[str, str] | None = None
) -> DeliveryConfig:
    """The delivery configuration in the YAML or JSON file at ``path``.

    ``secret_env: NAME`` reads an endpoint's secret from the environment (``environ``, by
    default ``os.environ``). ``allow_private`` (the ``--allow-private`` flag) overrides the file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read the webhook endpoints file {path}: {exc}") from exc
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: not valid YAML/JSON: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a mapping with an 'endpoints' list")
    raw = _secrets_from_environment(path, raw, os.environ if environ is None else environ)
    if allow_private is not None:
        raw["allow_private"] = allow_private
    try:
        return DeliveryConfig.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'file'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise SettingsError(f"{path}: {reasons}") from exc


def _secrets_from_environment(
    path: Path, raw: dict[str, Any], environ: dict[str, str] | os._Environ[str]
) -> dict[str, Any]:
    endpoints = raw.get("endpoints") or []
    if not isinstance(endpoints, list):
        raise SettingsError(f"{path}: 'endpoints' must be a list")
    resolved = []
    for index, entry in enumerate(endpoints):
        if isinstance(entry, dict) and "secret_env" in entry:
            entry = dict(entry)
            variable = str(entry.pop("secret_env"))
            if "secret" in entry:
                raise SettingsError(
                    f"{path}: endpoints.{index}: give 'secret' or 'secret_env', not both"
                )
            if not environ.get(variable):
                raise SettingsError(
                    f"{path}: endpoints.{index}: environment variable {variable} "
                    "(secret_env) is not set"
                )
            entry["secret"] = environ[variable]
        resolved.append(entry)
    return {**raw, "endpoints": resolved}
