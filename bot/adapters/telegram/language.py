"""The language of each update's replies, and `/lang` to choose it.

Precedence: the member's own `/lang` choice, else the chat's `/lang` choice (group chats),
else the language of the member's Telegram app (`ru*` → Russian, anything else → English).
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Chat, Update
from telegram.constants import ChatType

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import reply, reply_error
from bot.core.errors import BotError, StorageError, UsageError
from bot.core.i18n import (
    LANGUAGE_NAMES,
    N_,
    RESET,
    _,
    current_language,
    language_choice,
    pick_language,
    set_language,
    use_language,
)
from bot.core.usage import usage_line
from bot.services.languages import Choices

log = logging.getLogger(__name__)

_MEMBER_SET = {"en": N_("I will answer you in English."),
               "ru": N_("I will answer you in Russian.")}
_CHAT_SET = {"en": N_("I will answer in English in this chat. Members who chose their own "
                      "language with /lang in a private chat with me keep it."),
             "ru": N_("I will answer in Russian in this chat. Members who chose their own "
                      "language with /lang in a private chat with me keep it.")}


def _group_id(chat: Chat | None) -> int | None:
    """The chat whose choice counts: group chats only (a private chat is the member)."""
    return chat.id if chat is not None and chat.type != ChatType.PRIVATE else None


async def choose_language(update: object, context: BotContext) -> None:
    """Runs first for every update: the rest of its handling speaks the chosen language."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    telegram = user.language_code if user else None
    set_language(pick_language(None, None, telegram))  # also when the store does not answer
    if user is None:
        return
    try:
        choices = await context.use_cases.languages.choices(
            user.id, _group_id(update.effective_chat))
    except StorageError as error:
        log.warning("language choices unavailable, using Telegram's: %s", error)
        return
    set_language(pick_language(choices.member, choices.chat, telegram))


def _current(choices: Choices) -> str:
    """Which language the member gets now, and why, in a whole sentence."""
    name = LANGUAGE_NAMES[current_language()]
    if choices.member in LANGUAGE_NAMES:
        text = _("I answer you in {language}: you chose it with /lang.")
    elif choices.chat in LANGUAGE_NAMES:
        text = _("I answer you in {language}: this chat's language, chosen with /lang.")
    else:
        text = _("I answer you in {language}: the language of your Telegram app.")
    return text.format(language=name)


async def lang(update: Update, context: BotContext) -> None:
    """`/lang ru|en|auto` sets the member's (private) or the chat's (group) language."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    languages, group_id = context.use_cases.languages, _group_id(update.effective_chat)
    args = context.args or []
    choice = language_choice(args[0]) if len(args) == 1 else None
    if not args:
        choices = await languages.choices(user.id, group_id)
        usage = _("Usage: {usage}").format(usage=escape(usage_line("lang")))
        await reply(message, f"{_current(choices)}\n{usage}")
        return
    if choice is None:
        await reply_error(update, context, UsageError("lang"))
        return
    code, kept = (choice if choice != RESET else None), True
    try:
        if group_id is None:
            kept = await languages.choose_for_member(user.id, code)
        else:
            await languages.choose_for_chat(group_id, code)
    except BotError as error:
        await reply_error(update, context, error)
        return
    choices = await languages.choices(user.id, group_id)
    with use_language(code or pick_language(choices.member, choices.chat, user.language_code)):
        text = _confirmation(code, group_id is None, kept)
    await reply(message, text)


def _confirmation(code: str | None, private: bool, kept: bool) -> str:
    """What `/lang` answers, in the language just chosen."""
    if code is None and private:
        return _("Your language choice is cleared: I answer you in the language of your "
                 "Telegram app ({language}).").format(language=LANGUAGE_NAMES[current_language()])
    if code is None:
        return _("This chat's language choice is cleared: each member gets the language of "
                 "their own Telegram app, or the one they chose with /lang.")
    if not private:
        return _(_CHAT_SET[code])
    text = _(_MEMBER_SET[code])
    if not kept:
        text += " " + _("Until I restart: /link your Bitrix24 account to keep the choice.")
    return text
