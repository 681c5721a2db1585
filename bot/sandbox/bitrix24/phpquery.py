"""PHP-style nested query keys (``fields[storyPoints]=8``, ``select[0]=ID``) into dicts/lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def split_key(key: str) -> list[str]:
    """Split ``a[b][]`` into ``["a", "b", ""]``; a malformed key stays whole."""
    head, bracket, _ = key.partition("[")
    if not bracket or not head:
        return [key]
    tail = key[len(head) :]
    segments = _SEGMENT.findall(tail)
    if "".join(f"[{s}]" for s in segments) != tail:
        return [key]
    return [head, *segments]


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build nested params from (key, value) pairs the way PHP fills ``$_REQUEST``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        _assign(root, split_key(key), value)
    listified = listify(root)
    return listified if isinstance(listified, dict) else {}


def parse_query(query: str) -> dict[str, Any]:
    """Parse a URL query string with PHP-style keys."""
    return parse_pairs(parse_qsl(query, keep_blank_values=True))


def _assign(node: dict[str, Any], path: list[str], value: str) -> None:
    for index, segment in enumerate(path):
        key = _next_index(node) if segment == "" else segment
        if index == len(path) - 1:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _next_index(node: dict[str, Any]) -> str:
    ints = [int(k) for k in node if k.isdigit()]
    return str(max(ints) + 1 if ints else 0)


def listify(value: Any) -> Any:
    """Turn dicts keyed "0".."n-1" into lists (a PHP list serialises as a JSON array)."""
    if not isinstance(value, dict):
        return value
    converted = {k: listify(v) for k, v in value.items()}
    if converted and list(converted) == [str(i) for i in range(len(converted))]:
        return list(converted.values())
    return converted
