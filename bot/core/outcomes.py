"""What a use case hands back for rendering: what changed, or what there is to see."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Epic, ScrumItem, Sprint, TaskInfo


@dataclass(frozen=True)
class FieldChanged:
    """One field of one task changed (or already had that value)."""

    task_id: int
    title: str
    field: str  # "story points", "sprint", "epic", "rank"
    before: str
    after: str


@dataclass(frozen=True)
class TaskCard:
    """A task as `/task` shows it."""

    info: TaskInfo
    item: ScrumItem | None
    place: str | None  # "Backlog", a sprint name, or None when unknown
    epic: str | None


@dataclass(frozen=True)
class Linked:
    name: str
    portal: str


@dataclass(frozen=True)
class Whoami:
    name: str | None  # None: not linked
    portal: str | None
    bitrix_user_id: int | None
    chat_scrum: str | None  # the Scrum this chat is bound to, when it is


@dataclass(frozen=True)
class Bound:
    group_name: str
    group_id: int
    sprints: int
    epics: int


@dataclass(frozen=True)
class SprintOverview:
    active: Sprint | None
    planned: tuple[Sprint, ...]
    last_completed: Sprint | None


@dataclass(frozen=True)
class EpicList:
    epics: tuple[Epic, ...]


@dataclass(frozen=True)
class Refreshed:
    sprints: int
    epics: int
