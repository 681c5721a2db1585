"""Value types the whole bot speaks: members' credentials, Scrum entities, tasks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SprintStatus(StrEnum):
    """A sprint's place in its life: planned, then active, then completed."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Credential:
    """A member's personal Bitrix24 incoming webhook: portal, user id and secret code."""

    portal: str  # normalised base URL, e.g. "https://team.bitrix24.com" (no trailing slash)
    user_id: int
    secret: str  # the webhook code; never logged, stored encrypted

    @property
    def endpoint(self) -> str:
        """The REST base the webhook calls go to (the secret is inside: never log it)."""
        return f"{self.portal}/rest/{self.user_id}/{self.secret}/"

    def __repr__(self) -> str:
        return f"Credential(portal={self.portal!r}, user_id={self.user_id}, secret='***')"


@dataclass(frozen=True)
class PortalUser:
    """A Bitrix24 user as `user.current` describes them."""

    id: int
    name: str


@dataclass(frozen=True)
class ScrumGroup:
    """A Bitrix24 workgroup; a Scrum when it has a scrum master."""

    id: int
    name: str
    scrum_master_id: int

    @property
    def is_scrum(self) -> bool:
        return self.scrum_master_id > 0


@dataclass(frozen=True)
class Sprint:
    """One sprint of a Scrum."""

    id: int
    name: str
    status: SprintStatus
    sort: int = 0
    date_start: datetime | None = None
    date_end: datetime | None = None


@dataclass(frozen=True)
class Epic:
    """One epic of a Scrum."""

    id: int
    name: str


@dataclass(frozen=True)
class ScrumSnapshot:
    """What the bot caches of a Scrum: its backlog id, sprints and epics, and when it read them."""

    group_id: int
    backlog_id: int
    sprints: tuple[Sprint, ...]
    epics: tuple[Epic, ...]
    fetched_at: datetime

    def entity_name(self, entity_id: int) -> str | None:
        """The backlog or sprint name for an entity id, None when unknown."""
        if entity_id == self.backlog_id:
            return "Backlog"
        return next((s.name for s in self.sprints if s.id == entity_id), None)

    def epic_name(self, epic_id: int) -> str | None:
        return next((e.name for e in self.epics if e.id == epic_id), None)


@dataclass(frozen=True)
class ScrumItem:
    """The Scrum side of a task: where it sits, its story points, epic and sort order."""

    entity_id: int
    story_points: str
    epic_id: int
    sort: int
    group_id: int | None = None  # newer portals report it; older ones do not


@dataclass(frozen=True)
class TaskInfo:
    """The ordinary task fields the bot shows."""

    id: int
    title: str
    status: int  # 2 pending, 3 in progress, 4 awaiting control, 5 completed, 6 deferred
    responsible: str
    group_id: int


@dataclass(frozen=True)
class TaskState:
    """A task as read in one go: its fields and, when it is a Scrum item, its item."""

    info: TaskInfo
    item: ScrumItem | None


@dataclass(frozen=True)
class ItemChanges:
    """Fields to write with `tasks.api.scrum.task.update`; None means "leave as it is"."""

    entity_id: int | None = None
    story_points: str | None = None  # "" clears
    epic_id: int | None = None  # 0 detaches
    sort: int | None = None
    created_by: int | None = None  # needed only when the item is created

    def as_fields(self) -> dict[str, str]:
        """The `fields[...]` of the update, every value a string (story points must be one)."""
        values = {
            "entityId": self.entity_id,
            "storyPoints": self.story_points,
            "epicId": self.epic_id,
            "sort": self.sort,
            "createdBy": self.created_by,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class ItemWrite:
    """One Scrum item write of a bulk request."""

    task_id: int
    changes: ItemChanges
    # the task has no Scrum item yet: changes carry entity_id and created_by; the item is
    # not read first
    create: bool = False


@dataclass(frozen=True)
class Member:
    """A Telegram user linked to their own Bitrix24 account."""

    telegram_id: int
    credential: Credential
    name: str
    language: str | None = None


@dataclass(frozen=True)
class ChatBinding:
    """A Telegram chat bound to one Scrum of one portal."""

    chat_id: int
    portal: str
    group_id: int
    group_name: str
    bound_by: int  # Telegram user id of the admin who bound it
    language: str | None = None
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One write the bot made or tried: the audit log's row."""

    at: datetime
    chat_id: int
    telegram_user_id: int
    portal: str
    bitrix_user_id: int
    task_id: int
    field: str
    old_value: str | None
    new_value: str | None
    outcome: str  # "ok" or "error"
    error_code: str | None = None
    # what undo needs: the raw values (points string, entity id, epic id, sort), the message's
    # batch key, and the undo marks
    old_raw: str | None = None  # None: nothing to restore (the item did not exist, or failed)
    new_raw: str | None = None
    batch: str = ""
    member_name: str = ""
    undo_of: str | None = None  # the batch this change undid
    undone: bool = False
    # the row's number, set when read back from the log; not part of what the change is
    id: int | None = dataclasses.field(default=None, compare=False)
