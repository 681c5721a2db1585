"""In-memory fakes of the ports: a tiny Bitrix24 portal, a store with units of work, a clock.

No mocks and no patching: the use cases run against these exactly as against the adapters,
and tests look at what the portal holds (`FakeTracker.items`) or what the store committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Generic, Self, TypeVar

from bot.core.buttons import Keyboard
from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    EntityNotFound,
    EpicNotFound,
    GroupNotFound,
    ItemNotCreated,
    NotInScrum,
    TaskNotFound,
    TrackerError,
)
from bot.core.model import (
    Change,
    ChatBinding,
    Credential,
    Epic,
    ItemChanges,
    ItemWrite,
    Member,
    PortalUser,
    ScrumGroup,
    ScrumItem,
    ScrumSnapshot,
    Sprint,
    TaskInfo,
    TaskState,
)
from bot.services.ports import (
    ButtonStore,
    ChangeLog,
    ChatRepository,
    MemberRepository,
    ScrumCacheRepository,
    UnitOfWork,
)

PORTAL = "https://team.bitrix24.com"
NOT_ALLOWED = "Action on the task is not allowed"  # `tasks.task.add|update` refusing a member
K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


class FixedClock:
    """A clock that stands still until a test moves it on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class FakeGroup:
    """A workgroup: a Scrum when it has a scrum master (and then a backlog)."""

    id: int
    name: str
    scrum_master_id: int
    members: set[int]
    backlog_id: int | None = None


