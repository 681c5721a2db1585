"""Pickers: a command without its value answers with buttons to choose the value.

Each keyboard is stored by the `Buttons` use case; its buttons carry `b:<key>:<index>` only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import reply_error, reply_now
from bot.core import grammar
from bot.core import render_buttons as rb
from bot.core.buttons import Keyboard
from bot.core.errors import BotError, UsageError
from bot.core.model import TaskInfo

log = logging.getLogger(__name__)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    """The inline keyboard Telegram shows for a stored keyboard."""
    rows, index = [], 0
    for row in keyboard.rows:
        buttons = []
        for choice in row:
            buttons.append(InlineKeyboardButton(choice.label,
                                                callback_data=keyboard.callback_data(index)))
            index += 1
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def where(update: Update) -> tuple[int, int]:
    """(chat id, Telegram user id) of the update (a message or a button press)."""
    assert update.effective_chat is not None and update.effective_user is not None
    return update.effective_chat.id, update.effective_user.id


async def send_picker(
    update: Update,
    context: BotContext,
    store: Callable[[], Awaitable[Keyboard]],
    text: str | Callable[[], str],
) -> None:
    """Store the keyboard, reply with it, and note the message that carries it."""
    message = update.effective_message
    if message is None:
        return
    try:
        keyboard = await store()
    except BotError as error:
        await reply_error(update, context, error)
        return
    prompt = text if isinstance(text, str) else text()
    sent = await reply_now(message, prompt, markup(keyboard))
    await context.use_cases.buttons.attach(keyboard.key, sent.message_id)


async def offer_points(update: Update, context: BotContext, tasks: Sequence[int]) -> None:
    """`/sp 42` → 1 2 3 5 8 13 21 ?"""
    chat_id, user_id = where(update)
    buttons = context.use_cases.buttons
    await send_picker(update, context,
                      lambda: buttons.offer(chat_id, user_id, rb.points_rows(tasks)),
                      rb.points_prompt(tasks))


async def offer_targets(update: Update, context: BotContext, tasks: Sequence[int]) -> None:
    """`/move 42` → Backlog, the active sprint, planned sprints."""
    chat_id, user_id = where(update)
    buttons = context.use_cases.buttons
    await send_picker(update, context, lambda: buttons.offer_targets(chat_id, user_id, tasks),
                      rb.targets_prompt(tasks))


async def offer_epics(
    update: Update, context: BotContext, tasks: Sequence[int], page: int = 0
) -> None:
    """`/epic 42` → the epics, eight to a page (◀ ▶), and No epic."""
    chat_id, user_id = where(update)
    buttons = context.use_cases.buttons
    shown: list[str] = []

    async def store() -> Keyboard:
        keyboard, epic_page = await buttons.offer_epics(chat_id, user_id, tasks, page)
        shown.append(rb.epics_prompt(tasks, epic_page))
        return keyboard

    await send_picker(update, context, store, lambda: shown[0])


async def offer_candidates(
    update: Update,
    context: BotContext,
    command: str,
    tasks: Sequence[int],
    choices: Sequence[tuple[int, str]],
) -> None:
    """An unknown or ambiguous sprint or epic name → up to five of them as buttons, and Cancel."""
    chat_id, user_id = where(update)
    buttons = context.use_cases.buttons
    kind = "epic" if command == "epic" else "sprint"
    names = [name for _id, name in choices]
    prompt = rb.candidates_prompt(kind, tasks, _typed_name(update, context, command, tasks), names)
    await send_picker(update, context,
                      lambda: buttons.offer(chat_id, user_id,
                                            rb.candidate_rows(command, tasks, choices)),
                      prompt)


async def offer_adopt(
    update: Update, context: BotContext, task: TaskInfo, target_text: str
) -> None:
    """A task of another project → [Move into <Scrum>] [Cancel]."""
    chat_id, user_id = where(update)
    adopt = context.use_cases.adopt
    prompts: list[str] = []

    async def store() -> Keyboard:
        keyboard, offer = await adopt.offer(chat_id, user_id, task, target_text)
        prompts.append(rb.adopt_prompt(offer))
        return keyboard

    await send_picker(update, context, store, lambda: prompts[0])



def _typed_name(
    update: Update, context: BotContext, command: str, tasks: Sequence[int]
) -> str | None:
    """The sprint or epic name the member typed with the command; None after a press."""
    if update.callback_query is not None or not context.args:
        return None
    implied = tuple(tasks)
    try:
        if command == "move":
            move = grammar.parse_move(context.args, implied)
            return move.target.value if isinstance(move, grammar.MoveTask) else None
        epic = grammar.parse_epic(context.args, implied)
    except UsageError:
        return None
    return epic.epic.name if isinstance(epic, grammar.SetEpic) else None
