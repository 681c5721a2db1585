"""Outcomes of `/new` and of adopting a task from another project, and the picker lists."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import BotError
from bot.core.model import Epic, TaskInfo


@dataclass(frozen=True)
class Created:
    """A task `/new` created; `failed` is what went wrong putting it in the Scrum, if anything."""

    task: TaskInfo
    place: str  # "Backlog" or a sprint name
    points: str | None
    failed: BotError | None = None


@dataclass(frozen=True)
class AdoptOffer:
    """A task of another project that the member may move into the chat's Scrum."""

    task: TaskInfo
    project: str | None  # the project's name; None when the member cannot see it
    scrum: str


@dataclass(frozen=True)
class Adopted:
    """A task moved into the chat's Scrum; `failed` when only the project change worked."""

    task_id: int
    title: str | None
    place: str
    failed: BotError | None = None


@dataclass(frozen=True)
class Place:
    """A destination a picker offers: the backlog or a sprint, by entity id."""

    entity_id: int
    name: str
    is_backlog: bool = False


@dataclass(frozen=True)
class EpicPage:
    """One page of the epic picker."""

    epics: tuple[Epic, ...]
    page: int
    pages: int
