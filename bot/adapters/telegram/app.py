"""The single handler table, the command menu and the error handler."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.telegram import account_handlers as accounts
from bot.adapters.telegram import button_handlers as buttons
from bot.adapters.telegram import language
from bot.adapters.telegram import new_task_handlers as new_tasks
from bot.adapters.telegram import scrum_handlers as scrum
from bot.adapters.telegram import undo_handlers as undos
from bot.adapters.telegram.context import BotApplication, BotContext
from bot.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, use_language
from bot.core.usage import COMMANDS, description
from bot.core.webhook import WEBHOOK_PATTERN

log = logging.getLogger(__name__)

# Commands act on new messages only: editing "/sp 42 8" into "/sp 42 5" must not write again.
NEW_MESSAGES = filters.UpdateType.MESSAGE
_WEBHOOK = filters.Regex(WEBHOOK_PATTERN)

_COMMANDS = {
    "start": accounts.start,
    "help": accounts.help_command,
    "link": accounts.link,
    "unlink": accounts.unlink,
    "whoami": accounts.whoami,
    "lang": language.lang,
    "bind": accounts.bind,
    "unbind": accounts.unbind,
    "sp": scrum.sp,
    "move": scrum.move,
    "epic": scrum.epic,
    "rank": scrum.rank,
    "task": scrum.task,
    "log": undos.log_command,
    "undo": undos.undo,
    "new": new_tasks.new,
    "sprints": scrum.sprints,
    "epics": scrum.epics,
    "refresh": scrum.refresh,
}


def register_handlers(application: BotApplication) -> None:
    """Every handler of the bot, in priority order."""
    # Group -2 runs first for every update: the language the rest of the update speaks.
    application.add_handler(TypeHandler(Update, language.choose_language), group=-2)
    # Group -1 runs first: a webhook URL in a group (edited or not) is never processed further.
    in_group = filters.ChatType.GROUPS & (filters.TEXT | filters.CAPTION) & _WEBHOOK
    application.add_handler(MessageHandler(in_group, accounts.webhook_in_group), group=-1)
    for name, callback in _COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    application.add_handler(CallbackQueryHandler(buttons.on_button, pattern="^b:"))
    application.add_handler(CallbackQueryHandler(undos.undo_button, pattern="^u:"))
    in_private = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & _WEBHOOK
    application.add_handler(MessageHandler(in_private & NEW_MESSAGES, accounts.webhook_in_private))
    anything_else = filters.ChatType.PRIVATE & filters.TEXT & NEW_MESSAGES
    application.add_handler(MessageHandler(anything_else, accounts.unknown_in_private))
    application.add_error_handler(on_error)


async def on_error(update: object, context: BotContext) -> None:
    """Log what failed (no secrets: messages are redacted by the log filter) and apologise."""
    log.error("unhandled error while processing an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(
                _("Something went wrong on my side. Try again."))
        except TelegramError:  # the apology is best effort
            log.warning("could not send the apology for a failed update")


def menu(where: str) -> list[BotCommand]:
    """The command menu: in groups the team's commands; in private every command."""
    return [BotCommand(spec.name, description(spec))
            for spec in COMMANDS if where == "private" or spec.where in (where, "any")]


async def publish_commands(application: BotApplication) -> None:
    """`setMyCommands` for group chats and private chats, in every language."""
    bot = application.bot
    for code in LANGUAGES:
        language_code = None if code == DEFAULT_LANGUAGE else code
        with use_language(code):
            group, private = menu("group"), menu("private")
        await bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats(),
                                  language_code=language_code)
        await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats(),
                                  language_code=language_code)