@dataclass
class FakeTracker:
    """The `Tracker` port over an in-memory portal; `calls` lists every port call in order."""

    clock: FixedClock
    users: dict[int, PortalUser] = field(default_factory=dict)
    webhooks: dict[tuple[str, str], int] = field(default_factory=dict)  # (portal, secret) → user
    groups: dict[int, FakeGroup] = field(default_factory=dict)
    sprints: dict[int, tuple[int, Sprint]] = field(default_factory=dict)  # id → (group, sprint)
    epics: dict[int, tuple[int, Epic]] = field(default_factory=dict)  # id → (group, epic)
    tasks: dict[int, TaskInfo] = field(default_factory=dict)
    items: dict[int, ScrumItem] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    faults: dict[str, TrackerError] = field(default_factory=dict)  # call → raised once, whole

    # -- building the portal -------------------------------------------------------------

    def add_user(self, user_id: int, name: str, secret: str, portal: str = PORTAL) -> Credential:
        self.users[user_id] = PortalUser(user_id, name)
        self.webhooks[(portal, secret)] = user_id
        return Credential(portal, user_id, secret)

    def add_group(self, group: FakeGroup) -> None:
        self.groups[group.id] = group

    def add_sprint(self, group_id: int, sprint: Sprint) -> None:
        self.sprints[sprint.id] = (group_id, sprint)

    def add_epic(self, group_id: int, epic: Epic) -> None:
        self.epics[epic.id] = (group_id, epic)

    def add_task(self, info: TaskInfo, item: ScrumItem | None = None) -> None:
        self.tasks[info.id] = info
        if item is not None:
            self.items[info.id] = item

    def snapshot(self, group_id: int) -> ScrumSnapshot:
        """What `load_scrum` answers now, without counting a call (for warming a cache)."""
        backlog_id = self.groups[group_id].backlog_id
        if backlog_id is None:
            raise GroupNotFound("0", "Backlog not found")
        return ScrumSnapshot(
            group_id=group_id,
            backlog_id=backlog_id,
            sprints=tuple(s for g, s in self.sprints.values() if g == group_id),
            epics=tuple(e for g, e in self.epics.values() if g == group_id),
            fetched_at=self.clock(),
        )

    # -- the Tracker port -----------------------------------------------------------------

    async def current_user(self, credential: Credential) -> PortalUser:
        self.calls.append("current_user")
        return self.users[self._caller(credential)]

    async def find_group(self, credential: Credential, ref: str) -> ScrumGroup:
        self.calls.append("find_group")
        caller = self._caller(credential)
        ref = ref.strip()
        found = next(
            (g for g in self.groups.values()
             if (str(g.id) == ref if ref.isdigit() else g.name.casefold() == ref.casefold())),
            None,
        )
        if found is None or not self._sees(caller, found.id):
            raise GroupNotFound("0", "Group not found")
        return ScrumGroup(found.id, found.name, found.scrum_master_id)

    async def load_scrum(self, credential: Credential, group_id: int) -> ScrumSnapshot:
        self.calls.append("load_scrum")
        caller = self._caller(credential)
        if group_id not in self.groups:
            raise GroupNotFound("0", "Group not found")
        if not self._sees(caller, group_id):
            raise AccessDenied("0", "Access denied")
        return self.snapshot(group_id)

    async def read_task(self, credential: Credential, task_id: int) -> TaskState:
        self.calls.append("read_task")
        info = self._task(self._caller(credential), task_id)
        return TaskState(info, self.items.get(task_id))

    async def read_tasks(
        self, credential: Credential, task_ids: Sequence[int]
    ) -> list[TaskState | TrackerError]:
        """Each task as `read_task` sees it; a task's failure is returned in its place."""
        self.calls.append("read_tasks")
        self._fault("read_tasks")
        caller = self._caller(credential)
        results: list[TaskState | TrackerError] = []
        for task_id in task_ids:
            try:
                results.append(TaskState(self._task(caller, task_id), self.items.get(task_id)))
            except TrackerError as error:
                results.append(error)
        return results

    async def update_item(
        self, credential: Credential, task_id: int, changes: ItemChanges, *, create: bool = False
    ) -> TaskState:
        self.calls.append("update_item")
        if not changes.as_fields():
            raise ValueError("update_item needs at least one field to change")
        return self._write(self._caller(credential), task_id, changes, create)

    async def update_items(
        self, credential: Credential, writes: Sequence[ItemWrite]
    ) -> list[TaskState | TrackerError]:
        """Each write on its own: a task's failure is returned in its place, never raised."""
        self.calls.append("update_items")
        self._fault("update_items")
        if any(not w.changes.as_fields() for w in writes):
            raise ValueError("update_items needs at least one field to change per task")
        caller = self._caller(credential)
        results: list[TaskState | TrackerError] = []
        for write in writes:
            try:
                results.append(self._write(caller, write.task_id, write.changes, write.create))
            except TrackerError as error:
                results.append(error)
        return results

    async def create_task(
        self, credential: Credential, group_id: int, title: str, responsible_id: int
    ) -> TaskInfo:
        """A new task (no Scrum item) in a group the caller belongs to."""
        self.calls.append("create_task")
        caller = self._caller(credential)
        if group_id not in self.groups or not self._sees(caller, group_id):
            raise AccessDenied("0", NOT_ALLOWED)
        person = self.users.get(responsible_id)
        info = TaskInfo(
            id=max(self.tasks, default=0) + 1, title=title, status=2,
            responsible=person.name if person else f"User {responsible_id}", group_id=group_id,
        )  # fmt: skip
        self.tasks[info.id] = info
        return info

    async def move_to_group(self, credential: Credential, task_id: int, group_id: int) -> None:
        """The task joins another group; its old Scrum item stays behind (like the portal)."""
        self.calls.append("move_to_group")
        caller = self._caller(credential)
        info = self.tasks.get(task_id)
        visible = info is not None and (not info.group_id or self._sees(caller, info.group_id))
        joined = group_id in self.groups and self._sees(caller, group_id)
        if info is None or not visible or not joined:
            raise AccessDenied("0", NOT_ALLOWED)  # what `tasks.task.update` says to all three
        self.tasks[task_id] = replace(info, group_id=group_id)

    def _write(self, caller: int, task_id: int, changes: ItemChanges, create: bool) -> TaskState:
        """One item write with the portal's checks; the state before it."""
        info = self._task(caller, task_id)
        old = self.items.get(task_id)
        if old is None and not create:
            raise NotInScrum("0", "Task not found", task=info)
        if create and (changes.entity_id is None or changes.created_by is None):
            raise ItemNotCreated("0", "Item not created")
        if changes.entity_id is not None:
            self._check_entity(caller, info, changes.entity_id)
        if changes.epic_id and changes.epic_id not in self.epics:
            raise EpicNotFound("0", "Epic not found")
        base = old or ScrumItem(entity_id=0, story_points="", epic_id=0, sort=0,
                                group_id=info.group_id)
        self.items[task_id] = replace(
            base,
            entity_id=_keep(changes.entity_id, base.entity_id),
            story_points=_keep(changes.story_points, base.story_points),
            epic_id=_keep(changes.epic_id, base.epic_id),
            sort=_keep(changes.sort, base.sort),
        )
        return TaskState(info, None if create else old)

    # -- the portal's rules ---------------------------------------------------------------

    def _fault(self, call: str) -> None:
        """A request-level failure a test set up for this call (rate limit, portal down)."""
        if call in self.faults:
            raise self.faults.pop(call)

    def _caller(self, credential: Credential) -> int:
        user_id = self.webhooks.get((credential.portal, credential.secret))
        if user_id is None:
            raise CredentialsRejected("INVALID_CREDENTIALS", "Invalid request credentials")
        return user_id

    def _sees(self, user_id: int, group_id: int) -> bool:
        group = self.groups[group_id]
        return user_id in group.members or user_id == group.scrum_master_id

    def _task(self, caller: int, task_id: int) -> TaskInfo:
        info = self.tasks.get(task_id)
        if info is None:
            raise TaskNotFound("0", "Task not found")
        if info.group_id and not self._sees(caller, info.group_id):
            raise AccessDenied("0", "Access denied")
        return info

    def _check_entity(self, caller: int, info: TaskInfo, entity_id: int) -> None:
        group_id = next((g.id for g in self.groups.values() if g.backlog_id == entity_id), None)
        if group_id is None and entity_id in self.sprints:
            group_id = self.sprints[entity_id][0]
        if group_id is None:
            raise EntityNotFound("0", "Entity not found")
        if not self._sees(caller, group_id):
            raise AccessDenied("0", "Access denied")
        if group_id != info.group_id:  # the adapter reports this one as NotInScrum
            raise NotInScrum("0", "Task not found. The task must be in the project of the entity",
                             task=info)


