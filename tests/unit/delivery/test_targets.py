"""SSRF protection: which addresses a webhook may reach. Pure: no socket is opened."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from l2o.services.delivery_config import DeliveryConfig, WebhookEndpoint
from l2o.services.delivery_http import WebhookSender
from l2o.services.delivery_targets import (
    GuardedTransport,
    TargetPolicy,
    TargetRefused,
    check_scheme,
)

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "not publicly routable"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    refusal = TargetPolicy().refusal(ipaddress.ip_address(address))
    assert refusal is not None
    assert reason in refusal


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert TargetPolicy().refusal(ipaddress.ip_address(address)) is None


def test_allow_private_opens_everything_but_metadata() -> None:
    policy = TargetPolicy(allow_private=True)
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("10.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("169.254.169.254")) == "cloud metadata address"


def test_allowed_networks_open_exactly_what_they_list() -> None:
    policy = TargetPolicy(allowed_networks=(ipaddress.ip_network("10.1.0.0/16"),))
    assert policy.refusal(ipaddress.ip_address("10.1.2.3")) is None
    assert policy.refusal(ipaddress.ip_address("10.2.0.1")) == "private address"


def test_every_address_of_a_name_must_pass() -> None:
    with pytest.raises(TargetRefused, match=r"hooks.example.com \(10.0.0.1\): private"):
        TargetPolicy().check_addresses("hooks.example.com", ["93.184.216.34", "10.0.0.1"])


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com", "example.com/x"]
)
def test_only_http_and_https_schemes(url: str) -> None:
    with pytest.raises(TargetRefused, match="not http or https"):
        check_scheme(url)


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting() -> None:
    asked: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["10.0.0.5"]

    endpoint = WebhookEndpoint(
        name="h", url="https://hooks.example.com/in", secret=SECRET, events=("*",)
    )
    config = DeliveryConfig(endpoints=(endpoint,))
    transport = GuardedTransport(TargetPolicy(), resolver=resolver)
    with WebhookSender(config, transport=transport) as sender:
        result = sender.send(endpoint.url, SECRET, "msg_1", {"type": "x"})
    assert asked == [("hooks.example.com", 443)]
    assert not result.delivered
    assert result.final
    assert result.error is not None
    assert "private address" in result.error


def test_a_non_http_scheme_is_refused_by_the_sender() -> None:
    config = DeliveryConfig()
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with WebhookSender(config, transport=transport) as sender:
        result = sender.send("ftp://example.com/x", SECRET, "msg_1", {})
    assert result.final
    assert "not http or https" in (result.error or "")
