"""The four Scrum item fields the bot writes: their raw values, writes and names for members."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.model import ItemChanges, ScrumItem, ScrumSnapshot

NO_VALUE = "—"


def place_name(snapshot: ScrumSnapshot, entity_id: int) -> str:
    """The backlog's or a sprint's name, or its id when the cache does not know it."""
    return snapshot.entity_name(entity_id) or f"entity {entity_id}"


def epic_name(snapshot: ScrumSnapshot, epic_id: int) -> str:
    if epic_id == 0:
        return "no epic"
    return snapshot.epic_name(epic_id) or f"epic {epic_id}"


@dataclass(frozen=True)
class ItemField:
    """One field: `name` as the audit log and replies say it; raw values are strings."""

    name: str
    read: Callable[[ScrumItem], str]
    write: Callable[[str], ItemChanges]
    show: Callable[[ScrumSnapshot | None, str], str]  # a raw value as members read it


POINTS = ItemField("story points", lambda item: item.story_points,
                   lambda raw: ItemChanges(story_points=raw), lambda _s, raw: raw or NO_VALUE)
PLACE = ItemField("moved", lambda item: str(item.entity_id),
                  lambda raw: ItemChanges(entity_id=int(raw)),
                  lambda s, raw: place_name(s, int(raw)) if s else f"entity {raw}")
EPIC = ItemField("epic", lambda item: str(item.epic_id), lambda raw: ItemChanges(epic_id=int(raw)),
                 lambda s, raw: epic_name(s, int(raw)) if s else f"epic {raw}")
RANK = ItemField("rank", lambda item: str(item.sort), lambda raw: ItemChanges(sort=int(raw)),
                 lambda _s, raw: raw)
FIELDS = {field.name: field for field in (POINTS, PLACE, EPIC, RANK)}


def new_batch_key() -> str:
    """A short random key naming one message's changes (the Undo button carries it)."""
    return secrets.token_urlsafe(9)
