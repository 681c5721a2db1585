"""`/new`: a task created in the chat's Scrum, in the backlog or a sprint, with story points."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.creation import Created
from bot.core.errors import TrackerError
from bot.core.grammar import MoveTarget, TargetKind
from bot.core.grammar_new import NewTask
from bot.core.matching import resolve_destination
from bot.core.model import Change, ItemChanges
from bot.services.catalog import ScrumCatalog
from bot.services.context import Actor, require_actor
from bot.services.ports import Clock, Tracker, UnitOfWork, UnitOfWorkFactory


@dataclass
class NewTasks:
    """Create a task as the member (who becomes responsible), then place it in the Scrum."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog
    clock: Clock

    async def create(self, chat_id: int, user_id: int, cmd: NewTask) -> Created:
        """The sprint is resolved first, so a wrong name creates nothing; creation never repeats.

        When the task is created but placing it fails, the outcome says so (with its id).
        """
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            target = cmd.target or MoveTarget(TargetKind.BACKLOG)
            _, dest = await self.catalog.resolve(
                uow, actor, lambda s: resolve_destination(s, target))
            credential = actor.member.credential
            info = await self.tracker.create_task(
                credential, actor.chat.group_id, cmd.title, credential.user_id)
            changes = ItemChanges(entity_id=dest.entity_id, story_points=cmd.points,
                                  created_by=credential.user_id)
            try:
                await self.tracker.update_item(credential, info.id, changes, create=True)
            except TrackerError as error:
                await self._record(uow, actor, info.id, dest.name, error.code)
                await uow.commit()
                return Created(info, dest.name, cmd.points, error)
            await self._record(uow, actor, info.id, dest.name, None)
            await uow.commit()
        return Created(info, dest.name, cmd.points)

    async def _record(
        self, uow: UnitOfWork, actor: Actor, task_id: int, place: str, error: str | None
    ) -> None:
        await uow.changes.add(Change(
            at=self.clock(), chat_id=actor.chat.chat_id, telegram_user_id=actor.member.telegram_id,
            portal=actor.chat.portal, bitrix_user_id=actor.member.credential.user_id,
            task_id=task_id, field="created", old_value=None, new_value=place,
            outcome="error" if error else "ok", error_code=error,
        ))
