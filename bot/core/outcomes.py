"""What a use case hands back for rendering: what changed, or what there is to see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.errors import TrackerError
from bot.core.model import Change, Epic, ScrumItem, Sprint, TaskInfo


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


@dataclass(frozen=True)
class TaskFailed:
    """One task of a message that could not be changed, and why."""

    task_id: int
    title: str | None  # known when Bitrix24 read the task before refusing
    error: TrackerError


@dataclass(frozen=True)
class WriteReport:
    """What one message changed: a result per task in the order typed, and its undo key."""

    results: tuple[FieldChanged | TaskFailed, ...]
    batch: str | None  # the key the Undo button carries; None when nothing can be undone

    @property
    def failed(self) -> int:
        return sum(isinstance(result, TaskFailed) for result in self.results)

    @property
    def changed(self) -> int:
        return len(self.results) - self.failed


@dataclass(frozen=True)
class UndoConflict:
    """A task undo left alone: someone changed the field since the bot wrote it."""

    task_id: int
    title: str
    field: str
    current: str  # the value it holds now, as members read it


class UndoStatus(StrEnum):
    DONE = "done"
    NOTHING = "nothing"  # no change of this member to undo
    ALREADY = "already"  # this message's changes were undone before
    NOT_YOURS = "not_yours"  # the button belongs to another member
    EXPIRED = "expired"  # the button is older than the undo window


@dataclass(frozen=True)
class UndoOutcome:
    """What an undo restored (field before → after is "written → restored"), refused or failed."""

    status: UndoStatus
    owner: str = ""  # who may undo it, for NOT_YOURS
    results: tuple[FieldChanged | UndoConflict | TaskFailed, ...] = ()


@dataclass(frozen=True)
class TaskLog:
    """`/log 42`: the changes the bot made or tried on the task, newest first."""

    task_id: int
    changes: tuple[Change, ...]
