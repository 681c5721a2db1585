"""Value types of the Telegram emulator: users, chats, messages and what tests inspect."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class TgUser:
    """A Telegram user as the emulator knows them."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False


@dataclass
class BotMessage:
    """A snapshot of a message the bot sent (and maybe edited or deleted)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    parse_mode: str | None
    reply_markup: JSON | None
    reply_to_message_id: int | None
    edited: bool = False
    deleted: bool = False
    entities: list[JSON] = field(default_factory=list)
    received_at: float = 0.0  # time.time() when the emulator got the sendMessage


@dataclass
class UpdateTiming:
    """When an update was queued and when getUpdates first handed it to the bot."""

    update_id: int
    kind: str
    chat_id: int | None
    queued_at: float  # time.time()
    delivered_at: float | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a callback query."""

    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass
class ChatRecord:
    """A chat: private (id == user id) or a supergroup (negative id)."""

    id: int
    type: str
    title: str | None = None
    user: TgUser | None = None
    creator: int | None = None
    admins: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    bot_can_delete: bool = False
    next_message_id: int = 1

    def take_message_id(self) -> int:
        """Allocate the next message id in this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredMessage:
    """Any message in a chat, sent by a user (`sender`) or by the bot (`sender is None`)."""

    chat_id: int
    message_id: int
    sender: TgUser | None
    text: str
    date: int
    entities: list[JSON] = field(default_factory=list)
    html: str = ""
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    received_at: float = field(default_factory=time.time)

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return self.sender is None

    def snapshot(self) -> BotMessage:
        """Freeze this (bot) message into what tests look at."""
        return BotMessage(
            chat_id=self.chat_id,
            message_id=self.message_id,
            text=self.text,
            html=self.html,
            parse_mode=self.parse_mode,
            reply_markup=self.reply_markup,
            reply_to_message_id=self.reply_to,
            edited=self.edit_date is not None,
            deleted=self.deleted,
            entities=list(self.entities),
            received_at=self.received_at,
        )


class ApiError(Exception):
    """A Bot API error answer: HTTP status `code` and the `description` Telegram gives."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(reason: str) -> ApiError:
    """Build a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")
