"""Use cases that only read: a task's card, the sprints, the epics, a reload of the cache."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import NameNotFound
from bot.core.matching import planned_sprints
from bot.core.model import ScrumSnapshot, SprintStatus, TaskState
from bot.core.outcomes import EpicList, Refreshed, SprintOverview, TaskCard
from bot.services.catalog import ScrumCatalog
from bot.services.context import require_actor
from bot.services.ports import Tracker, UnitOfWorkFactory


def _knows_place(snapshot: ScrumSnapshot, state: TaskState) -> ScrumSnapshot:
    """Raise NameNotFound when a task of this Scrum sits in an entity the cache lacks."""
    item = state.item
    ours = state.info.group_id == snapshot.group_id
    if item is not None and ours and snapshot.entity_name(item.entity_id) is None:
        raise NameNotFound("sprint", str(item.entity_id), ())
    return snapshot


def overview(snapshot: ScrumSnapshot) -> SprintOverview:
    """The active sprint, the planned ones in order, and the last completed one."""
    by_status = {status: [s for s in snapshot.sprints if s.status == status]
                 for status in SprintStatus}
    completed = sorted(by_status[SprintStatus.COMPLETED],
                       key=lambda s: (s.date_end.timestamp() if s.date_end else 0.0, s.id))
    active = by_status[SprintStatus.ACTIVE]
    return SprintOverview(active[0] if active else None, tuple(planned_sprints(snapshot)),
                          completed[-1] if completed else None)


@dataclass
class ScrumReads:
    """`/task`, `/sprints`, `/epics`, `/refresh`."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog

    async def show_task(self, chat_id: int, user_id: int, task_id: int) -> TaskCard:
        """One request for the task; the cache names its sprint and epic."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            state = await self.tracker.read_task(actor.member.credential, task_id)
            try:
                snapshot, _ = await self.catalog.resolve(
                    uow, actor, lambda s: _knows_place(s, state))
            except NameNotFound:
                snapshot, _ = await self.catalog.snapshot(uow, actor)
            await uow.commit()
        item = state.item
        place = snapshot.entity_name(item.entity_id) if item else None
        epic = snapshot.epic_name(item.epic_id) if item and item.epic_id else None
        return TaskCard(state.info, item, place, epic)

    async def sprints(self, chat_id: int, user_id: int) -> SprintOverview:
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            snapshot, _ = await self.catalog.snapshot(uow, actor)
            await uow.commit()
        return overview(snapshot)

    async def epics(self, chat_id: int, user_id: int) -> EpicList:
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            snapshot, _ = await self.catalog.snapshot(uow, actor)
            await uow.commit()
        return EpicList(tuple(sorted(snapshot.epics, key=lambda e: e.name.casefold())))

    async def refresh(self, chat_id: int, user_id: int) -> Refreshed:
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            snapshot = await self.catalog.reload(uow, actor)
            await uow.commit()
        return Refreshed(len(snapshot.sprints), len(snapshot.epics))
