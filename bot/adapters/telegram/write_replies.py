"""Sending a write report: one reply per message, with an Undo button when it changed anything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import answer_with, reply
from bot.core.i18n import _, ngettext
from bot.core.outcomes import FieldChanged, WriteReport
from bot.core.render_writes import write_report

UNDO_PREFIX = "u:"


def undo_button(report: WriteReport) -> InlineKeyboardMarkup | None:
    """`Undo #42` (or `Undo 3 changes`) carrying `u:<batch key>`, a key into the change log.

    Replies sent close together may be merged into one message; each keeps its own button.
    """
    if report.batch is None:
        return None
    changed = [r for r in report.results if isinstance(r, FieldChanged) and r.before != r.after]
    if len(changed) == 1:
        label = _("Undo #{task}").format(task=changed[0].task_id)
    else:
        label = ngettext("Undo {count} change", "Undo {count} changes", len(changed)).format(
            count=len(changed))
    button = InlineKeyboardButton(label, callback_data=UNDO_PREFIX + report.batch)
    return InlineKeyboardMarkup([[button]])


async def send_write_report(
    update: Update,
    context: BotContext,
    action: Callable[[], Awaitable[WriteReport]],
    task_id: int | None = None,
) -> None:
    """Run the write; reply with its report (and Undo), or with the error in words."""
    await answer_with(update, context, action, write_report, task_id, buttons=undo_button)


async def send_report(update: Update, report: WriteReport) -> None:
    """The report as one reply; with an Undo button when the message changed anything."""
    message = update.effective_message
    if message is not None:
        await reply(message, write_report(report), undo_button(report))
