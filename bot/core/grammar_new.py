"""`/new <title> [<n>sp] [> <sprint>]`: a new task's title, story points and destination."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.errors import UsageError
from bot.core.grammar import MoveTarget, parse_target
from bot.core.i18n import _
from bot.core.task_words import parse_points

MAX_TITLE = 250
_POINTS_WORD = re.compile(r"([0-9]{1,3}(?:[.,][0-9]{1,2})?|\?)sp", re.IGNORECASE)


@dataclass(frozen=True)
class NewTask:
    """A task to create in the chat's Scrum: in the backlog unless a target is given."""

    title: str
    target: MoveTarget | None = None
    points: str | None = None


def _split_target(words: list[str]) -> tuple[list[str], list[str]]:
    """The words before the last `>` and those after it (`> sprint-3` or `>sprint-3`)."""
    for index in range(len(words) - 1, -1, -1):
        if words[index].startswith(">"):
            after = [w for w in (words[index][1:], *words[index + 1:]) if w]
            if not after:
                raise UsageError("new", _("Name a sprint after “>” (or leave “>” out)"))
            return words[:index], after
    return words, []


def _take_points(words: list[str], keep: int) -> str | None:
    """Story points from the last word (`5sp`), removed from `words`; at least `keep` stay."""
    if len(words) > keep and (match := _POINTS_WORD.fullmatch(words[-1])) is not None:
        words.pop()
        return parse_points(match.group(1))
    return None


def parse_new(args: Sequence[str]) -> NewTask:
    """`/new Fix the login page 3sp > sprint-3`; the title is required, the rest optional.

    The story points are the last word, or the last word before `>`.
    """
    words, after = _split_target([w for w in args if w])
    points = _take_points(after, 1) if after else None
    if points is None:
        points = _take_points(words, 0)
    title = " ".join(words).strip()
    if not title:
        raise UsageError("new")
    if len(title) > MAX_TITLE:
        raise UsageError("new", _("The title has {count} characters; the limit is {limit}").format(
            count=len(title), limit=MAX_TITLE))
    return NewTask(title, parse_target(after) if after else None, points)
