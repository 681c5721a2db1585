"""The person at the keyboard: which member they are, in which chat, and what they typed."""

from __future__ import annotations

from typing import TextIO
from urllib.parse import parse_qs, urlsplit

from bot.sandbox.demo.console import LineReader
from bot.sandbox.demo.seed import DemoMember, DemoWorld
from bot.sandbox.demo.terminal import (
    META_HELP,
    Action,
    Button,
    Invalid,
    Press,
    ReplyTo,
    Say,
    Simple,
    SwitchChat,
    SwitchMember,
    buttons,
    parse_line,
    prompt,
)
from bot.sandbox.demo.watch import FIRST_REPLY_SECONDS, Watcher
from bot.sandbox.telegram import BotMessage, TelegramEmulator

UNSEEN = ("(the bot does not see this: in a group it reads only /commands and replies to its "
          "messages; try :reply <text>)")


class Session:
    """Sends what the member types as their Telegram messages and prints the bot's replies."""

    def __init__(self, telegram: TelegramEmulator, world: DemoWorld, out: TextIO, *,
                 ansi: bool) -> None:
        self._telegram = telegram
        self._world = world
        self._out = out
        self._watch = Watcher(telegram, self.emit, ansi=ansi)
        self.member: DemoMember = world.members[0]
        self.in_group = True

    @property
    def here(self) -> int:
        """The chat the member writes in."""
        return self._world.group_chat if self.in_group else self.member.user.id

    @property
    def chats(self) -> dict[int, str]:
        """The chats the member can read: the group and their private chat with the bot."""
        return {self._world.group_chat: self._world.group_title, self.member.user.id: "private"}

    @property
    def prompt(self) -> str:
        return prompt(self.member.name, self._world.group_title if self.in_group else "private")

    def emit(self, line: str) -> None:
        """Print one line (or block) at once."""
        self._out.write(line + "\n")
        self._out.flush()

    def start(self) -> None:
        """From now on print only what the bot sends after this moment."""
        for member in self._world.members:
            self._watch.forget_all({self._world.group_chat: "", member.user.id: ""})

    async def run(self, reader: LineReader, *, echo: bool) -> None:
        """Read lines until :quit or end of input; `echo` repeats piped lines after the prompt."""
        while True:
            self._out.write(self.prompt)
            self._out.flush()
            line = await reader.next_line()
            if line is None:
                self.emit("")
                return
            if echo:
                self.emit(line)
            if not await self.handle(parse_line(line)):
                return

    async def handle(self, action: Action) -> bool:
        """Carry out one typed line; False when the member wants to leave."""
        match action:
            case Say(text):
                await self.send(text)
            case ReplyTo(text):
                await self._reply(text)
            case Press(number):
                await self._press(number)
            case SwitchMember(name):
                self._switch_member(name)
            case SwitchChat(kind):
                self.in_group = kind == "group"
                self._watch.show_news(self.chats, self.here)
            case Invalid(reason):
                self.emit(f"({reason})")
            case Simple("quit"):
                return False
            case Simple("help"):
                self.emit(META_HELP)
            case Simple("members"):
                self._members()
        return True

    async def send(self, text: str, reply_to: int | None = None) -> None:
        """Send as the member in the current chat and print what the bot answers."""
        chat = self.here
        message_id = await self._telegram.send(chat, self.member.user, text, reply_to=reply_to)
        self._watch.sent(chat, message_id)
        if (chat, message_id) in self._telegram.state.withheld:
            self.emit(UNSEEN)
            return
        await self._wait()

    async def _wait(self) -> None:
        if not await self._watch.show_replies(self.chats, self.here):
            self.emit(f"(no answer from the bot within {FIRST_REPLY_SECONDS:g} s)")

    def _last(self, *, with_buttons: bool) -> BotMessage | None:
        for message in reversed(self._telegram.bot_messages(self.here)):
            if not message.deleted and (buttons(message.reply_markup) or not with_buttons):
                return message
        return None

    async def _reply(self, text: str) -> None:
        message = self._last(with_buttons=False)
        if message is None:
            self.emit("(the bot has written nothing here to reply to)")
            return
        await self.send(text, reply_to=message.message_id)

    async def _press(self, number: int) -> None:
        message = self._last(with_buttons=True)
        found = [b for row in buttons(message.reply_markup) for b in row
                 if b.number == number] if message else []
        if message is None or not found:
            self.emit(f"(no button [{number}] on the bot's last message with buttons here)")
            return
        await self._press_button(message, found[0])

    async def _press_button(self, message: BotMessage, button: Button) -> None:
        if button.callback_data is not None:
            await self._telegram.press(self.here, message.message_id, self.member.user,
                                       button.callback_data)
            await self._wait()
        elif button.url is not None:
            await self._open(button.url)
        else:
            self.emit("(the demo cannot press this kind of button)")

    async def _open(self, url: str) -> None:
        """A t.me link to the bot opens the private chat with its /start payload."""
        parts = urlsplit(url)
        start = parse_qs(parts.query).get("start", [""])[0]
        if parts.netloc != "t.me" or parts.path.strip("/") != self._telegram.bot_username:
            self.emit(f"(the button opens {url})")
            return
        self.emit("(the button opens your private chat with the bot)")
        self.in_group = False
        self._watch.show_news(self.chats, self.here)
        await self.send(f"/start {start}".strip())

    def _switch_member(self, name: str) -> None:
        member = self._world.member(name)
        if member is None:
            self.emit(f"(no member called {name}; :members lists them)")
            return
        self.member = member
        self._watch.show_news(self.chats, self.here)

    def _members(self) -> None:
        for member in self._world.members:
            you = " (you)" if member == self.member else ""
            self.emit(f"{member.full_name}, {member.role}{you}")
