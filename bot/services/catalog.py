"""The cached store of a Scrum's backlog, sprints and epics, refreshed when stale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from bot.core.errors import NameNotFound
from bot.core.model import ScrumSnapshot
from bot.services.context import Actor
from bot.services.ports import Clock, Tracker, UnitOfWork

T = TypeVar("T")


@dataclass
class ScrumCatalog:
    """Reads the snapshot from the database; reloads from Bitrix24 when older than `ttl`."""

    tracker: Tracker
    clock: Clock
    ttl: timedelta = timedelta(minutes=10)

    async def reload(self, uow: UnitOfWork, actor: Actor) -> ScrumSnapshot:
        """Fetch the Scrum afresh, as the actor, and store it at once (committed).

        The commit ends the write transaction before the caller's Bitrix24 writes: SQLite
        would otherwise hold its one write lock (other chats' commits wait) through them.
        Callers reload before writing anything else, so nothing of theirs is committed early.
        """
        snapshot = await self.tracker.load_scrum(actor.member.credential, actor.chat.group_id)
        await uow.scrum_cache.save(actor.chat.portal, snapshot)
        await uow.commit()
        return snapshot

    async def snapshot(self, uow: UnitOfWork, actor: Actor) -> tuple[ScrumSnapshot, bool]:
        """The cached snapshot when fresh, else a reloaded one; the flag says it was reloaded."""
        cached = await uow.scrum_cache.get(actor.chat.portal, actor.chat.group_id)
        if cached is not None and self.clock() - cached.fetched_at < self.ttl:
            return cached, False
        return await self.reload(uow, actor), True

    async def resolve(
        self, uow: UnitOfWork, actor: Actor, pick: Callable[[ScrumSnapshot], T]
    ) -> tuple[ScrumSnapshot, T]:
        """Apply `pick` to the snapshot; on a name not found, reload once and try again.

        A reload is kept (committed) even when the name is still not found, so the next
        command, and `/sprints`, see what Bitrix24 has now.
        """
        snapshot, reloaded = await self.snapshot(uow, actor)
        try:
            return snapshot, pick(snapshot)
        except NameNotFound:
            if not reloaded:
                snapshot = await self.reload(uow, actor)
        return snapshot, pick(snapshot)
