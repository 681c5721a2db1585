"""Typed access to Bot API call parameters, sent as a form (strings, JSON strings) or as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.sandbox.telegram.models import ApiError, bad_request


class Params:
    """The parameters of one Bot API call; values are strings or already-decoded JSON."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = dict(raw)

    def __contains__(self, name: str) -> bool:
        return self._raw.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        """The value as received, or None."""
        return self._raw.get(name)

    def string(self, name: str, default: str | None = None) -> str | None:
        """A string parameter."""
        value = self._raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        """An integer parameter; a malformed one is a 400 like Telegram's."""
        value = self._raw.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Number')
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def require_int(self, name: str, missing: str) -> int:
        """An integer parameter that must be present; `missing` is the error reason."""
        value = self.integer(name)
        if value is None:
            raise bad_request(missing)
        return value

    def number(self, name: str, default: float) -> float:
        """A number parameter (timeouts)."""
        value = self._raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def flag(self, name: str) -> bool:
        """A boolean parameter ("true"/"false", 1/0 or a JSON bool)."""
        value = self._raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def decoded(self, name: str, what: str) -> Any:
        """A JSON-encoded parameter; `what` names it in the parse error, as Telegram does."""
        value = self._raw.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what} JSON object") from None


def chat_id_of(params: Params) -> int:
    """The `chat_id` parameter; a username or garbage is an unknown chat here."""
    value = params.raw("chat_id")
    if value in (None, ""):
        raise bad_request("chat_id is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None
