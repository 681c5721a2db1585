"""Handlers for linking accounts and binding chats; secrets never stay in a chat."""

from __future__ import annotations

import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import (
    LINK_PAYLOAD,
    answer_with,
    delete_quietly,
    link_button,
    reply,
    reply_error,
)
from bot.core import grammar, render
from bot.core.errors import InvalidWebhook, UsageError
from bot.core.i18n import N_, _
from bot.core.outcomes import Linked
from bot.core.usage import help_text

log = logging.getLogger(__name__)

LINK_PROMPT = N_(
    "Send me your personal Bitrix24 incoming-webhook URL, like\n"
    "<code>https://your-portal.bitrix24.com/rest/1/abc123def456/</code>\n\n"
    "Create it in Bitrix24: Developer resources → Other → Incoming webhook, with the scopes "
    "<b>task</b>, <b>sonet_group</b>, <b>socialnetwork</b> and <b>user</b>. "
    "I check it, store it encrypted and delete your message."
)
EXPOSED = N_(
    "⚠️ That was a Bitrix24 webhook URL: its code is now exposed to everyone here. "
    "Delete that webhook in Bitrix24 and create a new one, then send it to me in a private chat."
)


def _is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def start(update: Update, context: BotContext) -> None:
    """`/start` (and the deep link `/start link`)."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0] == LINK_PAYLOAD and _is_private(message):
        await reply(message, _(LINK_PROMPT))
        return
    await reply(message, help_text())


async def help_command(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await reply(update.effective_message, help_text())


async def link(update: Update, context: BotContext) -> None:
    """`/link` asks for the URL; `/link <url>` links at once (private chats only)."""
    message = update.effective_message
    if message is None:
        return
    if not _is_private(message):
        await reply(message, render.private_only_link(), link_button(context.bot.username))
        return
    if not context.args:
        await reply(message, _(LINK_PROMPT))
        return
    await _link_with(update, context, message, " ".join(context.args))


async def webhook_in_private(update: Update, context: BotContext) -> None:
    """A webhook URL pasted in the private chat (after `/link`) links the account."""
    message = update.effective_message
    if message is not None and message.text:
        await _link_with(update, context, message, message.text)


async def _link_with(update: Update, context: BotContext, message: Message, url: str) -> None:
    assert update.effective_user is not None
    user_id = update.effective_user.id
    languages = context.use_cases.languages

    async def link_account() -> Linked:
        """Link, keeping a language the member chose with /lang before linking."""
        outcome = await context.use_cases.accounts.link(user_id, url.strip(),
                                                        languages.remembered(user_id))
        languages.forget_member(user_id)
        return outcome

    await delete_quietly(message)
    await answer_with(update, context, link_account, render.linked)


async def unknown_in_private(update: Update, context: BotContext) -> None:
    """Anything else in the private chat: a hint instead of silence."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or ""
    if text.startswith("/"):
        command = escape(text.split()[0][:40])
        await reply(message, _("I do not know {command}. See /help.").format(command=command))
    elif "/rest/" in text:
        await delete_quietly(message)
        await reply_error(update, context, InvalidWebhook("shape"))
    else:
        await reply(message, _("I understand commands: see /help. To link your Bitrix24 "
                               "account, send /link."))


async def webhook_in_group(update: Update, context: BotContext) -> None:
    """A webhook URL in a group is never stored: delete it if allowed, and warn."""
    message = update.effective_message
    if message is None:
        return
    log.warning("a webhook URL was posted in chat %s; not stored", message.chat_id)
    deleted = await delete_quietly(message)
    text = _(EXPOSED)
    if not deleted:
        text += "\n" + _("I could not delete the message: please delete it yourself.")
    await message.chat.send_message(text)
    raise ApplicationHandlerStop


async def unlink(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    user_id = update.effective_user.id

    async def unlink_account() -> bool:
        removed = await context.use_cases.accounts.unlink(user_id)
        context.use_cases.languages.forget_member(user_id)
        return removed

    await answer_with(update, context, unlink_account, render.unlinked)


async def whoami(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    await answer_with(update, context,
                      lambda: context.use_cases.accounts.whoami(user_id, chat_id), render.whoami)


async def _is_admin(update: Update, context: BotContext) -> bool:
    assert update.effective_chat is not None and update.effective_user is not None
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    member = await context.bot.get_chat_member(update.effective_chat.id,
                                               update.effective_user.id)
    return member.status in {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


async def bind(update: Update, context: BotContext) -> None:
    """`/bind <Scrum id or name>`, by a linked chat administrator."""
    assert update.effective_chat is not None and update.effective_user is not None
    try:
        ref = grammar.parse_group_ref(context.args or [])
    except UsageError as error:
        await reply_error(update, context, error)
        return
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    is_admin = await _is_admin(update, context)
    await answer_with(update, context,
                      lambda: context.use_cases.accounts.bind(chat_id, user_id, is_admin, ref),
                      render.bound)


async def unbind(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    if context.args:
        await reply_error(update, context, UsageError("unbind", _("/unbind takes no arguments")))
        return
    chat_id = update.effective_chat.id
    is_admin = await _is_admin(update, context)

    async def unbind_chat() -> str:
        name = await context.use_cases.accounts.unbind(chat_id, is_admin)
        context.use_cases.languages.forget_chat(chat_id)
        return name

    await answer_with(update, context, unbind_chat, render.unbound)

