"""Bitrix24 webhook URLs: the shapes `/link` accepts, and spotting secrets in messages."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidWebhook
from bot.core.model import Credential
from bot.core.webhook import contains_webhook_url, parse_webhook_url, portal_host


@pytest.mark.parametrize(
    ("url", "credential"),
    [
        ("https://team.bitrix24.com/rest/1/abc123def456/",
         Credential("https://team.bitrix24.com", 1, "abc123def456")),
        ("https://team.bitrix24.com/rest/1/abc123def456",
         Credential("https://team.bitrix24.com", 1, "abc123def456")),
        ("  https://Team.Bitrix24.COM/rest/17/AbC1/profile.json \n",
         Credential("https://team.bitrix24.com", 17, "AbC1")),
        ("HTTPS://team.bitrix24.ru/rest/0042/xyzw/task.item.list/",
         Credential("https://team.bitrix24.ru", 42, "xyzw")),
        ("https://b24.example.org:8443/rest/5/code5678/",
         Credential("https://b24.example.org:8443", 5, "code5678")),
    ],
)
def test_webhook_urls_become_credentials(url: str, credential: Credential) -> None:
    assert parse_webhook_url(url, allow_http=False) == credential


def test_the_endpoint_is_rebuilt_from_the_parts() -> None:
    credential = parse_webhook_url("https://team.bitrix24.com/rest/1/abc123def456/user.current",
                                   allow_http=False)

    assert credential.endpoint == "https://team.bitrix24.com/rest/1/abc123def456/"


def test_the_secret_never_shows_in_a_repr() -> None:
    credential = parse_webhook_url("https://team.bitrix24.com/rest/1/abc123def456/",
                                   allow_http=False)

    assert "abc123def456" not in repr(credential)
    assert "abc123def456" not in str(credential)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "abc123def456",
        "team.bitrix24.com/rest/1/abc123def456/",
        "https://team.bitrix24.com/",
        "https://team.bitrix24.com/rest/1/",
        "https://team.bitrix24.com/rest/1/abc/",  # a code shorter than 4
        "https://team.bitrix24.com/rest/1/" + "a" * 65 + "/",
        "https://team.bitrix24.com/rest/0/abc123def456/",
        "https://team.bitrix24.com/rest/-1/abc123def456/",
        "https://team.bitrix24.com/rest/12345678901/abc123def456/",
        "https://team.bitrix24.com/rest/1/abc-123/",
        "https://team.bitrix24.com/api/1/abc123def456/",
        "https://team.bitrix24.com/rest/1/abc123def456/a/b/",
        "https://team.bitrix24.com/rest/1/abc123def456/?x=1",
        "https://team.bitrix24.com/rest/1/abc123def456/#frag",
        "https://user:pass@team.bitrix24.com/rest/1/abc123def456/",
        "ftp://team.bitrix24.com/rest/1/abc123def456/",
        "javascript://team.bitrix24.com/rest/1/abc123def456/",
        "https:///rest/1/abc123def456/",
        "http://team.bitrix24.com/not-a-webhook",  # the shape is judged before the scheme
    ],
)
def test_urls_of_the_wrong_shape(url: str) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        parse_webhook_url(url, allow_http=True)

    assert caught.value.reason == "shape"


@pytest.mark.parametrize(
    "url",
    [
        "https://team.bitrix24.com:port/rest/1/abc123def456/",
        "https://team.bitrix24.com:99999/rest/1/abc123def456/",
        "https://[team.bitrix24.com/rest/1/abc123def456/",
    ],
)
def test_a_mangled_host_is_the_wrong_shape_not_a_crash(url: str) -> None:
    """A member pasting a broken URL must get the shape hint, not "something went wrong"."""
    with pytest.raises(InvalidWebhook) as caught:
        parse_webhook_url(url, allow_http=False)

    assert caught.value.reason == "shape"


def test_plain_http_is_refused_unless_allowed() -> None:
    url = "http://localhost:8081/rest/1/abc123def456/"

    with pytest.raises(InvalidWebhook) as caught:
        parse_webhook_url(url, allow_http=False)

    assert caught.value.reason == "http"
    assert parse_webhook_url(url, allow_http=True) == Credential(
        "http://localhost:8081", 1, "abc123def456")


@pytest.mark.parametrize(
    "text",
    [
        "my hook: https://team.bitrix24.com/rest/1/abc123def456/ thanks",
        "HTTP://TEAM.BITRIX24.COM/REST/1/ABCD",
        "/link https://team.bitrix24.com/rest/1/abcd",
    ],
)
def test_messages_carrying_a_webhook_are_spotted(text: str) -> None:
    assert contains_webhook_url(text)


@pytest.mark.parametrize(
    "text",
    [
        "see https://team.bitrix24.com/workgroups/group/7/",
        "https://team.bitrix24.com/rest/1/abc",  # too short to be a code
        "/rest/1/abc123def456/",
        "",
    ],
)
def test_ordinary_messages_are_not_flagged(text: str) -> None:
    assert not contains_webhook_url(text)


@pytest.mark.parametrize(
    ("portal", "host"),
    [
        ("https://team.bitrix24.com", "team.bitrix24.com"),
        ("http://127.0.0.1:8081", "127.0.0.1:8081"),
        ("team.bitrix24.com", "team.bitrix24.com"),
    ],
)
def test_portal_host(portal: str, host: str) -> None:
    assert portal_host(portal) == host
