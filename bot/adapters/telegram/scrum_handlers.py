"""Thin handlers of the Scrum commands: parse, call the use case, render, reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Update

from bot.adapters.telegram.context import BotContext
from bot.adapters.telegram.replies import answer_with, reply_error
from bot.core import grammar, render
from bot.core.errors import UsageError
from bot.services.bundle import UseCases

C = TypeVar("C")
T = TypeVar("T")


def _where(update: Update) -> tuple[int, int]:
    """(chat id, Telegram user id) of the update."""
    assert update.effective_chat is not None and update.effective_user is not None
    return update.effective_chat.id, update.effective_user.id


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
    task_id = getattr(command, "task", None)
    await answer_with(update, context,
                      lambda: run(context.use_cases, chat_id, user_id, command), view, task_id)


async def sp(update: Update, context: BotContext) -> None:
    await _command(update, context, grammar.parse_sp,
                   lambda u, c, m, cmd: u.writes.set_points(c, m, cmd), render.field_changed)


async def move(update: Update, context: BotContext) -> None:
    await _command(update, context, grammar.parse_move,
                   lambda u, c, m, cmd: u.writes.move(c, m, cmd), render.field_changed)


async def epic(update: Update, context: BotContext) -> None:
    await _command(update, context, grammar.parse_epic,
                   lambda u, c, m, cmd: u.writes.set_epic(c, m, cmd), render.field_changed)


async def rank(update: Update, context: BotContext) -> None:
    await _command(update, context, grammar.parse_rank,
                   lambda u, c, m, cmd: u.writes.set_rank(c, m, cmd), render.field_changed)


async def task(update: Update, context: BotContext) -> None:
    await _command(update, context, grammar.parse_show,
                   lambda u, c, m, cmd: u.reads.show_task(c, m, cmd.task), render.task_card)


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
