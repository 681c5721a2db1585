"""What the limit, retry and breaker tests share: members on an emulated portal, fast retries."""

from __future__ import annotations

from bot.adapters.bitrix24.retry import RetryPolicy
from bot.core.model import Credential
from bot.sandbox.bitrix24 import PortalEmulator

SCOPES = ("task", "user", "socialnetwork", "sonet_group")
# The real policy's tries and limits, with waits short enough for a test.
FAST = RetryPolicy(busy_delay=0.01, transient_delay=0.01, max_delay=0.02)


def member(emu: PortalEmulator, name: str = "Anna") -> Credential:
    """A new portal user with a webhook, as the bot stores their credential."""
    user_id = emu.add_user(name)
    return Credential(emu.base_url, user_id, emu.add_webhook(user_id, scopes=SCOPES))


def statuses(emu: PortalEmulator) -> list[int]:
    """The HTTP status of every request the portal saw, oldest first (499: dropped)."""
    return [request.status for request in emu.requests]
