"""ORM-style ``filter``/``order``/``select`` over rows keyed by UPPER field names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .params import php_int

R = TypeVar("R", bound=Mapping[str, Any])
_OPERATORS = ("!=%", "!%=", "=%", "%=", "!%", "!=", "!@", ">=", "<=", "@", ">", "<", "=", "%", "!")


class UnknownFieldError(Exception):
    """A filter/order/select names a field the entity does not have."""


def split_operator(key: str) -> tuple[str, str]:
    """Split ``">=ID"`` into ``(">=", "ID")``."""
    for op in _OPERATORS:
        if key.startswith(op):
            return op, key[len(op) :]
    return "", key


def filter_rows(rows: Iterable[R], conditions: Mapping[str, Any], fields: set[str]) -> list[R]:
    """Keep rows matching every condition; unknown fields raise UnknownFieldError."""
    parsed = [(*split_operator(str(k)), v) for k, v in conditions.items()]
    for _, name, _ in parsed:
        if name not in fields:
            raise UnknownFieldError(name)
    return [r for r in rows if all(_test(op, r[name], v) for op, name, v in parsed)]


def sort_rows(rows: list[R], order: Mapping[str, Any], fields: set[str]) -> list[R]:
    """Sort by ``{FIELD: ASC|DESC}`` (later keys are weaker); unknown fields raise."""
    result = list(rows)
    for name, direction in reversed(list(order.items())):
        if name.upper() != name or name not in fields:
            raise UnknownFieldError(name)
        desc = str(direction).upper() == "DESC"
        result.sort(key=_keyer(name), reverse=desc)
    return result


def check_select(select: Iterable[Any], fields: set[str]) -> set[str]:
    """Validate a select list; ``*`` or an empty list selects everything."""
    names = {str(s) for s in select}
    if not names or "*" in names:
        return set(fields)
    unknown = names - fields
    if unknown:
        raise UnknownFieldError(sorted(unknown)[0])
    return names


def _test(op: str, actual: Any, expected: Any) -> bool:
    negate = op.startswith("!")
    base = op[1:] if negate else op
    outcome = _positive(base, actual, expected)
    return not outcome if negate else outcome


def _positive(base: str, actual: Any, expected: Any) -> bool:
    if base in ("", "=", "@"):
        if isinstance(expected, (list, dict)):
            values = expected.values() if isinstance(expected, dict) else expected
            return any(_equal(actual, v) for v in values)
        if base == "" and isinstance(expected, str) and "%" in expected:
            return _like(actual, expected)
        return _equal(actual, expected)
    if base == "%":
        return _text(expected) in _text(actual)
    if base in ("=%", "%="):
        return _like(actual, _text(expected))
    return _ordered(base, actual, expected)


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool):
        return actual == (_text(expected) in ("y", "true", "1"))
    if isinstance(actual, int):
        return actual == php_int(expected)
    return _text(actual) == _text(expected)


def _ordered(base: str, actual: Any, expected: Any) -> bool:
    if isinstance(actual, int):
        left: Any = actual
        right: Any = php_int(expected)
    else:
        left, right = _text(actual), _text(expected)
    if base == ">":
        return bool(left > right)
    if base == "<":
        return bool(left < right)
    if base == ">=":
        return bool(left >= right)
    return base == "<=" and bool(left <= right)


def _like(actual: Any, pattern: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.lower().split("%"))
    return re.fullmatch(regex, _text(actual), flags=re.DOTALL) is not None


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value).lower()


def _keyer(name: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    return lambda row: _sort_key(row[name])


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, _text(value))


def known_only(conditions: Mapping[str, Any], fields: set[str]) -> dict[str, Any]:
    """Drop conditions on unknown fields (classic methods ignore them)."""
    return {str(k): v for k, v in conditions.items() if split_operator(str(k))[1] in fields}


def as_mapping(value: Any) -> dict[str, Any]:
    """An argument that should be an object: lists become index-keyed, scalars empty."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}
