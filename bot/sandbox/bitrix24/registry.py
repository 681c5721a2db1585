"""The table of REST methods: name → required scope and handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .state import PortalState


@dataclass(frozen=True)
class CallContext:
    """Who is calling: the portal state and the webhook owner's user id."""

    state: PortalState
    user_id: int


@dataclass(frozen=True)
class ListPage:
    """A classic list result: the server hoists ``total``/``next`` to the top level."""

    result: Any
    total: int
    next: int | None = None


Handler = Callable[[CallContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class MethodSpec:
    """A REST method: lower-case name, scopes that grant it (any of), handler."""

    name: str
    scopes: frozenset[str]
    handler: Handler


METHODS: dict[str, MethodSpec] = {}


def rest_method(name: str, *scopes: str) -> Callable[[Handler], Handler]:
    """Register a handler under a (case-insensitive) REST method name."""

    def register(handler: Handler) -> Handler:
        key = name.lower()
        METHODS[key] = MethodSpec(key, frozenset(scopes), handler)
        return handler

    return register


def page(rows: list[Any], offset: int, size: int = 50) -> tuple[list[Any], int | None]:
    """Slice one page and compute the ``next`` offset."""
    chunk = rows[offset : offset + size]
    following = offset + size if offset + size < len(rows) else None
    return chunk, following
