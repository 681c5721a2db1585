"""The emulated Telegram world: chats, users, messages, the update queue and what was called."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram.limits import Gate
from bot.sandbox.telegram.models import (
    JSON,
    ApiError,
    CallbackAnswer,
    ChatRecord,
    StoredMessage,
    TgUser,
    UpdateTiming,
)
from bot.sandbox.telegram.params import Params


class Pulse:
    """Wakes every waiter whenever something changes (an update queued, a message sent)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until `predicate()` holds or `seconds` pass; return the predicate."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


@dataclass
class PendingQuery:
    """A callback query the bot has not answered yet."""

    id: str
    chat_id: int
    message_id: int
    user: TgUser
    data: str
    answered: bool = False


@dataclass
class State:
    """Everything the emulated Bot API server knows."""

    token: str
    bot_username: str
    bot_first_name: str = "Scrum Test Bot"
    privacy_mode: bool = True
    strict_ampersand: bool = True
    chats: dict[int, ChatRecord] = field(default_factory=dict)
    users: dict[int, TgUser] = field(default_factory=dict)
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)
    updates: list[JSON] = field(default_factory=list)
    next_update_id: int = 1
    queries: dict[str, PendingQuery] = field(default_factory=dict)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    stale_answers: int = 0  # the next answerCallbackQuery calls refused as "too old"
    my_commands: dict[str, list[JSON]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    withheld: list[tuple[int, int]] = field(default_factory=list)
    webhook: JSON | None = None
    allowed_updates: list[str] | None = None
    poll_generation: int = 0
    closing: bool = False
    pulse: Pulse = field(default_factory=Pulse)
    gate: Gate = field(default_factory=Gate)
    timings: dict[int, UpdateTiming] = field(default_factory=dict)

    @property
    def bot_id(self) -> int:
        """The bot's user id: the number before the token's colon."""
        head = self.token.split(":", 1)[0]
        return int(head) if head.isdigit() else 123456

    @property
    def bot_user(self) -> TgUser:
        """The bot as a User."""
        return TgUser(self.bot_id, self.bot_first_name, self.bot_username, None, is_bot=True)

    def chat(self, chat_id: int) -> ChatRecord:
        """The chat, or Telegram's 400 "chat not found"."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def user(self, user_id: int) -> TgUser:
        """A known user, or a placeholder for an id only seen as an admin."""
        return self.users.get(user_id) or TgUser(user_id, f"User {user_id}")

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A message that exists and is not deleted."""
        message = self.messages.get((chat_id, message_id))
        return None if message is None or message.deleted else message

    def store(
        self, chat: ChatRecord, sender: TgUser | None, text: str, **extra: Any
    ) -> StoredMessage:
        """Create a message in `chat` with the next message id."""
        message = StoredMessage(chat.id, chat.take_message_id(), sender, text, now(), **extra)
        self.messages[(chat.id, message.message_id)] = message
        self.pulse.fire()
        return message

    def queue(self, kind: str, payload: JSON) -> int:
        """Queue an update of type `kind` (message, edited_message, callback_query)."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        chat = (payload.get("message") or payload).get("chat") or {}
        self.timings[update_id] = UpdateTiming(update_id, kind, chat.get("id"), time.time())
        self.pulse.fire()
        return update_id

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        """The bot's messages in a chat in the order sent, deleted ones included."""
        return [m for m in self.messages.values() if m.chat_id == chat_id and m.from_bot]


def now() -> int:
    """The current Unix time, as Telegram dates are."""
    return int(time.time())


Handler = Callable[[State, Params], Awaitable[object]]
"""A Bot API method: (state, Params) -> the `result` to answer, or raises ApiError."""
