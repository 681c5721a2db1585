"""Typed PTB context: handlers reach the use cases through `context.use_cases`."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services.bundle import UseCases


class BotData:
    """Application-wide state: the use cases, set by the composition root at start."""

    def __init__(self) -> None:
        self.use_cases: UseCases | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The callback context every handler of this bot receives."""

    @property
    def use_cases(self) -> UseCases:
        use_cases = self.bot_data.use_cases
        if use_cases is None:
            raise RuntimeError("use cases are set in post_init; the bot is not started")
        return use_cases


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
