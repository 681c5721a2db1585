"""The command grammar: the words after a command become a typed request, or a UsageError.

Task lists use commas and/or spaces (`42,43 44`, `#42` too), duplicates dropped, at most 500.
`implied` is the task of the bot message the command replies to (`/sp 5` replying to `#42 …`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.commands import (
    EpicRef,
    MoveTarget,
    MoveTask,
    PickEpic,
    PickPoints,
    PickTarget,
    SetEpic,
    SetPoints,
    SetRank,
    ShowLog,
    ShowTask,
    TargetKind,
)
from bot.core.errors import UsageError
from bot.core.i18n import _
from bot.core.task_words import (
    DECIMAL_COMMA,
    MAX_TASK_ID,
    MAX_TASKS,
    explicit_pairs,
    has_pairs,
    leading_tasks,
    looks_like_pairs,
    parse_points,
    parse_task,
    quote,
    split_words,
    unique_pairs,
    unique_tasks,
)

__all__ = [
    "MAX_TASKS", "MAX_TASK_ID", "EpicRef", "MoveTarget", "MoveTask", "PickEpic", "PickPoints",
    "PickTarget", "SetEpic", "SetPoints", "SetRank", "ShowLog", "ShowTask", "TargetKind",
    "expect_no_args", "parse_epic", "parse_group_ref", "parse_log", "parse_move",
    "parse_points", "parse_rank", "parse_show", "parse_sp", "parse_target", "parse_task",
]

_RANK = re.compile(r"-?[0-9]{1,9}")

_TARGET_WORDS = {
    "backlog": TargetKind.BACKLOG,
    "active": TargetKind.ACTIVE,
    "current": TargetKind.ACTIVE,
    "next": TargetKind.NEXT,
    "бэклог": TargetKind.BACKLOG,
    "беклог": TargetKind.BACKLOG,
    "активный": TargetKind.ACTIVE,
    "текущий": TargetKind.ACTIVE,
    "следующий": TargetKind.NEXT,
}


def _is_number(text: str) -> bool:
    """ASCII digits only: `²` or `③` are names, not ids."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _with_value(implied: tuple[int, ...], args: Sequence[str]) -> bool:
    """A reply to a task message: the words are only the value (`/sp 5`, `/move sprint 3`)."""
    if not implied:
        return False
    first = split_words(args[:1])
    return len(args) <= 1 or not (first and first[0].is_task)


def parse_sp(args: Sequence[str], implied: tuple[int, ...] = ()) -> SetPoints | PickPoints:
    """`/sp 42 8`, `/sp 42 43 44 5`, `/sp 42,43 5`, `/sp 42 8 43 5`, `/sp 42=8 43=5`, `/sp 42`.

    An even count of words without commas is read as pairs when every second word is a usual
    story-point value and the words are not tasks in increasing order followed by one value
    (`/sp 42 8 43 5`, `/sp 1 3 2 5`), else as tasks and one value (`/sp 42 43 44 5`,
    `/sp 1 2 3 5`).
    """
    if _with_value(implied, args) and "".join(args).strip():
        return SetPoints(tuple((task, parse_points(args[0].strip())) for task in implied))
    if implied and not args:
        return PickPoints(implied)
    if has_pairs(args):
        return SetPoints(explicit_pairs(args))
    if len(args) >= 2 and DECIMAL_COMMA.fullmatch(args[-1]):
        tasks = unique_tasks(split_words(args[:-1]), "sp")
        return SetPoints(tuple((task, parse_points(args[-1])) for task in tasks))
    words = split_words(args)
    if not words:
        raise UsageError("sp")
    if len(words) == 1 or words[-1].listed or words[-1].text.startswith("#"):
        return PickPoints(unique_tasks(words, "sp"))
    if looks_like_pairs(words):
        pairs = zip(words[0::2], words[1::2], strict=True)
        return SetPoints(unique_pairs([(parse_task(task.text, "sp"), parse_points(value.text))
                                       for task, value in pairs]))
    points = parse_points(words[-1].text)
    return SetPoints(tuple((task, points) for task in unique_tasks(words[:-1], "sp")))