def _keep(new: T | None, old: T) -> T:
    """An `ItemChanges` field: None leaves the stored value as it is."""
    return old if new is None else new


# -- the store ---------------------------------------------------------------------------

_GONE = object()  # a pending delete


@dataclass
class InMemoryStore:
    """The database: what committed units of work left behind, shared by all of them."""

    members: dict[int, Member] = field(default_factory=dict)
    chats: dict[int, ChatBinding] = field(default_factory=dict)
    scrum_cache: dict[tuple[str, int], ScrumSnapshot] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    buttons: dict[str, Keyboard] = field(default_factory=dict)
    commits: int = 0
    rollbacks: int = 0

    def unit_of_work(self) -> UnitOfWork:
        """The `UnitOfWorkFactory` the use cases are given."""
        return InMemoryUnitOfWork(self)


class _Table(Generic[K, V]):
    """One table as a unit of work sees it: its own pending writes over the committed rows."""

    def __init__(self, committed: dict[K, V]) -> None:
        self.committed = committed
        self.pending: dict[K, object] = {}

    def get(self, key: K) -> V | None:
        if key in self.pending:
            value = self.pending[key]
            return None if value is _GONE else value  # type: ignore[return-value]
        return self.committed.get(key)

    def put(self, key: K, value: V) -> None:
        self.pending[key] = value

    def delete(self, key: K) -> bool:
        existed = self.get(key) is not None
        self.pending[key] = _GONE
        return existed

    def commit(self) -> None:
        for key, value in self.pending.items():
            if value is _GONE:
                self.committed.pop(key, None)
            else:
                self.committed[key] = value  # type: ignore[assignment]
        self.pending.clear()


class InMemoryMembers:
    def __init__(self, table: _Table[int, Member]) -> None:
        self._table = table

    async def get(self, telegram_id: int) -> Member | None:
        return self._table.get(telegram_id)

    async def save(self, member: Member) -> None:
        self._table.put(member.telegram_id, member)

    async def delete(self, telegram_id: int) -> bool:
        return self._table.delete(telegram_id)


