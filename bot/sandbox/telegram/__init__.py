"""An emulated Telegram Bot API server for end-to-end tests, benchmarks and the demo."""

from bot.sandbox.telegram.emulator import TelegramEmulator
from bot.sandbox.telegram.limits import RateLimits
from bot.sandbox.telegram.models import BotMessage, CallbackAnswer, TgUser, UpdateTiming

__all__ = [
    "BotMessage",
    "CallbackAnswer",
    "RateLimits",
    "TelegramEmulator",
    "TgUser",
    "UpdateTiming",
]