def _split_value(
    command: str, args: Sequence[str], implied: tuple[int, ...]
) -> tuple[tuple[int, ...], str]:
    """The tasks and the rest as text ("" when only tasks were typed)."""
    if _with_value(implied, args):
        return implied, " ".join(args).strip()
    words, rest = leading_tasks(args)
    if not words:
        if not args:
            raise UsageError(command)
        parse_task(args[0], command)  # names the word that is not a task
    if not rest and len(words) > 1 and not words[-1].listed and _is_number(words[-1].text):
        rest = [words.pop().text]  # all numbers: the last one is the target
    return unique_tasks(words, command), " ".join(rest).strip()


def parse_target(words: Sequence[str]) -> MoveTarget:
    """`backlog`, `active`/`current`, `next`, an entity id, or a sprint name."""
    text = " ".join(words).strip()
    kind = _TARGET_WORDS.get(text.casefold())
    if kind is not None:
        return MoveTarget(kind)
    if _is_number(text):
        return MoveTarget(TargetKind.ENTITY, str(int(text)))
    return MoveTarget(TargetKind.NAME, text)


def parse_move(args: Sequence[str], implied: tuple[int, ...] = ()) -> MoveTask | PickTarget:
    """`/move 42 43 sprint-3`, `/move 42,43 104`, `/move 42` (buttons)."""
    tasks, text = _split_value("move", args, implied)
    return MoveTask(tasks, parse_target([text])) if text else PickTarget(tasks)


def parse_epic(args: Sequence[str], implied: tuple[int, ...] = ()) -> SetEpic | PickEpic:
    """`/epic 42 43 <name | id | none>`, `/epic 42` (buttons)."""
    tasks, text = _split_value("epic", args, implied)
    if not text:
        return PickEpic(tasks)
    if text.casefold() in {"none", "-", "нет", "без"}:
        return SetEpic(tasks, EpicRef(epic_id=0))
    if _is_number(text):
        return SetEpic(tasks, EpicRef(epic_id=int(text)))
    return SetEpic(tasks, EpicRef(name=text))


def parse_rank(args: Sequence[str], implied: tuple[int, ...] = ()) -> SetRank:
    """`/rank <task> <integer>` (or `/rank <integer>` replying to a task message)."""
    if len(implied) == 1 and len(args) == 1:
        args = [str(implied[0]), *args]
    if len(args) != 2:
        raise UsageError("rank")
    task = parse_task(args[0], "rank")
    if _RANK.fullmatch(args[1]) is None:
        raise UsageError("rank", _("“{word}” is not a whole number").format(word=quote(args[1])))
    return SetRank(task, int(args[1]))


def _one_task(command: str, args: Sequence[str], implied: tuple[int, ...]) -> int:
    if not args and len(implied) == 1:
        return implied[0]
    if len(args) != 1:
        raise UsageError(command)
    return parse_task(args[0], command)


def parse_show(args: Sequence[str], implied: tuple[int, ...] = ()) -> ShowTask:
    """`/task <task>` (or `/task` replying to a task message)."""
    return ShowTask(_one_task("task", args, implied))


def parse_log(args: Sequence[str], implied: tuple[int, ...] = ()) -> ShowLog:
    """`/log <task>` (or `/log` replying to a task message)."""
    return ShowLog(_one_task("log", args, implied))


def parse_group_ref(args: Sequence[str]) -> str:
    """`/bind <group id or name>`."""
    text = " ".join(args).strip()
    if not text:
        raise UsageError("bind")
    return text


def expect_no_args(command: str, args: Sequence[str]) -> None:
    """Commands without arguments answer extra words with their usage line."""
    if args:
        raise UsageError(command, _("/{command} takes no arguments").format(command=command))
