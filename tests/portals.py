"""A member's webhook on the portal emulator, as the bot stores it (adapter tests share it)."""

from __future__ import annotations

from bot.core.model import Credential
from bot.sandbox.bitrix24 import PortalEmulator

SCOPES = ("task", "user", "socialnetwork", "sonet_group")


def link(emu: PortalEmulator, user_id: int) -> Credential:
    """A webhook of `user_id` as the bot stores it."""
    code = emu.add_webhook(user_id, scopes=SCOPES)
    return Credential(portal=emu.base_url, user_id=user_id, secret=code)
