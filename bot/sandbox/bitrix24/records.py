"""Typed records of the emulated portal's data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

BACKLOG = "backlog"
SPRINT = "sprint"
SPRINT_STATUSES = ("planned", "active", "completed")
TASK_COMPLETED = 5


def utcnow() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class UserRecord:
    """A portal user."""

    id: int
    name: str
    last_name: str = ""
    email: str = ""
    active: bool = True


@dataclass
class WebhookRecord:
    """An incoming webhook: owner, code and granted scopes."""

    code: str
    user_id: int
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class GroupRecord:
    """A workgroup; a scrum when ``scrum_master_id`` is non-zero."""

    id: int
    name: str
    owner_id: int
    scrum_master_id: int
    members: set[int]
    date_create: datetime
    description: str = ""

    @property
    def is_scrum(self) -> bool:
        """True for a scrum group."""
        return self.scrum_master_id != 0


@dataclass
class EntityRecord:
    """A scrum entity: the backlog or a sprint (one id space)."""

    id: int
    group_id: int
    entity_type: str
    name: str = ""
    status: str = ""
    sort: int = 0
    created_by: int = 0
    modified_by: int = 0
    date_start: datetime | None = None
    date_end: datetime | None = None
    goal: str = ""


@dataclass
class EpicRecord:
    """A scrum epic."""

    id: int
    group_id: int
    name: str
    description: str = ""
    color: str = ""
    created_by: int = 0
    modified_by: int = 0


@dataclass
class TaskRecord:
    """An ordinary task (``tasks.task.*``)."""

    id: int
    title: str
    group_id: int
    responsible_id: int
    created_by: int
    status: int = 2
    description: str = ""
    created_date: datetime = field(default_factory=utcnow)
    changed_date: datetime = field(default_factory=utcnow)


@dataclass
class ScrumItemRecord:
    """The scrum item attached to a task."""

    entity_id: int
    story_points: str = ""
    epic_id: int = 0
    sort: int = 0
    sort_float: float = 0.0
    created_by: int = 0
    modified_by: int = 0


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request that reached ``/rest/``."""

    method: str
    sub_methods: tuple[str, ...]
    user_id: int | None
    status: int
