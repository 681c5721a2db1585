"""The demo's terminal: bot messages as plain text, numbered buttons, the prompt, meta-commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.telegram import BotMessage, CallbackAnswer

BOLD, RESET = "\033[1m", "\033[0m"
JSON = dict[str, Any]

META_HELP = """meta-commands (everything else is sent to the chat as the current member):
  :as <name>             be another member (Alice, Bob or Carol)
  :chat group|private    write in the group chat or in your private chat with the bot
  :press <n>             press button [n] of the bot's last message that has buttons
  :reply <text>          send <text> as a reply to the bot's last message
  :members               who is who
  :help                  this list
  :quit                  leave (Ctrl-D and Ctrl-C too)
lines starting with # are ignored"""


@dataclass(frozen=True)
class Button:
    """An inline button as the terminal numbers it."""

    number: int
    text: str
    callback_data: str | None = None
    url: str | None = None


def buttons(markup: JSON | None) -> list[list[Button]]:
    """The inline keyboard's rows, buttons numbered from 1 across rows."""
    rows: list[list[Button]] = []
    number = 0
    for row in (markup or {}).get("inline_keyboard") or []:
        line: list[Button] = []
        for raw in row:
            number += 1
            data = raw.get("callback_data")
            line.append(Button(number, str(raw.get("text", "")),
                               None if data is None else str(data), raw.get("url")))
        rows.append(line)
    return rows


def button_lines(markup: JSON | None) -> list[str]:
    """`  [1] Backlog  [2] Sprint 3`, one line per keyboard row."""
    return ["  " + "  ".join(f"[{b.number}] {b.text}" for b in row)
            for row in buttons(markup) if row]


def styled(text: str, entities: list[JSON], *, ansi: bool) -> str:
    """The text with bold spans in ANSI bold (only when `ansi`); offsets are UTF-16 units."""
    spans = [(e["offset"], e["offset"] + e["length"]) for e in entities if e.get("type") == "bold"]
    if not ansi or not spans:
        return text
    out: list[str] = []
    position, bold = 0, False
    for char in text:
        now_bold = any(start <= position < end for start, end in spans)
        if now_bold != bold:
            out.append(BOLD if now_bold else RESET)
            bold = now_bold
        out.append(char)
        position += 2 if ord(char) > 0xFFFF else 1
    if bold:
        out.append(RESET)
    return "".join(out)


def render_message(message: BotMessage, *, ansi: bool = False, notes: tuple[str, ...] = ()
                   ) -> str:
    """`bot: <text>` with continuation lines indented and the buttons numbered below."""
    head = f"bot ({', '.join(notes)}): " if notes else "bot: "
    if message.deleted:
        return head + "(deleted this message)"
    lines = styled(message.text, message.entities, ansi=ansi).split("\n")
    body = [head + lines[0]] + [" " * len(head) + line if line else "" for line in lines[1:]]
    return "\n".join(body + button_lines(message.reply_markup))


def render_answer(answer: CallbackAnswer) -> str | None:
    """The answer to a pressed button: an alert or a passing notice (nothing when silent)."""
    if not answer.text:
        return None
    return f"bot ({'alert' if answer.show_alert else 'notice'}): {answer.text}"


def prompt(member: str, place: str) -> str:
    """`[Alice @ Standup] > `."""
    return f"[{member} @ {place}] > "


@dataclass(frozen=True)
class Say:
    """Send the text to the current chat."""

    text: str


@dataclass(frozen=True)
class ReplyTo:
    """Send the text as a reply to the bot's last message."""

    text: str


@dataclass(frozen=True)
class SwitchMember:
    name: str


@dataclass(frozen=True)
class SwitchChat:
    kind: str  # "group" or "private"


@dataclass(frozen=True)
class Press:
    number: int


@dataclass(frozen=True)
class Simple:
    """A meta-command without arguments: members, help, quit; or a blank/comment line."""

    name: str  # "members", "help", "quit" or "skip"


@dataclass(frozen=True)
class Invalid:
    """A meta-command the terminal cannot follow, and why."""

    reason: str


Action = Say | ReplyTo | SwitchMember | SwitchChat | Press | Simple | Invalid
_SIMPLE = {"members": "members", "help": "help", "quit": "quit", "q": "quit", "exit": "quit"}


def parse_line(line: str) -> Action:
    """What a typed line asks for: a message to send, or a meta-command."""
    text = line.strip()
    if not text or text.startswith("#"):
        return Simple("skip")
    if not text.startswith(":"):
        return Say(text)
    name, _, rest = text[1:].partition(" ")
    name, rest = name.lower(), rest.strip()
    if name in _SIMPLE:
        return Simple(_SIMPLE[name]) if not rest else Invalid(f":{name} takes no arguments")
    if name == "as":
        return SwitchMember(rest) if rest else Invalid("usage: :as <name>")
    if name == "chat":
        return _chat(rest)
    if name == "press":
        return Press(int(rest)) if rest.isdigit() and int(rest) > 0 else Invalid(
            "usage: :press <n>, n being a button's number")
    if name == "reply":
        return ReplyTo(rest) if rest else Invalid("usage: :reply <text>")
    return Invalid(f"unknown meta-command :{name} (:help lists them)")


def _chat(rest: str) -> Action:
    kind = rest.lower()
    for choice in ("group", "private"):
        if kind and choice.startswith(kind):
            return SwitchChat(choice)
    return Invalid("usage: :chat group|private")
