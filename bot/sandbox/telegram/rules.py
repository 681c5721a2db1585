"""Telegram rules the control API applies: what a privacy-mode bot sees, what a button offers."""

from __future__ import annotations

import re

from bot.sandbox.telegram.html_scan import utf16_len
from bot.sandbox.telegram.models import JSON, ChatRecord, StoredMessage
from bot.sandbox.telegram.state import State

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])")


def visible_to_bot(state: State, chat: ChatRecord, message: StoredMessage) -> bool:
    """Privacy mode hides group messages except commands, replies to the bot and mentions."""
    if chat.type == "private" or not state.privacy_mode:
        return True
    name = state.bot_username.lower()
    replied = state.messages.get((chat.id, message.reply_to or 0))
    if (replied is not None and replied.from_bot) or f"@{name}" in message.text.lower():
        return True
    return any(
        "@" not in command or command.split("@", 1)[1].lower() == name
        for command in commands_in(message.text)
    )


def callback_data(markup: JSON | None) -> list[str]:
    """All callback_data values of an inline keyboard."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [str(b["callback_data"]) for row in rows for b in row if "callback_data" in b]


def describe_wait(state: State, chat_id: int, count: int, timeout: float) -> str:
    """Why wait_for_bot_messages gave up: what was sent, called, refused and withheld."""
    sent = state.bot_messages(chat_id)
    lines = [f"waited {timeout}s for {count} bot message(s) in chat {chat_id}; got {len(sent)}:"]
    lines += [
        f"  #{m.message_id}{' (deleted)' if m.deleted else ''}: {m.text[:300]!r}" for m in sent
    ]
    if state.errors:
        lines.append(
            "Bot API errors returned: "
            + "; ".join(f"{method}: {description}" for method, description in state.errors[-5:])
        )
    other = [m for m in state.requests if m not in ("getUpdates", "getMe")]
    lines.append(f"last calls other than getUpdates/getMe: {other[-10:]}")
    withheld = [mid for cid, mid in state.withheld if cid == chat_id]
    if withheld:
        lines.append(
            f"messages {withheld} were not delivered: privacy mode (not a command, "
            "reply to the bot or mention)"
        )
    lines.append(f"updates not yet confirmed by getUpdates: {len(state.updates)}")
    return "\n".join(lines)


def bot_command_entities(text: str) -> list[JSON]:
    """bot_command entities for each "/cmd" or "/cmd@bot" at a word start, as clients send."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]


def commands_in(text: str) -> list[str]:
    """The "/cmd" or "/cmd@bot" tokens that get bot_command entities."""
    return [match.group() for match in _COMMAND.finditer(text)]
