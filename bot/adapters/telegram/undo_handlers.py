"""`/undo`, the Undo button under a write report, and `/log` (what the bot changed)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from html import unescape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import answer_quietly, answer_with, reply, reply_error
from bot.adapters.telegram.scrum_handlers import typed
from bot.adapters.telegram.write_replies import UNDO_PREFIX
from bot.core import grammar
from bot.core.errors import BotError, UsageError
from bot.core.outcomes import UndoStatus
from bot.core.render_errors import render_error
from bot.core.render_writes import task_log, undo_notice, undo_result

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]*>")
_ALERT_LIMIT = 200  # Telegram shows at most 200 characters in an alert


def _plain(html: str) -> str:
    """HTML reply text as an alert's plain text."""
    text = unescape(_TAGS.sub("", html))
    return text if len(text) <= _ALERT_LIMIT else text[: _ALERT_LIMIT - 1] + "…"


async def undo(update: Update, context: BotContext) -> None:
    """`/undo`: the member's last change in this chat (its whole message) is put back."""
    try:
        grammar.expect_no_args("undo", context.args or [])
    except UsageError as error:
        await reply_error(update, context, error)
        return
    assert update.effective_chat is not None and update.effective_user is not None
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    await answer_with(update, context, lambda: context.use_cases.undo.last(chat_id, user_id),
                      undo_result)


async def run_log(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    """`/log 42`, or `/log` replying to a task message: the bot's changes to the task."""
    try:
        cmd = grammar.parse_log(args, implied)
    except UsageError as error:
        await reply_error(update, context, error)
        return
    assert update.effective_chat is not None and update.effective_user is not None
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    await answer_with(update, context,
                      lambda: context.use_cases.audit.task_log(chat_id, user_id, cmd.task),
                      task_log, cmd.task)


log_command = typed(run_log, "log")


async def undo_button(update: Update, context: BotContext) -> None:
    """The Undo button: only its author, within 10 minutes; anyone else gets an alert."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_chat is None:
        return
    key = query.data.removeprefix(UNDO_PREFIX)
    try:
        outcome = await context.use_cases.undo.press(update.effective_chat.id, query.from_user.id,
                                                     key)
    except BotError as error:
        await answer_quietly(query, _plain(render_error(error)))
        return
    notice = undo_notice(outcome)
    if notice is not None:
        await answer_quietly(query, notice)
        if outcome.status == UndoStatus.ALREADY:
            await _drop_button(update)
        return
    await answer_quietly(query)
    await _drop_button(update)
    if update.effective_message is not None:
        await reply(update.effective_message, undo_result(outcome), mergeable=False)


async def _drop_button(update: Update) -> None:
    """Take the used Undo button off the message (its text, and other buttons, stay)."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    markup = query.message.reply_markup
    rows = [[b for b in row if b.callback_data != query.data]
            for row in (markup.inline_keyboard if markup else ())]
    rows = [row for row in rows if row]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except TelegramError as error:
        log.info("could not remove an Undo button: %s", error.message)
