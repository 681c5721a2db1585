"""Presses of `b:` buttons: check the press, use the keyboard up, run its action as the presser.

The action runs as the member who pressed (their own Bitrix24 account), and only where they
could have typed the command; otherwise they get an alert and nothing changes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.adapters.telegram import scrum_handlers as scrum
from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.pickers import markup, where
from bot.adapters.telegram.replies import answer_quietly, answer_with, reply_error
from bot.core import render_buttons as rb
from bot.core.buttons import ButtonExpired, Choice, parse_callback_data
from bot.core.errors import BotError

log = logging.getLogger(__name__)
Action = Callable[[Update, BotContext, CallbackQuery, Choice], Awaitable[None]]


async def on_button(update: Update, context: BotContext) -> None:
    """A press of one of the bot's buttons (callback data `b:<key>:<index>`)."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_callback_data(query.data)
    chat_id, user_id = where(update)
    try:
        if parsed is None:
            raise ButtonExpired()
        choice = await context.use_cases.buttons.press(chat_id, user_id, *parsed)
    except BotError as error:
        await answer_quietly(query, rb.alert(error))
        return
    await answer_quietly(query)
    action = _ACTIONS.get(choice.command, _run_command)
    await action(update, context, query, choice)


def _presser(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user is not None else "?"


def _prompt(query: CallbackQuery) -> str:
    """The picker's question as HTML (without any earlier "… chose …" line)."""
    message = query.message
    return message.text_html if isinstance(message, Message) and message.text else ""


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Replace the picker; a message Telegram will not edit any more stays as it is."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except TelegramError as error:
        log.info("could not edit a picker: %s", error.message)


async def _run_command(
    update: Update, context: BotContext, query: CallbackQuery, choice: Choice
) -> None:
    """`sp 42 8`, `move 42 17`, `epic 42 5`: the command, as if the presser had typed it."""
    runner = scrum.RUNNERS.get(choice.command)
    if runner is None:
        log.warning("a stored button has an unknown action %r", choice.command)
        return
    await _edit(query, rb.chose(_prompt(query), _presser(update), choice.label), None)
    await runner(update, context, choice.args)


async def _cancel(
    update: Update, context: BotContext, query: CallbackQuery, choice: Choice
) -> None:
    await _edit(query, rb.cancelled(_prompt(query), _presser(update)), None)


async def _epic_page(
    update: Update, context: BotContext, query: CallbackQuery, choice: Choice
) -> None:
    """◀ ▶: the same picker shows another page of epics (a new keyboard, the old one used up)."""
    tasks = [int(task) for task in choice.args[0].split(",")]
    chat_id, user_id = where(update)
    buttons = context.use_cases.buttons
    try:
        keyboard, page = await buttons.offer_epics(chat_id, user_id, tasks, int(choice.args[1]))
    except BotError as error:
        await _edit(query, _prompt(query), None)
        await reply_error(update, context, error)
        return
    await _edit(query, rb.epics_prompt(tasks, page), markup(keyboard))
    if isinstance(query.message, Message):
        await buttons.attach(keyboard.key, query.message.message_id)


async def _adopt(
    update: Update, context: BotContext, query: CallbackQuery, choice: Choice
) -> None:
    """[Move into <Scrum>]: the task joins this Scrum, as the presser."""
    chat_id, user_id = where(update)
    task_id, target = int(choice.args[0]), choice.args[1:]
    await _edit(query, rb.chose(_prompt(query), _presser(update), choice.label), None)
    await answer_with(update, context,
                      lambda: context.use_cases.adopt.adopt(chat_id, user_id, task_id, target),
                      rb.adopted, task_id)


_ACTIONS: dict[str, Action] = {"cancel": _cancel, "epicpage": _epic_page, "adopt": _adopt}
