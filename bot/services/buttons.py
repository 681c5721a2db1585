"""Inline keyboards: offering pickers, and checking a press before its action runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.core import render_buttons as rb
from bot.core.buttons import (
    ButtonElsewhere,
    ButtonExpired,
    Choice,
    Keyboard,
    NotYourButton,
    Rows,
    new_key,
)
from bot.core.creation import EpicPage, Place
from bot.core.matching import active_sprint, planned_sprints
from bot.core.model import ScrumSnapshot
from bot.services.catalog import ScrumCatalog
from bot.services.context import require_actor
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

DEFAULT_TTL = timedelta(hours=24)


def places(snapshot: ScrumSnapshot) -> tuple[Place, ...]:
    """The backlog, the active sprint and the first planned sprints, in that order."""
    found = [Place(snapshot.backlog_id, "Backlog", is_backlog=True)]
    active = active_sprint(snapshot)
    if active is not None:
        found.append(Place(active.id, active.name))
    found += [Place(s.id, s.name) for s in planned_sprints(snapshot)[:rb.MAX_PLANNED]]
    return tuple(found)


def epic_page(snapshot: ScrumSnapshot, page: int) -> EpicPage:
    """The epics by name, `EPICS_PER_PAGE` at a time; a page past the end shows the last."""
    epics = sorted(snapshot.epics, key=lambda e: (e.name.casefold(), e.id))
    size = rb.EPICS_PER_PAGE
    pages = max(1, -(-len(epics) // size))
    page = min(max(page, 0), pages - 1)
    return EpicPage(tuple(epics[page * size:(page + 1) * size]), page, pages)


@dataclass
class Buttons:
    """Stores keyboards for members of bound chats and lets only such members press them."""

    uow_factory: UnitOfWorkFactory
    catalog: ScrumCatalog
    clock: Clock
    ttl: timedelta = DEFAULT_TTL

    async def offer(
        self, chat_id: int, user_id: int, rows: Rows, owner_id: int | None = None
    ) -> Keyboard:
        """Store a keyboard offered to the member (who must be linked, in a bound chat)."""
        async with self.uow_factory() as uow:
            await require_actor(uow, user_id, chat_id)
            keyboard = await self.save(uow, chat_id, rows, owner_id)
            await uow.commit()
        return keyboard

    async def offer_targets(self, chat_id: int, user_id: int, tasks: Sequence[int]) -> Keyboard:
        """`/move 42`: the backlog, the active sprint and planned sprints, by entity id."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            snapshot, _ = await self.catalog.snapshot(uow, actor)
            keyboard = await self.save(uow, chat_id, rb.target_rows(tasks, places(snapshot)))
            await uow.commit()
        return keyboard

    async def offer_epics(
        self, chat_id: int, user_id: int, tasks: Sequence[int], page: int = 0
    ) -> tuple[Keyboard, EpicPage]:
        """`/epic 42`: one page of epics (◀ ▶), and No epic."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            snapshot, _ = await self.catalog.snapshot(uow, actor)
            shown = epic_page(snapshot, page)
            keyboard = await self.save(uow, chat_id, rb.epic_rows(tasks, shown))
            await uow.commit()
        return keyboard, shown

    async def attach(self, key: str, message_id: int) -> None:
        """Note which message carries the keyboard."""
        async with self.uow_factory() as uow:
            await uow.buttons.attach(key, message_id)
            await uow.commit()

    async def press(self, chat_id: int, user_id: int, key: str, index: int) -> Choice:
        """The pressed button's choice, used up; errors say why the press does nothing."""
        async with self.uow_factory() as uow:
            keyboard = await uow.buttons.get(key)
            choice = keyboard.choice(index) if keyboard is not None else None
            if keyboard is None or choice is None or keyboard.expires_at <= self.clock():
                raise ButtonExpired()
            if keyboard.chat_id != chat_id:
                raise ButtonElsewhere()
            if keyboard.owner_id is not None and keyboard.owner_id != user_id:
                raise NotYourButton()
            await require_actor(uow, user_id, chat_id)
            if not await uow.buttons.claim(key):
                raise ButtonExpired()
            await uow.commit()
        return choice

    async def save(
        self, uow: UnitOfWork, chat_id: int, rows: Rows, owner_id: int | None = None
    ) -> Keyboard:
        """Store a keyboard inside the caller's unit of work (the caller commits)."""
        now = self.clock()
        keyboard = Keyboard(new_key(), chat_id, rows, now, now + self.ttl, owner_id)
        await uow.buttons.save(keyboard)
        return keyboard
