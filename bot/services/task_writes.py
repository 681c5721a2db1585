"""Use cases that change a task's Scrum item: story points, sprint, epic, rank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.errors import NotInScrum, TrackerError
from bot.core.grammar import MoveTask, SetEpic, SetPoints, SetRank
from bot.core.matching import resolve_destination, resolve_epic
from bot.core.model import Change, ItemChanges, ScrumItem, ScrumSnapshot, TaskState
from bot.core.outcomes import FieldChanged
from bot.services.catalog import ScrumCatalog
from bot.services.context import Actor, require_actor
from bot.services.ports import Clock, Tracker, UnitOfWork, UnitOfWorkFactory

NO_VALUE = "—"


def _points(item: ScrumItem) -> str:
    return item.story_points or NO_VALUE


def place_name(snapshot: ScrumSnapshot, entity_id: int) -> str:
    """The backlog's or a sprint's name, or its id when the cache does not know it."""
    return snapshot.entity_name(entity_id) or f"entity {entity_id}"


def epic_name(snapshot: ScrumSnapshot, epic_id: int) -> str:
    if epic_id == 0:
        return "no epic"
    return snapshot.epic_name(epic_id) or f"epic {epic_id}"


@dataclass(frozen=True)
class _Write:
    """One field written to one task: what to send and how to describe old and new."""

    task_id: int
    field: str
    changes: ItemChanges
    after: str
    describe: Callable[[ScrumItem], str]


@dataclass
class TaskWrites:
    """Set story points, move, set the epic or rank, as the member who asked."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog
    clock: Clock

    async def set_points(self, chat_id: int, user_id: int, cmd: SetPoints) -> FieldChanged:
        """`/sp 42 8`: no cache needed, one Bitrix24 request."""
        return await self._write(chat_id, user_id, _Write(
            cmd.task, "story points", ItemChanges(story_points=cmd.points),
            cmd.points or NO_VALUE, _points))

    async def move(self, chat_id: int, user_id: int, cmd: MoveTask) -> FieldChanged:
        """`/move 42 sprint-3`: resolve the target in the cache, then one request."""

        def plan(snapshot: ScrumSnapshot) -> _Write:
            dest = resolve_destination(snapshot, cmd.target)
            return _Write(cmd.task, "moved", ItemChanges(entity_id=dest.entity_id), dest.name,
                          lambda item: place_name(snapshot, item.entity_id))

        return await self._write(chat_id, user_id, plan)

    async def set_epic(self, chat_id: int, user_id: int, cmd: SetEpic) -> FieldChanged:
        """`/epic 42 Payments` or `/epic 42 none`."""

        def plan(snapshot: ScrumSnapshot) -> _Write:
            epic = resolve_epic(snapshot, cmd.epic)
            return _Write(cmd.task, "epic", ItemChanges(epic_id=epic.id), epic.name,
                          lambda item: epic_name(snapshot, item.epic_id))

        return await self._write(chat_id, user_id, plan)

    async def set_rank(self, chat_id: int, user_id: int, cmd: SetRank) -> FieldChanged:
        """`/rank 42 100`: the item's sort order."""
        return await self._write(chat_id, user_id, _Write(
            cmd.task, "rank", ItemChanges(sort=cmd.sort), str(cmd.sort),
            lambda item: str(item.sort)))

    async def _write(
        self, chat_id: int, user_id: int, plan: _Write | Callable[[ScrumSnapshot], _Write]
    ) -> FieldChanged:
        """Who and where; a plan that names sprints or epics is resolved in the cache first."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            if isinstance(plan, _Write):
                return await self._apply(uow, actor, plan)
            _, write = await self.catalog.resolve(uow, actor, plan)
            return await self._apply(uow, actor, write)

    async def _apply(self, uow: UnitOfWork, actor: Actor, write: _Write) -> FieldChanged:
        """Write, record the change in the audit log (success or failure), commit once."""
        try:
            before = await self._update(uow, actor, write)
        except TrackerError as error:
            await self._record(uow, actor, write, None, error.code)
            await uow.commit()
            raise
        old = write.describe(before.item) if before.item else NO_VALUE
        await self._record(uow, actor, write, old, None)
        await uow.commit()
        return FieldChanged(write.task_id, before.info.title, write.field, old, write.after)

    async def _update(self, uow: UnitOfWork, actor: Actor, write: _Write) -> TaskState:
        """The scrum update; a task of this Scrum that is not an item yet joins the backlog."""
        credential = actor.member.credential
        try:
            return await self.tracker.update_item(credential, write.task_id, write.changes)
        except NotInScrum as error:
            if error.task is None or error.task.group_id != actor.chat.group_id:
                raise
        entity = write.changes.entity_id
        if entity is None:
            entity = (await self.catalog.snapshot(uow, actor))[0].backlog_id
        changes = replace(write.changes, entity_id=entity, created_by=credential.user_id)
        return await self.tracker.update_item(credential, write.task_id, changes, create=True)

    async def _record(
        self, uow: UnitOfWork, actor: Actor, write: _Write, old: str | None, error: str | None
    ) -> None:
        await uow.changes.add(Change(
            at=self.clock(), chat_id=actor.chat.chat_id, telegram_user_id=actor.member.telegram_id,
            portal=actor.chat.portal, bitrix_user_id=actor.member.credential.user_id,
            task_id=write.task_id, field=write.field, old_value=old, new_value=write.after,
            outcome="error" if error else "ok", error_code=error,
        ))
