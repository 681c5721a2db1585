"""Parameter binding the way Bitrix24's engine controllers and classic methods do it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from .errors import missing_param, wrong_type

PAGE_SIZE = 50
_LEADING_INT = re.compile(r"^\s*([+-]?\d+)")


def php_int(value: Any) -> int:
    """PHP ``(int)`` cast: leading digits of a string, 0 for garbage."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        match = _LEADING_INT.match(value)
        return int(match.group(1)) if match else 0
    return 0


def php_float(value: Any) -> float:
    """PHP ``(float)`` cast."""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return float(php_int(value))


def bind_int(params: dict[str, Any], name: str) -> int:
    """Bind a required int argument: code-100 errors when absent or not an integer."""
    if name not in params or params[name] is None:
        raise missing_param(name)
    value = params[name]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise wrong_type(value, name, "int")
    if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
        raise wrong_type(value, name, "int")
    return int(value)


def bind_array(params: dict[str, Any], name: str) -> dict[str, Any]:
    """Bind a required array argument (an object or a list) as a dict."""
    if name not in params or params[name] is None:
        raise missing_param(name)
    value = params[name]
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        raise wrong_type(value, name, "array")
    return value


def optional_array(params: dict[str, Any], name: str) -> dict[str, Any] | list[Any]:
    """An optional object/list argument; anything else counts as empty."""
    value = params.get(name)
    return value if isinstance(value, (dict, list)) else {}


def page_offset(params: dict[str, Any]) -> int:
    """The ``start`` argument rounded down to a page boundary."""
    start = php_int(params.get("start", 0))
    return max(start, 0) // PAGE_SIZE * PAGE_SIZE


def parse_date(value: Any) -> datetime | None:
    """ISO-8601 or a unix timestamp; garbage gives 1970-01-01, absence gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """ISO-8601 with offset, the way RestManager converts DateTime."""
    return value.isoformat(timespec="seconds") if value else None


def upper_keys(params: dict[str, Any]) -> dict[str, Any]:
    """Classic methods read their arguments case-insensitively (upper-cased)."""
    return {key.upper(): value for key, value in params.items()}
