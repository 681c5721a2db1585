"""What the bot did since the member last looked: new, edited and deleted messages, answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from bot.sandbox.demo.terminal import render_answer, render_message
from bot.sandbox.telegram import BotMessage, TelegramEmulator

FIRST_REPLY_SECONDS = 10.0  # how long to wait for the bot's first reply
QUIET_SECONDS = 1.2  # done when nothing more comes for this long (replies are paced ~1/s per chat)

Look = tuple[str, str, bool]  # text, buttons, deleted: what the member saw of a message


class Watcher:
    """Prints what the bot sends in the chats the member can see, each change once."""

    def __init__(self, telegram: TelegramEmulator, emit: Callable[[str], None], *,
                 ansi: bool) -> None:
        self._telegram = telegram
        self._emit = emit
        self._ansi = ansi
        self._seen: dict[tuple[int, int], Look] = {}
        self._answers = len(telegram.callback_answers)
        self._own: list[tuple[int, int]] = []

    def forget_all(self, chats: Mapping[int, str]) -> None:
        """Treat everything sent so far in these chats as already seen."""
        self._collect(chats, 0, show=False)
        self._answers = len(self._telegram.callback_answers)

    def sent(self, chat_id: int, message_id: int) -> None:
        """Remember a member's message, to tell them if the bot deletes it."""
        self._own.append((chat_id, message_id))

    def show_news(self, chats: Mapping[int, str], here: int) -> bool:
        """Print what changed in `chats` (chat id → name; `here` is the current chat)."""
        return self._collect(chats, here, show=True)

    async def show_replies(self, chats: Mapping[int, str], here: int, *,
                           first: float = FIRST_REPLY_SECONDS,
                           quiet: float = QUIET_SECONDS) -> bool:
        """Wait for the bot's first reply (up to `first` s), then until it is quiet."""
        pulse = self._telegram.state.pulse
        if not await pulse.wait_until(lambda: self.show_news(chats, here), first):
            return False
        while await pulse.wait_until(lambda: self.show_news(chats, here), quiet):
            pass
        return True

    def _collect(self, chats: Mapping[int, str], here: int, *, show: bool) -> bool:
        lines: list[str] = []
        for chat_id, name in chats.items():
            for message in self._telegram.bot_messages(chat_id):
                line = self._change(message, "" if chat_id == here else f"in {name}")
                if line is not None:
                    lines.append(line)
        lines += self._deleted_own(chats)
        answers = self._telegram.callback_answers[self._answers:]
        self._answers += len(answers)
        lines += [text for text in map(render_answer, answers) if text is not None]
        if show:
            for line in lines:
                self._emit(line)
        return bool(lines)

    def _change(self, message: BotMessage, where: str) -> str | None:
        """The message as printed, when the member has not seen it like this yet."""
        key = (message.chat_id, message.message_id)
        look = (message.text, json.dumps(message.reply_markup, sort_keys=True), message.deleted)
        before = self._seen.get(key)
        self._seen[key] = look
        if before == look or (before is None and message.deleted):
            return None
        notes = tuple(note for note in (
            "edited" if before is not None and not message.deleted else "", where) if note)
        return render_message(message, ansi=self._ansi, notes=notes)

    def _deleted_own(self, chats: Mapping[int, str]) -> list[str]:
        gone = [key for key in self._own
                if key[0] in chats and not self._telegram.message_exists(*key)]
        self._own = [key for key in self._own if key not in gone]
        return ["(the bot deleted your message)" for _ in gone]
