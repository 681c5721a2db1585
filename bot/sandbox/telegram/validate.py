"""Checks Telegram applies to message text, inline keyboards and bot command lists."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.sandbox.telegram.html_text import EntityParseError, parse_html, trim
from bot.sandbox.telegram.models import JSON, bad_request
from bot.sandbox.telegram.params import Params

MAX_TEXT = 4096
MAX_COMMANDS = 100
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "pay",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
)
SCOPES = frozenset(
    (
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    )
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


@dataclass(frozen=True)
class Rendered:
    """Message text after entity parsing, with what was sent."""

    text: str
    entities: list[JSON]
    html: str
    parse_mode: str | None


def render_text(params: Params, *, strict_ampersand: bool) -> Rendered:
    """Parse `text` under `parse_mode` and apply Telegram's emptiness and length limits."""
    source = params.string("text") or ""
    parse_mode = params.string("parse_mode") or None
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(source, strict_ampersand=strict_ampersand)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: the project formats with HTML.
        text, entities = source, params.decoded("entities", "message entities") or []
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = trim(text, entities)
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return Rendered(text, entities, source, parse_mode)


def reply_markup(params: Params) -> JSON | None:
    """The decoded `reply_markup`, with an inline keyboard's buttons checked."""
    markup = params.decoded("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    """One InlineKeyboardButton: an action is required; callback_data is 1-64 bytes."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(key in button for key in BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(https?|tg)://\S", str(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def bot_commands(params: Params) -> list[JSON]:
    """The `commands` list of setMyCommands, checked as Telegram does."""
    commands = params.decoded("commands", "commands")
    if not isinstance(commands, list):
        raise bad_request('field "commands" must be of type Array')
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked: list[JSON] = []
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        description = command.get("description") if isinstance(command, dict) else None
        if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    return checked


def commands_key(params: Params) -> str:
    """The `my_commands` key: canonical JSON of the scope or "default", then "|lang" if given."""
    scope = params.decoded("scope", "BotCommandScope")
    if scope is not None and (not isinstance(scope, dict) or scope.get("type") not in SCOPES):
        raise bad_request("unsupported bot command scope type specified")
    if scope is None or scope == {"type": "default"}:
        key = "default"
    else:
        _check_scope_fields(scope)
        key = json.dumps(scope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    language = params.string("language_code") or ""
    return f"{key}|{language}" if language else key


def _check_scope_fields(scope: JSON) -> None:
    """Chat scopes need chat_id; the chat_member scope also needs user_id."""
    if scope["type"].startswith("chat") and scope.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    if scope["type"] == "chat_member" and scope.get("user_id") in (None, ""):
        raise bad_request("user_id is empty")
