"""The ports the use cases need: the tracker (Bitrix24) and the store (database).

Adapters implement these protocols; use cases receive them from the composition root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.core.model import (
    Change,
    ChatBinding,
    Credential,
    ItemChanges,
    Member,
    PortalUser,
    ScrumGroup,
    ScrumSnapshot,
    TaskState,
)


class Tracker(Protocol):
    """Bitrix24 as the use cases see it; every call runs as the given member's credential.

    Errors are raised as `bot.core.errors.TrackerError` subclasses, never as HTTP errors.
    """

    async def current_user(self, credential: Credential) -> PortalUser:
        """`user.current`: who the webhook belongs to."""
        ...

    async def find_group(self, credential: Credential, ref: str) -> ScrumGroup:
        """A workgroup by id (digits) or exact name (case-insensitive); GroupNotFound if none."""
        ...

    async def load_scrum(self, credential: Credential, group_id: int) -> ScrumSnapshot:
        """Backlog id, all sprints and all epics of a Scrum, in as few requests as possible."""
        ...

    async def read_task(self, credential: Credential, task_id: int) -> TaskState:
        """The task's fields and its Scrum item, in one request; TaskNotFound if invisible."""
        ...

    async def update_item(
        self, credential: Credential, task_id: int, changes: ItemChanges, *, create: bool = False
    ) -> TaskState:
        """Write `changes` to the task's Scrum item and return the state read just before.

        One request: reads and the write ride in one `batch` that halts on the first error.
        With `create=False` a task without a Scrum item raises NotInScrum (carrying the task's
        info) and nothing is written; with `create=True` the item is not read (it does not
        exist yet) and `changes` must carry `entity_id` and `created_by`.
        """
        ...


class MemberRepository(Protocol):
    async def get(self, telegram_id: int) -> Member | None: ...

    async def save(self, member: Member) -> None:
        """Insert or replace the member (the credential is encrypted by the adapter)."""
        ...

    async def delete(self, telegram_id: int) -> bool: ...


class ChatRepository(Protocol):
    async def get(self, chat_id: int) -> ChatBinding | None: ...

    async def save(self, binding: ChatBinding) -> None:
        """Insert or replace the binding."""
        ...

    async def delete(self, chat_id: int) -> bool: ...


class ScrumCacheRepository(Protocol):
    async def get(self, portal: str, group_id: int) -> ScrumSnapshot | None: ...

    async def save(self, portal: str, snapshot: ScrumSnapshot) -> None:
        """Replace everything cached for (portal, group) with this snapshot."""
        ...


class ChangeLog(Protocol):
    async def add(self, change: Change) -> None: ...

    async def for_task(self, portal: str, task_id: int, limit: int = 20) -> Sequence[Change]: ...


class UnitOfWork(Protocol):
    """One database session for one use case; `commit` once, rollback on leaving otherwise."""

    members: MemberRepository
    chats: ChatRepository
    scrum_cache: ScrumCacheRepository
    changes: ChangeLog

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]
