"""Sending answers: HTML replies within 4096 characters, the link-in-private button."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.outbox import Reply, outbox_of
from bot.core.errors import BotError, NotLinked, TrackerError
from bot.core.i18n import _
from bot.core.render import fit
from bot.core.render_errors import render_error

log = logging.getLogger(__name__)
T = TypeVar("T")
LINK_PAYLOAD = "link"


async def answer_quietly(query: CallbackQuery, alert: str | None = None) -> None:
    """Answer a button press (an alert for the presser alone); a refused answer is only logged.

    Telegram refuses answers to presses older than ~15 s ("query is too old"): the press
    still did its work, so the caller goes on (drops the button, replies).
    """
    try:
        await query.answer(alert, show_alert=alert is not None)
    except TelegramError as error:
        log.info("could not answer a button press: %s", error.message)


def link_button(bot_username: str) -> InlineKeyboardMarkup:
    """A button that opens the private chat with the bot at the linking step."""
    url = f"https://t.me/{bot_username}?start={LINK_PAYLOAD}"
    button = InlineKeyboardButton(_("Link my Bitrix24 account"), url=url)
    return InlineKeyboardMarkup([[button]])


async def reply(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None,
    *, mergeable: bool = True,
) -> None:
    """Queue an HTML reply (quoting the command in groups) and return without waiting."""
    outbox = outbox_of(message.get_bot())
    if outbox is None:  # not started through the application: send it the plain way
        await reply_now(message, text, markup)
        return
    outbox.post(_answer(message, text, markup, mergeable=mergeable))


async def reply_now(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Send an HTML reply after the chat's queued ones, never merged; the sent Message."""
    outbox = outbox_of(message.get_bot())
    if outbox is None:
        in_group = message.chat.type != ChatType.PRIVATE
        return await message.reply_text(
            fit(text), parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=in_group
        )
    return await outbox.send_now(_answer(message, text, markup, mergeable=False))


def _answer(
    message: Message, text: str, markup: InlineKeyboardMarkup | None, *, mergeable: bool
) -> Reply:
    """The reply to `message`: quoting it in groups, in its forum topic if any."""
    in_group = message.chat.type != ChatType.PRIVATE
    return Reply(
        chat_id=message.chat_id,
        text=fit(text),
        markup=markup,
        reply_to=message.message_id if in_group else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        mergeable=mergeable,
    )


async def reply_error(
    update: Update, context: BotContext, error: BotError, task_id: int | None = None
) -> None:
    """The error as words; an unlinked member in a group also gets the link button."""
    message = update.effective_message
    if message is None:
        return
    if isinstance(error, TrackerError):
        log.info("bitrix24 error %s for chat %s", error.code, message.chat_id)
    markup = None
    if isinstance(error, NotLinked) and message.chat.type != ChatType.PRIVATE:
        markup = link_button(context.bot.username)
    await reply(message, render_error(error, task_id), markup)


async def answer_with(
    update: Update,
    context: BotContext,
    action: Callable[[], Awaitable[T]],
    view: Callable[[T], str],
    task_id: int | None = None,
    buttons: Callable[[T], InlineKeyboardMarkup | None] | None = None,
) -> None:
    """Run a use case and reply with its rendered outcome (and its buttons), or with the error
    in words."""
    message = update.effective_message
    if message is None:
        return
    try:
        outcome = await action()
    except BotError as error:
        await reply_error(update, context, error, task_id)
        return
    await reply(message, view(outcome), buttons(outcome) if buttons else None)


async def delete_quietly(message: Message) -> bool:
    """Delete a message when the bot may; False when Telegram refuses."""
    try:
        return await message.delete()
    except TelegramError as error:
        log.info("could not delete message %s: %s", message.message_id, error.message)
        return False
