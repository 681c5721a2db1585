"""TelegramEmulator: the in-process control API around the emulated Bot API server."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from bot.sandbox.telegram.limits import Gate, RateLimits
from bot.sandbox.telegram.models import (
    JSON,
    BotMessage,
    CallbackAnswer,
    ChatRecord,
    TgUser,
    UpdateTiming,
)
from bot.sandbox.telegram.rules import (
    bot_command_entities,
    callback_data,
    describe_wait,
    visible_to_bot,
)
from bot.sandbox.telegram.server import ApiServer
from bot.sandbox.telegram.state import PendingQuery, State, now
from bot.sandbox.telegram.wire import message_json, user_json

FIRST_GROUP_ID = -1001000000000


class TelegramEmulator:
    """A Bot API server on loopback that a real PTB Application polls, driven by tests."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - a fixture token
        bot_username: str = "scrum_test_bot",
        *,
        bot_first_name: str = "Scrum Test Bot",
        privacy_mode: bool = True,
        strict_html: bool = True,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.state = State(token, bot_username, bot_first_name, privacy_mode, strict_html)
        self.state.gate.limits = rate_limits
        self._server = ApiServer(self.state)
        self._groups = 0
        self._queries = 0
        self.token = self.state.token
        self.bot_username = self.state.bot_username
        self.bot_id = self.state.bot_id
        self.callback_answers: list[CallbackAnswer] = self.state.callback_answers
        self.my_commands: dict[str, list[JSON]] = self.state.my_commands
        self.requests: list[str] = self.state.requests
        self.errors: list[tuple[str, str]] = self.state.errors

    @property
    def base_url(self) -> str:
        """The `base_url` to give PTB: http://127.0.0.1:<port>/bot."""
        if not self._server.port:
            raise RuntimeError("TelegramEmulator.start() has not been awaited")
        return f"http://{self._server.host}:{self._server.port}/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving on host:port (0: any free port)."""
        self.state.closing = False
        await self._server.start(host, port)

    async def stop(self) -> None:
        """Stop serving, releasing pending long polls at once."""
        await self._server.stop()

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def set_rate_limits(self, limits: RateLimits | None) -> None:
        """Answer sendMessage beyond Telegram's flood limits with 429 (None: no limits)."""
        self.state.gate = Gate(limits)

    def fail_next_sends(self, count: int, retry_after: int = 1) -> None:
        """The next `count` sendMessage calls answer 429 "retry after `retry_after`"."""
        self.state.gate.forced, self.state.gate.forced_retry_after = count, retry_after

    def answer_too_late(self, count: int = 1) -> None:
        """The next `count` answerCallbackQuery calls answer 400 "query is too old"."""
        self.state.stale_answers = count

    def rate_limited(self) -> int:
        """How many calls were answered 429 Too Many Requests."""
        return sum(1 for _, description in self.errors if description.startswith("Too Many"))

    def update_timings(self) -> list[UpdateTiming]:
        """Each update: when it was queued and when getUpdates first handed it over."""
        return list(self.state.timings.values())

    def add_private_chat(self, user: TgUser) -> int:
        """Open a private chat with `user` (as after /start); its id is the user's id."""
        self.state.users[user.id] = user
        chat = self.state.chats.setdefault(user.id, ChatRecord(user.id, "private", user=user))
        chat.user = user
        return user.id

    def add_group(
        self,
        title: str,
        *,
        admins: Iterable[int] = (),
        members: Iterable[TgUser] = (),
        bot_can_delete: bool = False,
        creator: int | None = None,
    ) -> int:
        """Create a supergroup with the bot in it; `creator` defaults to the first admin."""
        self._groups += 1
        chat_id = FIRST_GROUP_ID - self._groups
        admin_ids = list(dict.fromkeys(admins))
        owner = creator if creator is not None else (admin_ids[0] if admin_ids else None)
        users = {user.id: user for user in members}
        self.state.users.update(users)
        member_ids = set(users) | set(admin_ids) | ({owner} if owner is not None else set())
        self.state.chats[chat_id] = ChatRecord(
            chat_id, "supergroup", title, creator=owner, admins=set(admin_ids) - {owner},
            members=member_ids, bot_can_delete=bot_can_delete,
        )  # fmt: skip
        return chat_id

    def add_member(self, chat_id: int, user: TgUser) -> None:
        """Add `user` to a group (a user who writes in a group is added anyway)."""
        self.state.users[user.id] = user
        self._chat(chat_id).members.add(user.id)

    async def send(
        self, chat_id: int, user: TgUser, text: str, *, reply_to: int | None = None
    ) -> int:
        """A user's message; queued as a `message` update unless privacy mode hides it."""
        chat = self._writable(chat_id, user)
        if reply_to is not None and self.state.message(chat_id, reply_to) is None:
            raise ValueError(f"message {reply_to} does not exist in chat {chat_id}")
        message = self.state.store(
            chat, user, text, entities=bot_command_entities(text), reply_to=reply_to
        )
        self._deliver("message", chat, message.message_id)
        return message.message_id

    async def edit(self, chat_id: int, message_id: int, text: str) -> None:
        """The user edits their own message: an `edited_message` update."""
        message = self.state.message(chat_id, message_id)
        if message is None or message.from_bot:
            raise ValueError(f"no user message {message_id} in chat {chat_id}")
        message.text, message.entities = text, bot_command_entities(text)
        message.edit_date = now()
        self._deliver("edited_message", self._chat(chat_id), message_id)

    async def press(self, chat_id: int, message_id: int, user: TgUser, data: str) -> str:
        """Press the inline button carrying `data` on a bot message; returns the query id."""
        message = self.state.message(chat_id, message_id)
        if message is None or not message.from_bot:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        offered = callback_data(message.reply_markup)
        if data not in offered:
            raise ValueError(f"message {message_id} has no button {data!r}; it has {offered}")
        self._writable(chat_id, user)
        self._queries += 1
        query_id = str(4_200_000_000_000 + self._queries)
        self.state.queries[query_id] = PendingQuery(query_id, chat_id, message_id, user, data)
        self.state.queue(
            "callback_query",
            {
                "id": query_id,
                "from": user_json(user),
                "chat_instance": str(-chat_id),
                "message": message_json(self.state, message),
                "data": data,
            },
        )
        return query_id

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in the chat in the order sent, deleted ones included."""
        return [message.snapshot() for message in self.state.bot_messages(chat_id)]

    def last_bot_message(self, chat_id: int) -> BotMessage:
        """The bot's latest message in the chat."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise LookupError(f"the bot has sent nothing in chat {chat_id}")
        return messages[-1]

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Wait until the bot has sent at least `count` messages in the chat; return them all."""

        def enough() -> bool:
            return len(self.state.bot_messages(chat_id)) >= count

        if not await self.state.pulse.wait_until(enough, timeout):
            raise TimeoutError(describe_wait(self.state, chat_id, count, timeout))
        return self.bot_messages(chat_id)

    async def wait_for_callback_answers(
        self,
        count: int,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[CallbackAnswer]:
        """Wait until the bot has answered at least `count` callback queries in total."""
        answers = self.callback_answers
        if not await self.state.pulse.wait_until(lambda: len(answers) >= count, timeout):
            raise TimeoutError(f"{len(answers)} callback answers after {timeout}s, wanted {count}")
        return list(answers)

    def message_exists(self, chat_id: int, message_id: int) -> bool:
        """Whether a user or bot message exists and is not deleted."""
        return self.state.message(chat_id, message_id) is not None

    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self.state.updates)

    def _chat(self, chat_id: int) -> ChatRecord:
        if chat_id not in self.state.chats:
            raise KeyError(f"chat {chat_id} was not created with add_private_chat/add_group")
        return self.state.chats[chat_id]

    def _writable(self, chat_id: int, user: TgUser) -> ChatRecord:
        """The chat `user` writes in; a group gains them as a member."""
        chat = self._chat(chat_id)
        if chat.type == "private" and user.id != chat.id:
            raise ValueError(f"user {user.id} cannot write in the private chat of {chat.id}")
        self.state.users[user.id] = user
        chat.members.add(user.id)
        return chat

    def _deliver(self, kind: str, chat: ChatRecord, message_id: int) -> None:
        """Queue the update, or withhold it as a privacy-mode bot would not see it."""
        message = self.state.messages[(chat.id, message_id)]
        if visible_to_bot(self.state, chat, message):
            self.state.queue(kind, message_json(self.state, message))
        else:
            self.state.withheld.append((chat.id, message_id))
