"""Inline keyboards kept in the database: what each button does, as a command line.

A keyboard is one stored row: a short random key, the chat it was sent to, who may press it
(None: anyone in the chat), its buttons in rows and when it expires. A button's callback data is
`b:<key>:<index>` (index of the button in reading order), at most 16 bytes, never an object.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import BotError

PREFIX = "b:"
KEY_BYTES = 8  # 11 url-safe characters
_DATA = re.compile(r"b:([A-Za-z0-9_-]{1,16}):([0-9]{1,3})")


class ButtonExpired(BotError):
    """The button is unknown, expired or already used."""


class ButtonElsewhere(BotError):
    """The button belongs to another chat."""


class NotYourButton(BotError):
    """The button is meant for one member, not for the one who pressed it."""


@dataclass(frozen=True)
class Choice:
    """One button: its label and the command line it runs, e.g. `sp 42 8` or `cancel`."""

    label: str
    action: str

    @property
    def command(self) -> str:
        return self.action.split(maxsplit=1)[0] if self.action.strip() else ""

    @property
    def args(self) -> list[str]:
        return self.action.split()[1:]


Rows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True)
class Keyboard:
    """A stored keyboard: the buttons a message offers and who may press them until when."""

    key: str
    chat_id: int
    rows: Rows
    created_at: datetime
    expires_at: datetime
    owner_id: int | None = None  # a Telegram user id; None lets anyone in the chat press
    message_id: int | None = None  # known once the message is sent

    def choice(self, index: int) -> Choice | None:
        """The button at `index` in reading order, None when there is none."""
        flat = [choice for row in self.rows for choice in row]
        return flat[index] if 0 <= index < len(flat) else None

    def callback_data(self, index: int) -> str:
        return f"{PREFIX}{self.key}:{index}"


def new_key() -> str:
    """A fresh random key (11 url-safe characters)."""
    return secrets.token_urlsafe(KEY_BYTES)


def parse_callback_data(data: str | None) -> tuple[str, int] | None:
    """`b:<key>:<index>` as (key, index); None for anything else."""
    match = _DATA.fullmatch(data or "")
    if match is None:
        return None
    return match.group(1), int(match.group(2))


def rows_of(choices: Sequence[Choice], width: int) -> Rows:
    """Choices laid out `width` to a row."""
    return tuple(tuple(choices[i:i + width]) for i in range(0, len(choices), width))
