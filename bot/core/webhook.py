"""Bitrix24 incoming-webhook URLs: checking their shape and spotting them in messages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.core.errors import InvalidWebhook
from bot.core.model import Credential

_PATH = re.compile(r"/rest/(\d{1,10})/([A-Za-z0-9]{4,64})(?:/[A-Za-z0-9_.]*)?/?")
WEBHOOK_PATTERN = r"(?i)https?://[^\s/]+/rest/\d{1,10}/[A-Za-z0-9]{4,64}"
_ANYWHERE = re.compile(WEBHOOK_PATTERN)


def parse_webhook_url(text: str, *, allow_http: bool) -> Credential:
    """`https://<portal>/rest/<user_id>/<code>/` as a Credential; InvalidWebhook otherwise."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise InvalidWebhook("shape") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidWebhook("shape")
    match = _PATH.fullmatch(parts.path)
    if match is None or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidWebhook("shape")
    if parts.scheme == "http" and not allow_http:
        raise InvalidWebhook("http")
    host = parts.hostname.lower()
    netloc = f"{host}:{port}" if port else host
    user_id = int(match.group(1))
    if user_id <= 0:
        raise InvalidWebhook("shape")
    return Credential(portal=f"{parts.scheme}://{netloc}", user_id=user_id, secret=match.group(2))


def contains_webhook_url(text: str) -> bool:
    """True when a message carries something that looks like a webhook URL (a secret)."""
    return _ANYWHERE.search(text) is not None


def portal_host(portal: str) -> str:
    """The host part of a portal URL, as members know their portal."""
    return urlsplit(portal).netloc or portal
