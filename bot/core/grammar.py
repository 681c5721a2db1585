"""The command grammar: the words after a command become a typed request, or a UsageError."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.errors import UsageError

MAX_TASK_ID = 2**31 - 1
_TASK = re.compile(r"#?([0-9]{1,10})")
_POINTS = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{1,2})?")
_RANK = re.compile(r"-?[0-9]{1,9}")


class TargetKind(StrEnum):
    """Where `/move` sends a task."""

    BACKLOG = "backlog"
    ACTIVE = "active"
    NEXT = "next"
    ENTITY = "entity"  # a numeric entity id
    NAME = "name"  # a sprint name, matched forgivingly


@dataclass(frozen=True)
class MoveTarget:
    kind: TargetKind
    value: str = ""  # the name as typed, or the entity id's digits

    @property
    def entity_id(self) -> int:
        return int(self.value)


@dataclass(frozen=True)
class SetPoints:
    task: int
    points: str  # "" clears


@dataclass(frozen=True)
class MoveTask:
    task: int
    target: MoveTarget


@dataclass(frozen=True)
class EpicRef:
    """An epic by name, by id, or `none` (id 0) to detach."""

    name: str = ""
    epic_id: int | None = None


@dataclass(frozen=True)
class SetEpic:
    task: int
    epic: EpicRef


@dataclass(frozen=True)
class SetRank:
    task: int
    sort: int


@dataclass(frozen=True)
class ShowTask:
    task: int


_TARGET_WORDS = {
    "backlog": TargetKind.BACKLOG,
    "active": TargetKind.ACTIVE,
    "current": TargetKind.ACTIVE,
    "next": TargetKind.NEXT,
}


def _is_number(text: str) -> bool:
    """ASCII digits only: `²` or `③` are names, not ids."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _quote(word: str) -> str:
    return word if len(word) <= 40 else word[:39] + "…"


def parse_task(word: str, command: str) -> int:
    """`42` or `#42` as a task id; anything else is a UsageError naming the word."""
    match = _TASK.fullmatch(word)
    if match is None or not 0 < int(match.group(1)) <= MAX_TASK_ID:
        raise UsageError(command, f"“{_quote(word)}” is not a task number (like 42 or #42)")
    return int(match.group(1))


def parse_points(word: str) -> str:
    """Story points as Bitrix24 stores them: a number string, `?`, or "" for `-` (clear)."""
    if word == "-":
        return ""
    if word == "?":
        return "?"
    if _POINTS.fullmatch(word) is None:
        raise UsageError(
            "sp", f"“{_quote(word)}” is not story points (use a number like 3 or 0.5, ? or -)"
        )
    whole, _, fraction = word.replace(",", ".").partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def parse_sp(args: Sequence[str]) -> SetPoints:
    """`/sp <task> <points>`."""
    if len(args) != 2:
        raise UsageError("sp")
    return SetPoints(parse_task(args[0], "sp"), parse_points(args[1]))


def parse_target(words: Sequence[str]) -> MoveTarget:
    """`backlog`, `active`/`current`, `next`, an entity id, or a sprint name."""
    text = " ".join(words).strip()
    kind = _TARGET_WORDS.get(text.casefold())
    if kind is not None:
        return MoveTarget(kind)
    if _is_number(text):
        return MoveTarget(TargetKind.ENTITY, str(int(text)))
    return MoveTarget(TargetKind.NAME, text)


def parse_move(args: Sequence[str]) -> MoveTask:
    """`/move <task> <target>`."""
    if len(args) < 2:
        raise UsageError("move")
    return MoveTask(parse_task(args[0], "move"), parse_target(args[1:]))


def parse_epic(args: Sequence[str]) -> SetEpic:
    """`/epic <task> <name | id | none>`."""
    if len(args) < 2:
        raise UsageError("epic")
    task = parse_task(args[0], "epic")
    text = " ".join(args[1:]).strip()
    if text.casefold() in {"none", "-"}:
        return SetEpic(task, EpicRef(epic_id=0))
    if _is_number(text):
        return SetEpic(task, EpicRef(epic_id=int(text)))
    return SetEpic(task, EpicRef(name=text))


def parse_rank(args: Sequence[str]) -> SetRank:
    """`/rank <task> <integer>`."""
    if len(args) != 2:
        raise UsageError("rank")
    task = parse_task(args[0], "rank")
    if _RANK.fullmatch(args[1]) is None:
        raise UsageError("rank", f"“{_quote(args[1])}” is not a whole number")
    return SetRank(task, int(args[1]))


def parse_show(args: Sequence[str]) -> ShowTask:
    """`/task <task>`."""
    if len(args) != 1:
        raise UsageError("task")
    return ShowTask(parse_task(args[0], "task"))


def parse_group_ref(args: Sequence[str]) -> str:
    """`/bind <group id or name>`."""
    text = " ".join(args).strip()
    if not text:
        raise UsageError("bind")
    return text


def expect_no_args(command: str, args: Sequence[str]) -> None:
    """Commands without arguments answer extra words with their usage line."""
    if args:
        raise UsageError(command, f"/{command} takes no arguments")
