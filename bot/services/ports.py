"""The ports the use cases need: the tracker (Bitrix24) and the store (database).

Adapters implement these protocols; use cases receive them from the composition root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from bot.core.buttons import Keyboard
from bot.core.errors import TrackerError
from bot.core.model import (
    Change,
    ChatBinding,
    Credential,
    ItemChanges,
    ItemWrite,
    Member,
    PortalUser,
    ScrumGroup,
    ScrumSnapshot,
    TaskInfo,
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

    async def read_tasks(
        self, credential: Credential, task_ids: Sequence[int]
    ) -> list[TaskState | TrackerError]:
        """Each task's fields and Scrum item, in order; per-task errors returned, not raised.

        As `read_task` per task (no Scrum item: `item=None`; invisible: `TaskNotFound` or
        `AccessDenied` in its place); request-level failures are raised. Up to 25 tasks cost
        one request, more at most ceil(N/50) + 1.
        """
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

    async def update_items(
        self, credential: Credential, writes: Sequence[ItemWrite]
    ) -> list[TaskState | TrackerError]:
        """Write many items; per task the state read just before, or that task's error (in order).

        A task's own failure is returned in its place (`TaskNotFound`, `AccessDenied`,
        `NotInScrum` carrying the task's info, `EpicNotFound`, ...) and never stops the others;
        request-level failures (`PortalUnavailable`, `CredentialsRejected`, `RateLimited`) are
        raised, except once some writes went through: then each task a later failed request
        left unwritten gets that request's error in its place. Up to 16 writes cost one
        request, more cost at most ceil(N/25) + 1.
        """
        ...

    async def create_task(
        self, credential: Credential, group_id: int, title: str, responsible_id: int
    ) -> TaskInfo:
        """`tasks.task.add` in the group; never repeated blindly (a repeat would duplicate it).

        The new task has no Scrum item; the caller writes `entity_id` and `created_by` next.
        """
        ...

    async def move_to_group(self, credential: Credential, task_id: int, group_id: int) -> None:
        """`tasks.task.update` with GROUP_ID: the task joins another project (workgroup)."""
        ...


class MemberRepository(Protocol):
    async def get(self, telegram_id: int) -> Member | None: ...

    async def save(self, member: Member) -> None:
        """Insert or replace the member (the credential is encrypted by the adapter)."""
        ...

    async def delete(self, telegram_id: int) -> bool: ...


@runtime_checkable
class MemberInChatReader(Protocol):
    """Optional on a `MemberRepository`: the member and a chat's binding in one round trip."""

    async def get_in_chat(
        self, telegram_id: int, chat_id: int
    ) -> tuple[Member | None, ChatBinding | None]: ...


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
    """The audit log: every write the bot tried, grouped by message (`batch`) for undo."""

    async def add(self, change: Change) -> None: ...

    async def add_many(self, changes: Sequence[Change]) -> None:
        """Record one message's changes together."""
        ...

    async def for_task(
        self, portal: str, chat_id: int, task_id: int, limit: int = 20
    ) -> Sequence[Change]:
        """The task's latest changes made through this chat, newest first (with their ids)."""
        ...

    async def batch(self, key: str) -> Sequence[Change]:
        """The changes one message made, in order; empty when the key is unknown."""
        ...

    async def last_batch(self, chat_id: int, telegram_user_id: int) -> str | None:
        """The member's latest batch in the chat that undo could restore, if any."""
        ...

    async def mark_undone(self, change_ids: Sequence[int]) -> None:
        """These changes are undone (or their undo was tried and refused for good)."""
        ...


class ButtonStore(Protocol):
    """Inline keyboards by key: what their buttons do, in which chat, until when."""

    async def save(self, keyboard: Keyboard) -> None:
        """Insert the keyboard; keyboards expired by its `created_at` are pruned."""
        ...

    async def get(self, key: str) -> Keyboard | None: ...

    async def attach(self, key: str, message_id: int) -> None:
        """Note the message that carries the keyboard."""
        ...

    async def claim(self, key: str) -> bool:
        """Delete the keyboard; False when it was already gone (pressed twice, or expired)."""
        ...


class UnitOfWork(Protocol):
    """One database session for one use case; `commit` once, rollback on leaving otherwise."""

    members: MemberRepository
    chats: ChatRepository
    scrum_cache: ScrumCacheRepository
    changes: ChangeLog
    buttons: ButtonStore

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
