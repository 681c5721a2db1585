"""The portal's data and the seeding operations behind the control API."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .records import (
    BACKLOG,
    SPRINT,
    SPRINT_STATUSES,
    EntityRecord,
    EpicRecord,
    GroupRecord,
    ScrumItemRecord,
    TaskRecord,
    UserRecord,
    WebhookRecord,
    utcnow,
)

DEFAULT_SCOPES = ("task", "sonet_group", "socialnetwork", "user")


@dataclass
class PortalState:
    """Everything the emulated portal stores."""

    users: dict[int, UserRecord] = field(default_factory=dict)
    webhooks: dict[str, WebhookRecord] = field(default_factory=dict)
    groups: dict[int, GroupRecord] = field(default_factory=dict)
    entities: dict[int, EntityRecord] = field(default_factory=dict)
    epics: dict[int, EpicRecord] = field(default_factory=dict)
    tasks: dict[int, TaskRecord] = field(default_factory=dict)
    items: dict[int, ScrumItemRecord] = field(default_factory=dict)
    created: list[int] = field(default_factory=list)  # ids of tasks added through the REST API

    def add_user(self, name: str, last_name: str = "") -> int:
        """Create a user; ids count from 1."""
        user_id = len(self.users) + 1
        email = f"{name.lower() or 'user'}{user_id}@example.com"
        self.users[user_id] = UserRecord(user_id, name, last_name, email)
        return user_id

    def add_webhook(self, user_id: int, scopes: Iterable[str] = DEFAULT_SCOPES) -> str:
        """Create an incoming webhook for a user and return its code."""
        self._require_user(user_id)
        code = secrets.token_hex(8)
        self.webhooks[code] = WebhookRecord(code, user_id, frozenset(scopes))
        return code

    def add_group(
        self, name: str, owner_id: int, scrum_master_id: int, members: Iterable[int]
    ) -> int:
        """Create a group; a scrum (with a backlog) when it has a scrum master."""
        self._require_user(owner_id)
        group_id = len(self.groups) + 1
        people = {owner_id, *members} | ({scrum_master_id} if scrum_master_id else set())
        self.groups[group_id] = GroupRecord(
            group_id, name, owner_id, scrum_master_id, people, utcnow()
        )
        if scrum_master_id:
            entity = EntityRecord(self._next_entity_id(), group_id, BACKLOG)
            entity.created_by = entity.modified_by = owner_id
            self.entities[entity.id] = entity
        return group_id

    def add_sprint(
        self,
        group_id: int,
        name: str,
        status: str,
        sort: int,
        date_start: datetime | None,
        date_end: datetime | None,
    ) -> int:
        """Create a sprint in a group."""
        group = self.group(group_id)
        if status not in SPRINT_STATUSES:
            raise ValueError(f"bad sprint status {status!r}")
        start = date_start or utcnow()
        sprint = EntityRecord(
            self._next_entity_id(), group_id, SPRINT, name, status, sort,
            group.owner_id, group.owner_id, start, date_end or start + timedelta(days=14),
        )  # fmt: skip
        self.entities[sprint.id] = sprint
        return sprint.id

    def add_epic(self, group_id: int, name: str, description: str, color: str) -> int:
        """Create an epic in a group."""
        group = self.group(group_id)
        epic_id = max(self.epics, default=0) + 1
        self.epics[epic_id] = EpicRecord(
            epic_id, group_id, name, description, color, group.owner_id, 0
        )
        return epic_id

    def add_task(self, task: TaskRecord, item: ScrumItemRecord | None) -> int:
        """Store a task (its id is assigned here) and optionally its scrum item."""
        self._require_user(task.responsible_id)
        task.id = max(self.tasks, default=0) + 1
        if item is not None:
            self.entity(item.entity_id)
            self.items[task.id] = item
        self.tasks[task.id] = task
        return task.id

    # -- queries -------------------------------------------------------------

    def group(self, group_id: int) -> GroupRecord:
        """Return a group or raise KeyError."""
        return self.groups[group_id]

    def entity(self, entity_id: int) -> EntityRecord:
        """Return a backlog/sprint or raise KeyError."""
        return self.entities[entity_id]

    def is_member(self, user_id: int, group_id: int) -> bool:
        """True if the user belongs to the group (``canReadGroupTasks``)."""
        group = self.groups.get(group_id)
        return group is not None and user_id in group.members

    def can_read_task(self, user_id: int, task: TaskRecord) -> bool:
        """True if the user may see the task."""
        if user_id in (task.responsible_id, task.created_by):
            return True
        return bool(task.group_id) and self.is_member(user_id, task.group_id)

    def backlog_of(self, group_id: int) -> EntityRecord | None:
        """The group's backlog, if any."""
        return next(
            (e for e in self.entities.values()
             if e.group_id == group_id and e.entity_type == BACKLOG),
            None,
        )  # fmt: skip

    def active_sprint(self, group_id: int) -> EntityRecord | None:
        """The group's active sprint, if any."""
        return next(
            (e for e in self.entities.values()
             if e.group_id == group_id and e.entity_type == SPRINT and e.status == "active"),
            None,
        )  # fmt: skip

    def _next_entity_id(self) -> int:
        return max(self.entities, default=0) + 1

    def _require_user(self, user_id: int) -> None:
        if user_id not in self.users:
            raise KeyError(f"no user {user_id}")
