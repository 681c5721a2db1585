"""Thin handlers of the Scrum commands: parse, call the use case, render, reply.

A command sent as a reply to one of the bot's task messages (`#42 …`) takes its task from it:
`/sp 5`, `/move sprint-3`, `/epic Payments`, `/rank 100`, `/task` (and `/log`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import Update

from bot.adapters.telegram import pickers
from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import answer_with, reply_error
from bot.adapters.telegram.write_replies import send_report, send_write_report
from bot.core import grammar, render
from bot.core.errors import BotError, NameNotFound, NotInScrum, UsageError
from bot.core.i18n import _
from bot.core.outcomes import WriteReport
from bot.core.task_words import leans_on_reply, line_tasks
from bot.services.bundle import UseCases

C = TypeVar("C")
T = TypeVar("T")
Runner = Callable[[Update, BotContext, Sequence[str]], Awaitable[None]]


def _where(update: Update) -> tuple[int, int]:
    """(chat id, Telegram user id) of the update (the presser, for a button)."""
    assert update.effective_chat is not None and update.effective_user is not None
    return update.effective_chat.id, update.effective_user.id


def replied_tasks(update: Update, context: BotContext) -> tuple[int, ...]:
    """The tasks of the bot's message this command replies to (lines starting `#42 …`)."""
    message = update.message
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return ()
    return line_tasks(replied.text or "")


async def _parse(
    update: Update, context: BotContext, parse: Callable[[], C]
) -> C | None:
    """The parsed command, or None after answering with the usage line."""
    try:
        return parse()
    except UsageError as error:
        await reply_error(update, context, error)
        return None


def _write(
    update: Update,
    context: BotContext,
    run: Callable[[UseCases, int, int], Awaitable[WriteReport]],
    tasks: Sequence[int],
) -> Awaitable[None]:
    """Run a write as the member and reply with its report (errors name a single task)."""
    chat_id, user_id = _where(update)
    return send_write_report(update, context, lambda: run(context.use_cases, chat_id, user_id),
                             tasks[0] if len(tasks) == 1 else None)


async def run_sp(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    """`/sp …` with these words."""
    cmd = await _parse(update, context, lambda: grammar.parse_sp(args, implied))
    if isinstance(cmd, grammar.PickPoints):
        await pickers.offer_points(update, context, cmd.tasks)
    elif cmd is not None:
        await _write(update, context, lambda u, c, m: u.writes.set_points(c, m, cmd), cmd.tasks)


async def run_move(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    """`/move …`: a single task's unknown name or foreign project answers with buttons."""
    cmd = await _parse(update, context, lambda: grammar.parse_move(args, implied))
    if isinstance(cmd, grammar.PickTarget):
        await pickers.offer_targets(update, context, cmd.tasks)
        return
    if cmd is None:
        return
    chat_id, user_id = _where(update)
    single = cmd.tasks[0] if len(cmd.tasks) == 1 else None
    try:
        report = await context.use_cases.writes.move(chat_id, user_id, cmd)
    except NameNotFound as error:
        await _not_found(update, context, "move", cmd.tasks, error)
    except NotInScrum as error:
        if error.task is None or single is None:
            await reply_error(update, context, error, single)
        else:
            await pickers.offer_adopt(update, context, error.task,
                                      cmd.target.value or cmd.target.kind.value)
    except BotError as error:
        await reply_error(update, context, error, single)
    else:
        await send_report(update, report)


async def run_epic(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    """`/epic …`: a single task's unknown epic name answers with candidate buttons."""
    cmd = await _parse(update, context, lambda: grammar.parse_epic(args, implied))
    if isinstance(cmd, grammar.PickEpic):
        await pickers.offer_epics(update, context, cmd.tasks)
        return
    if cmd is None:
        return
    chat_id, user_id = _where(update)
    try:
        report = await context.use_cases.writes.set_epic(chat_id, user_id, cmd)
    except NameNotFound as error:
        await _not_found(update, context, "epic", cmd.tasks, error)
    except BotError as error:
        await reply_error(update, context, error, cmd.tasks[0] if len(cmd.tasks) == 1 else None)
    else:
        await send_report(update, report)


async def _not_found(
    update: Update, context: BotContext, command: str, tasks: Sequence[int], error: NameNotFound
) -> None:
    """Suggestions become buttons for a single task; otherwise the error in words."""
    if error.choices and len(tasks) == 1:
        await pickers.offer_candidates(update, context, command, tasks, error.choices)
    else:
        await reply_error(update, context, error)


async def run_rank(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    cmd = await _parse(update, context, lambda: grammar.parse_rank(args, implied))
    if cmd is not None:
        await _write(update, context, lambda u, c, m: u.writes.set_rank(c, m, cmd), cmd.tasks)


async def run_task(
    update: Update, context: BotContext, args: Sequence[str], implied: tuple[int, ...] = ()
) -> None:
    cmd = await _parse(update, context, lambda: grammar.parse_show(args, implied))
    if cmd is not None:
        chat_id, user_id = _where(update)
        await answer_with(update, context,
                          lambda: context.use_cases.reads.show_task(chat_id, user_id, cmd.task),
                          render.task_card, cmd.task)


# What the buttons dispatcher runs: the command with the given words, as the presser.
RUNNERS: dict[str, Runner] = {
    "sp": run_sp,
    "move": run_move,
    "epic": run_epic,
    "rank": run_rank,
    "task": run_task,
}


def typed(run: Callable[[Update, BotContext, Sequence[str], tuple[int, ...]], Awaitable[None]],
          command: str) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """A CommandHandler callback: the typed words, and the task of a replied-to bot message.

    A reply to a message about several tasks (merged replies) implies none: the member is
    asked for the task number rather than the first one being guessed.
    """

    async def handle(update: Update, context: BotContext) -> None:
        args, tasks = context.args or [], replied_tasks(update, context)
        if len(tasks) > 1 and leans_on_reply(command, args):
            await reply_error(update, context, UsageError(command, _(
                "The message you replied to is about several tasks: give the task number")))
            return
        await run(update, context, args, tasks if len(tasks) == 1 else ())

    return handle


sp = typed(run_sp, "sp")
move = typed(run_move, "move")
epic = typed(run_epic, "epic")
rank = typed(run_rank, "rank")
task = typed(run_task, "task")


async def _command(
    update: Update,
    context: BotContext,
    parse: Callable[[Sequence[str]], C],
    run: Callable[[UseCases, int, int, C], Awaitable[T]],
    view: Callable[[T], str],
) -> None:
    """Parse the arguments (usage line on failure), then run and answer."""
    try:
        command = parse(context.args or [])
    except UsageError as error:
        await reply_error(update, context, error)
        return
    chat_id, user_id = _where(update)
    await answer_with(update, context,
                      lambda: run(context.use_cases, chat_id, user_id, command), view)


def _no_args(name: str) -> Callable[[Sequence[str]], None]:
    return lambda args: grammar.expect_no_args(name, args)


async def sprints(update: Update, context: BotContext) -> None:
    await _command(update, context, _no_args("sprints"),
                   lambda u, c, m, _: u.reads.sprints(c, m), render.sprint_overview)


async def epics(update: Update, context: BotContext) -> None:
    await _command(update, context, _no_args("epics"),
                   lambda u, c, m, _: u.reads.epics(c, m), render.epic_list)


async def refresh(update: Update, context: BotContext) -> None:
    await _command(update, context, _no_args("refresh"),
                   lambda u, c, m, _: u.reads.refresh(c, m), render.refreshed)
