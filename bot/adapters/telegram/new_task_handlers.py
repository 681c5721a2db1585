"""`/new <title> [<n>sp] [> <sprint>]`: create a task in the chat's Scrum."""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.pickers import where
from bot.adapters.telegram.replies import answer_with, reply_error
from bot.core import render_buttons as rb
from bot.core.errors import UsageError
from bot.core.grammar_new import parse_new


async def new(update: Update, context: BotContext) -> None:
    """Create the task as the member, then reply with its id (replies to it then work)."""
    try:
        command = parse_new(context.args or [])
    except UsageError as error:
        await reply_error(update, context, error)
        return
    chat_id, user_id = where(update)
    await answer_with(update, context,
                      lambda: context.use_cases.new_tasks.create(chat_id, user_id, command),
                      rb.created)
