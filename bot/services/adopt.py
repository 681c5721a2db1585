"""Adopting a task of another project: it joins the chat's Scrum, in the backlog or a sprint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import render_buttons as rb
from bot.core.buttons import Keyboard
from bot.core.creation import Adopted, AdoptOffer
from bot.core.errors import TrackerError
from bot.core.grammar import MoveTarget, TargetKind, parse_target
from bot.core.matching import resolve_destination
from bot.core.model import Change, ItemChanges, TaskInfo
from bot.services.buttons import Buttons
from bot.services.catalog import ScrumCatalog
from bot.services.context import Actor, require_actor
from bot.services.ports import Clock, Tracker, UnitOfWork, UnitOfWorkFactory


def target_of(words: Sequence[str]) -> MoveTarget:
    """Where an adopted task goes: the words typed with the command, else the backlog."""
    return parse_target(words) if " ".join(words).strip() else MoveTarget(TargetKind.BACKLOG)


@dataclass
class Adopt:
    """Offer to move a task of another project into the chat's Scrum, and do it on confirm."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog
    buttons: Buttons
    clock: Clock

    async def offer(
        self, chat_id: int, user_id: int, task: TaskInfo, target_text: str
    ) -> tuple[Keyboard, AdoptOffer]:
        """The question with its [Move into <Scrum>] [Cancel] buttons, for anyone in the chat."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            try:
                group = await self.tracker.find_group(actor.member.credential, str(task.group_id))
                project: str | None = group.name
            except TrackerError:
                project = None  # the member cannot see that project; say "another project"
            offer = AdoptOffer(task, project, actor.chat.group_name)
            keyboard = await self.buttons.save(uow, chat_id, rb.adopt_rows(offer, target_text))
            await uow.commit()
        return keyboard, offer

    async def adopt(
        self, chat_id: int, user_id: int, task_id: int, target_words: Sequence[str]
    ) -> Adopted:
        """Move the task into the chat's group, then make it a Scrum item where asked."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            target = target_of(target_words)
            _, dest = await self.catalog.resolve(
                uow, actor, lambda s: resolve_destination(s, target))
            credential = actor.member.credential
            await self.tracker.move_to_group(credential, task_id, actor.chat.group_id)
            changes = ItemChanges(entity_id=dest.entity_id, created_by=credential.user_id)
            try:
                before = await self.tracker.update_item(credential, task_id, changes, create=True)
            except TrackerError as error:
                await self._record(uow, actor, task_id, dest.name, error.code)
                await uow.commit()
                return Adopted(task_id, None, dest.name, error)
            await self._record(uow, actor, task_id, dest.name, None)
            await uow.commit()
        return Adopted(task_id, before.info.title, dest.name)

    async def _record(
        self, uow: UnitOfWork, actor: Actor, task_id: int, place: str, error: str | None
    ) -> None:
        await uow.changes.add(Change(
            at=self.clock(), chat_id=actor.chat.chat_id, telegram_user_id=actor.member.telegram_id,
            portal=actor.chat.portal, bitrix_user_id=actor.member.credential.user_id,
            task_id=task_id, field="adopted", old_value=None, new_value=place,
            outcome="error" if error else "ok", error_code=error,
        ))
