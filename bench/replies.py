"""Counting the bot's replies by their content, so merged messages count once per command."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# One marker per error text the bot renders (bot/core/render_errors.py); one error = one line.
ERROR_LINE = re.compile(
    r"try again|not answering|too many requests|request limit|\blimits?\b|does not exist|"
    r"cannot see|denied you|rejected your|lacks a permission|refused the change|went wrong|"
    r"not bound to a scrum|link your bitrix24",
    re.IGNORECASE,
)
RATE_LIMIT = re.compile(r"too many requests|\blimit", re.IGNORECASE)
TASK_REF = re.compile(r"#(\d+)")


@dataclass(frozen=True)
class Tally:
    """What the bot's messages in one chat answered."""

    answered: int  # commands accounted for: their task id appears, or an error line without id
    errors: int  # lines that are error texts
    rate_limited: int  # of those, texts about limits / too many requests


def tally(texts: Iterable[str], task_ids: set[int]) -> Tally:
    """Count the commands (one task id each) that `texts` answer, and the errors among them."""
    seen: set[int] = set()
    errors = rate_limited = anonymous = 0
    for text in texts:
        for line in text.splitlines():
            refs = {int(ref) for ref in TASK_REF.findall(line)} & task_ids
            seen |= refs
            if ERROR_LINE.search(line):
                errors += 1
                rate_limited += bool(RATE_LIMIT.search(line))
                anonymous += not refs
    return Tally(min(len(seen) + anonymous, len(task_ids)), errors, rate_limited)
