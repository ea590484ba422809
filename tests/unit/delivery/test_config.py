"""The endpoints file: parsed and checked once, with errors naming the entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from l2o.errors import SettingsError
from l2o.services.delivery_config import DEFAULT_RETRY_SCHEDULE, load_delivery_config

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def write(tmp_path: Path, text: str, name: str = "endpoints.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_full_file_with_a_secret_from_the_environment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
endpoints:
  - name: crm-sync
    url: https://hooks.example.com/l2o
    secret_env: HOOK_SECRET
    events: [OpportunityClosed, "Lead*"]
retry_schedule: [10s, 1m]
allowed_networks: [10.1.0.0/16]
digest_every: 1d
""",
    )
    config = load_delivery_config(path, environ={"HOOK_SECRET": SECRET})
    [endpoint] = config.endpoints
    assert endpoint.secret == SECRET
    assert SECRET not in repr(endpoint)
    assert endpoint.receives("LeadConverted")
    assert not endpoint.receives("ApprovalDecided")
    assert config.retry_schedule == (timedelta(seconds=10), timedelta(minutes=1))
    assert config.max_attempts == 3
    assert config.digest_every == timedelta(days=1)
    assert config.subscribers("OpportunityClosed") == (endpoint,)


def test_defaults_follow_standard_webhooks(tmp_path: Path) -> None:
    config = load_delivery_config(write(tmp_path, "endpoints: []\n"))
    assert config.retry_schedule == DEFAULT_RETRY_SCHEDULE
    assert config.max_attempts == 8
    assert not config.allow_private
    assert load_delivery_config(write(tmp_path, "{}"), allow_private=True).allow_private


def test_json_works_too(tmp_path: Path) -> None:
    text = (
        '{"endpoints": [{"name": "a", "url": "https://x.example/h", '
        '"secret": "%s", "events": ["*"]}]}'
    )
    config = load_delivery_config(write(tmp_path, text % SECRET, "endpoints.json"))
    assert config.endpoint("a") is not None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{name: a, url: 'ftp://x.example', secret: %s, events: ['*']}", "not an http(s) URL"),
        ("{name: a, url: 'https://x.example', secret: whsec_c2hvcnQ=, events: ['*']}", "5 bytes"),
        ("{name: a, url: 'https://x.example', secret: %s, events: []}", "endpoints.0.events"),
        ("{name: a, url: 'https://x.example', secret: %s, events: ['*'], colour: red}", "colour"),
        ("{name: a, url: 'https://x.example', secret_env: NOPE, events: ['*']}", "NOPE"),
    ],
)
def test_bad_entries_are_refused_by_name(tmp_path: Path, entry: str, message: str) -> None:
    text = "endpoints:\n  - " + (entry % SECRET if "%s" in entry else entry) + "\n"
    with pytest.raises(SettingsError, match="endpoints") as caught:
        load_delivery_config(write(tmp_path, text), environ={})
    assert message in str(caught.value)


def test_duplicate_names_and_bad_durations_are_refused(tmp_path: Path) -> None:
    entry = f"  - {{name: a, url: 'https://x.example', secret: {SECRET}, events: ['*']}}\n"
    with pytest.raises(SettingsError, match="unique: a"):
        load_delivery_config(write(tmp_path, "endpoints:\n" + entry + entry))
    with pytest.raises(SettingsError, match="not a duration"):
        load_delivery_config(write(tmp_path, "retry_schedule: [soon]\n"))