class InMemoryChats:
    def __init__(self, table: _Table[int, ChatBinding]) -> None:
        self._table = table

    async def get(self, chat_id: int) -> ChatBinding | None:
        return self._table.get(chat_id)

    async def save(self, binding: ChatBinding) -> None:
        self._table.put(binding.chat_id, binding)

    async def delete(self, chat_id: int) -> bool:
        return self._table.delete(chat_id)


class InMemoryScrumCache:
    def __init__(self, table: _Table[tuple[str, int], ScrumSnapshot]) -> None:
        self._table = table

    async def get(self, portal: str, group_id: int) -> ScrumSnapshot | None:
        return self._table.get((portal, group_id))

    async def save(self, portal: str, snapshot: ScrumSnapshot) -> None:
        self._table.put((portal, snapshot.group_id), snapshot)


class InMemoryChangeLog:
    """The audit log: rows get ids as they are added; undo marks wait for the commit."""

    def __init__(self, committed: list[Change]) -> None:
        self.committed = committed
        self.pending: list[Change] = []
        self.pending_undone: set[int] = set()

    async def add(self, change: Change) -> None:
        self.pending.append(replace(change, id=len(self.committed) + len(self.pending) + 1))

    async def add_many(self, changes: Sequence[Change]) -> None:
        for change in changes:
            await self.add(change)

    async def for_task(
        self, portal: str, chat_id: int, task_id: int, limit: int = 20
    ) -> list[Change]:
        rows = [c for c in self._rows()
                if (c.portal, c.chat_id, c.task_id) == (portal, chat_id, task_id)]
        return rows[::-1][:limit]

    async def batch(self, key: str) -> list[Change]:
        return [c for c in self._rows() if key and c.batch == key]

    async def last_batch(self, chat_id: int, telegram_user_id: int) -> str | None:
        rows = [c for c in self._rows()
                if (c.chat_id, c.telegram_user_id) == (chat_id, telegram_user_id)
                and c.outcome == "ok" and not c.undone and c.undo_of is None
                and c.old_raw is not None and c.old_raw != c.new_raw and c.batch]
        return rows[-1].batch if rows else None

    async def mark_undone(self, change_ids: Sequence[int]) -> None:
        self.pending_undone.update(change_ids)

    def _rows(self) -> list[Change]:
        return [replace(c, undone=True) if c.id in self.pending_undone else c
                for c in self.committed + self.pending]

    def commit(self) -> None:
        self.committed[:] = self._rows()
        self.pending.clear()
        self.pending_undone.clear()


class InMemoryButtons:
    def __init__(self, table: _Table[str, Keyboard]) -> None:
        self._table = table

    async def save(self, keyboard: Keyboard) -> None:
        for key in [k for k, v in self._table.committed.items()
                    if v.expires_at < keyboard.created_at]:
            self._table.delete(key)
        self._table.put(keyboard.key, keyboard)

    async def get(self, key: str) -> Keyboard | None:
        return self._table.get(key)

    async def attach(self, key: str, message_id: int) -> None:
        keyboard = self._table.get(key)
        if keyboard is not None:
            self._table.put(key, replace(keyboard, message_id=message_id))

    async def claim(self, key: str) -> bool:
        return self._table.delete(key)


class InMemoryUnitOfWork:
    """One session: writes stay pending until `commit`; leaving without it discards them."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self._members = _Table(store.members)
        self._chats = _Table(store.chats)
        self._cache = _Table(store.scrum_cache)
        self._log = InMemoryChangeLog(store.changes)
        self._buttons = _Table(store.buttons)
        self.members: MemberRepository = InMemoryMembers(self._members)
        self.chats: ChatRepository = InMemoryChats(self._chats)
        self.scrum_cache: ScrumCacheRepository = InMemoryScrumCache(self._cache)
        self.changes: ChangeLog = self._log
        self.buttons: ButtonStore = InMemoryButtons(self._buttons)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        for table in (self._members, self._chats, self._cache, self._log, self._buttons):
            table.commit()
        self.store.commits += 1

    async def rollback(self) -> None:
        tables = (self._members, self._chats, self._cache, self._buttons)
        if any(t.pending for t in tables) or self._log.pending or self._log.pending_undone:
            self.store.rollbacks += 1
        for table in tables:
            table.pending.clear()
        self._log.pending.clear()
        self._log.pending_undone.clear()
