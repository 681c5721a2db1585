"""Conditions a scenario sets on the emulators, using what each emulator offers today."""

from __future__ import annotations

import bot.sandbox.telegram as telegram_sandbox
from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import TelegramEmulator


def make_failing(portal: PortalEmulator) -> str:
    """Every request to this portal answers HTTP 500; returns how that was arranged."""
    fail_always = getattr(portal, "fail_always", None)
    if callable(fail_always):
        try:
            fail_always(status=500, error="INTERNAL_SERVER_ERROR", description="Internal error")
            return "fail_always(status=500)"
        except TypeError:
            pass
    portal.fail_next(1_000_000, status=500, error="INTERNAL_SERVER_ERROR",
                     description="Internal server error")
    return "fail_next(1000000, status=500)"


def telegram_limits(telegram: TelegramEmulator) -> bool:
    """Switch on Telegram's flood limits (429 beyond them) when the emulator has them."""
    switch = getattr(telegram, "set_rate_limits", None)
    limits = getattr(telegram_sandbox, "RateLimits", None)
    if not callable(switch) or limits is None:
        return False
    switch(limits())
    return True


def telegram_429(telegram: TelegramEmulator) -> int | None:
    """How many sends Telegram answered 429, when the emulator counts them."""
    counter = getattr(telegram, "rate_limited", None)
    return int(counter()) if callable(counter) else None
