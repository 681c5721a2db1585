"""The parts of the settings loader: a `.env` reader, a `Secret` that never shows, value parsers.

A `.env` file holds `NAME=value` lines as Docker Compose and python-dotenv write them: blank
lines and `#` comments are skipped, a leading `export ` is allowed, a value may be quoted
('single' as is, "double" with \\n, \\t, \\" and \\\\ escapes), an unquoted value ends at ` #`.
Variables are not expanded (`${NAME}` stays as written).

The parsers raise ValueError with the wording pydantic used, so the messages stay as they were.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["Secret", "parse_env_text", "read_env_file", "to_bool", "to_float", "to_int", "to_text"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_TRUE, _FALSE = {"1", "on", "t", "true", "y", "yes"}, {"0", "off", "f", "false", "n", "no"}


class Secret:
    """A secret setting: asterisks in reprs, logs and tracebacks; the value only on request."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The secret itself, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{self}')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_env_file(path: Path) -> dict[str, str]:
    """The names and values in the `.env` file at `path` (nothing when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return {}
    return parse_env_text(text)


def parse_env_text(text: str) -> dict[str, str]:
    """The names and values in a `.env` file's text; a later line wins over an earlier one."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if sep and name.strip():
            values[name.strip()] = _value(value.strip())
    return values


def _value(text: str) -> str:
    """A value as written after `=`: unquoted, or its inline comment cut off."""
    if len(text) >= 2 and text[0] in "'\"" and text[0] in text[1:]:
        return text[1 : text.index("'", 1)] if text[0] == "'" else _double_quoted(text[1:])
    comment = text.find(" #")
    return (text[:comment] if comment >= 0 else text).rstrip()


def _double_quoted(text: str) -> str:
    """The body of a double-quoted value up to its closing quote, escapes resolved."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == '"':
            break
        if char == "\\":
            following = next(chars, "")
            out.append(_ESCAPES.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def to_text(value: object) -> str:
    """A setting's text (a secret's too)."""
    if isinstance(value, Secret):
        return value.get_secret_value()
    if isinstance(value, str):
        return value
    raise ValueError("Input should be a valid string")


def to_bool(value: object) -> bool:
    """1/0, true/false, yes/no, on/off, t/f, y/n in any case."""
    if isinstance(value, bool | int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise ValueError("Input should be a valid boolean, unable to interpret input")


def to_float(value: object, *, gt: int | None = None, le: int | None = None) -> float:
    """A number above `gt` and at most `le`."""
    try:
        number = float(value) if isinstance(value, int | float) else float(to_text(value))
    except ValueError:
        raise ValueError(
            "Input should be a valid number, unable to parse string as a number") from None
    if gt is not None and not number > gt:
        raise ValueError(f"Input should be greater than {gt}")
    if le is not None and not number <= le:
        raise ValueError(f"Input should be less than or equal to {le}")
    return number


def to_int(value: object, *, ge: int, le: int) -> int:
    """A whole number from `ge` to `le` ("8", " +8 " and "8.0" are 8)."""
    try:
        number = to_float(value)
    except ValueError:
        number = 0.5
    if not number.is_integer():
        raise ValueError("Input should be a valid integer, unable to parse string as an integer")
    if not number >= ge:
        raise ValueError(f"Input should be greater than or equal to {ge}")
    if not number <= le:
        raise ValueError(f"Input should be less than or equal to {le}")
    return int(number)
