"""Words of a command that name tasks and story points: `42`, `#42`, `42,43,44`, `42=8`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.core.errors import UsageError
from bot.core.i18n import _

MAX_TASK_ID = 2**31 - 1
MAX_TASKS = 500  # per message
TASK = re.compile(r"#?([0-9]{1,10})")
_POINTS = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{1,2})?")
# A comma inside the value word is a decimal comma: `0,5`, `1,5`, `0,25` (not `43,44`).
DECIMAL_COMMA = re.compile(r"0,[0-9]{1,2}|[0-9]{1,3},[0-9]")
_PAIR_SPLIT = re.compile(r",(?=\s*#?[0-9]+\s*[=:])")
_PAIR = re.compile(r"(#?[0-9]{1,10})[=:](.+)")
_LINE_TASK = re.compile(r"^#([0-9]{1,10})\b", re.MULTILINE)
USUAL_POINTS = frozenset(
    {"0", "0.5", "1", "2", "3", "5", "8", "13", "20", "21", "34", "40", "55", "89", "100",
     "?", "-"}
)


@dataclass(frozen=True)
class Word:
    """One word after the command; `listed` when it came from a comma list like `42,43`."""

    text: str
    listed: bool = False

    @property
    def is_task(self) -> bool:
        return TASK.fullmatch(self.text) is not None


def quote(word: str) -> str:
    return word if len(word) <= 40 else word[:39] + "…"


def parse_task(word: str, command: str) -> int:
    """`42` or `#42` as a task id; anything else is a UsageError naming the word."""
    match = TASK.fullmatch(word)
    if match is None or not 0 < int(match.group(1)) <= MAX_TASK_ID:
        raise UsageError(command, _("“{word}” is not a task number (like 42 or #42)").format(
            word=quote(word)))
    return int(match.group(1))


def parse_points(word: str) -> str:
    """Story points as Bitrix24 stores them: a number string, `?`, or "" for `-` (clear)."""
    if word == "-":
        return ""
    if word == "?":
        return "?"
    if _POINTS.fullmatch(word) is None:
        raise UsageError("sp", _("“{word}” is not story points (use a number like 3 or 0.5, ? "
                                 "or -)").format(word=quote(word)))
    whole, _sep, fraction = word.replace(",", ".").partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def split_words(args: Iterable[str]) -> list[Word]:
    """The words, comma lists split apart (`42,43 44` → 42, 43, 44)."""
    words: list[Word] = []
    for arg in args:
        parts = [part.strip() for part in arg.split(",")]
        listed = len(parts) > 1
        words += [Word(part, listed) for part in parts if part]
    return words


def unique_tasks(words: Sequence[Word], command: str) -> tuple[int, ...]:
    """Task ids in the order typed, duplicates dropped; at most MAX_TASKS."""
    tasks = tuple(dict.fromkeys(parse_task(word.text, command) for word in words))
    if len(tasks) > MAX_TASKS:
        raise UsageError(command, _("{count} tasks in one message; the limit is {limit}").format(
            count=len(tasks), limit=MAX_TASKS))
    return tasks


def leading_tasks(args: Sequence[str]) -> tuple[list[Word], list[str]]:
    """The words up front that are tasks or task lists, and the words after them."""
    words: list[Word] = []
    for index, arg in enumerate(args):
        found = split_words([arg])
        if not found or not all(word.is_task for word in found):
            return words, list(args[index:])
        words += found
    return words, []


def has_pairs(args: Sequence[str]) -> bool:
    return any("=" in arg or ":" in arg for arg in args)


def explicit_pairs(args: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """`42=8 43:5` (commas between pairs allowed)."""
    pairs: list[tuple[int, str]] = []
    for arg in args:
        for piece in filter(None, (p.strip() for p in _PAIR_SPLIT.split(arg))):
            match = _PAIR.fullmatch(piece)
            if match is None:
                raise UsageError("sp", _("“{word}” is not a task=points pair (like 42=8)").format(
                    word=quote(piece)))
            pairs.append((parse_task(match.group(1), "sp"), parse_points(match.group(2))))
    return unique_pairs(pairs)


def looks_like_pairs(words: Sequence[Word]) -> bool:
    """An even count of words, tasks and usual story points taking turns: `42 8 43 5`.

    Unless the words read as tasks in increasing order and one value (`1 2 3 5`, `2 3 4 5`):
    small task ids look like story points, and a list is typed in order far more often.
    """
    return (
        len(words) % 2 == 0
        and not any(word.listed for word in words)
        and all(word.is_task for word in words[0::2])
        and all(word.text in USUAL_POINTS for word in words[1::2])
        and not _increasing_tasks(words[:-1])
    )


def _increasing_tasks(words: Sequence[Word]) -> bool:
    """Every word is a task id, each greater than the one before."""
    ids = [TASK.fullmatch(word.text) for word in words]
    numbers = [int(found.group(1)) for found in ids if found is not None]
    return len(numbers) == len(words) and all(a < b for a, b in pairwise(numbers))


def unique_pairs(pairs: Sequence[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Pairs in the order typed; the same task twice must carry the same points."""
    seen: dict[int, str] = {}
    for task, points in pairs:
        if seen.setdefault(task, points) != points:
            raise UsageError("sp", _("#{task} is given two different values").format(task=task))
    if len(seen) > MAX_TASKS:
        raise UsageError("sp", _("{count} tasks in one message; the limit is {limit}").format(
            count=len(seen), limit=MAX_TASKS))
    return tuple(seen.items())


def line_tasks(text: str) -> tuple[int, ...]:
    """The tasks a bot message is about: the distinct `#42` that start its lines, in order."""
    return tuple(dict.fromkeys(int(found) for found in _LINE_TASK.findall(text)))


def leans_on_reply(command: str, args: Sequence[str]) -> bool:
    """The words need the task of the replied-to message (`/sp 5`, `/move next`, `/task`)."""
    if command in ("task", "log"):
        return not args
    if command == "rank":
        return len(args) == 1
    first = split_words(args[:1])
    return len(args) <= 1 or not (first and first[0].is_task)
