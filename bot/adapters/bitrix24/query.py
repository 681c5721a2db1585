"""PHP-style query strings, the form `batch` sub-commands are written in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import quote


def php_query(params: Mapping[str, object]) -> str:
    """Encode nested params the way PHP's `parse_str` reads them: `fields[storyPoints]=8`."""
    return "&".join(
        f"{quote(key, safe='[]')}={quote(value, safe='')}" for key, value in _pairs(params, "")
    )


def _pairs(value: object, prefix: str) -> Iterator[tuple[str, str]]:
    """Flatten one value into (key, text) pairs; None and empty containers are left out."""
    if isinstance(value, Mapping):
        items: Iterator[tuple[str, object]] = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        if value is not None:
            yield prefix, _scalar(value)
        return
    for key, item in items:
        yield from _pairs(item, f"{prefix}[{key}]" if prefix else key)


def _scalar(value: object) -> str:
    """A leaf value as PHP's `http_build_query` writes it (true → 1, false → 0)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
