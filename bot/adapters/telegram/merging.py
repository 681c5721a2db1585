"""Several waiting replies to one chat as one message: texts in order, buttons row by row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.core.render import MAX_MESSAGE

SEPARATOR = "\n\n"
MAX_BUTTONS = 100  # Telegram refuses an inline keyboard with more buttons


@dataclass(frozen=True)
class Reply:
    """One answer for a chat: HTML text, buttons, and the command message it answers."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None
    thread_id: int | None = None
    mergeable: bool = True  # False for a message edited later (a picker): sent on its own


def _buttons(reply: Reply) -> int:
    if reply.markup is None:
        return 0
    return sum(len(row) for row in reply.markup.inline_keyboard)


def mergeable_run(queue: Sequence[Reply]) -> int:
    """How many replies from the head of `queue` fit in one message (at least one)."""
    first = queue[0]
    if not first.mergeable:
        return 1
    length, buttons, count = len(first.text), _buttons(first), 1
    for reply in queue[1:]:
        length += len(SEPARATOR) + len(reply.text)  # HTML length: never below the parsed one
        buttons += _buttons(reply)
        fits = length <= MAX_MESSAGE and buttons <= MAX_BUTTONS
        if not (fits and reply.mergeable and reply.thread_id == first.thread_id):
            break
        count += 1
    return count


def combine(replies: Sequence[Reply]) -> Reply:
    """One reply holding all texts (blank line between) and all button rows, in order."""
    first = replies[0]
    if len(replies) == 1:
        return first
    rows = [row for reply in replies if reply.markup for row in reply.markup.inline_keyboard]
    answered = next((r.reply_to for r in replies if r.reply_to is not None), None)
    return Reply(
        chat_id=first.chat_id,
        text=SEPARATOR.join(reply.text for reply in replies),
        markup=InlineKeyboardMarkup(rows) if rows else None,
        reply_to=answered,
        thread_id=first.thread_id,
    )
