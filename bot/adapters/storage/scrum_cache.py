"""The SQLAlchemy cache of each Scrum's backlog, sprints and epics."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.codec import (
    epics_from_json,
    epics_to_json,
    sprints_from_json,
    sprints_to_json,
)
from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.repositories import upsert
from bot.adapters.storage.tables import ScrumCacheRow, as_utc
from bot.core.model import ScrumSnapshot


class SqlScrumCacheRepository:
    """One snapshot per (portal, Scrum group), replaced whole on every refresh."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, portal: str, group_id: int) -> ScrumSnapshot | None:
        """The cached snapshot of the Scrum, or None when nothing is cached."""
        with storage_errors("reading the Scrum cache"):
            row = await self._session.get(ScrumCacheRow, (portal, group_id), populate_existing=True)
        if row is None:
            return None
        return ScrumSnapshot(
            group_id=row.group_id,
            backlog_id=row.backlog_id,
            sprints=sprints_from_json(row.sprints),
            epics=epics_from_json(row.epics),
            fetched_at=row.fetched_at,
        )

    async def save(self, portal: str, snapshot: ScrumSnapshot) -> None:
        """Replace everything cached for (portal, group) with this snapshot."""
        values = {
            "portal": portal,
            "group_id": snapshot.group_id,
            "backlog_id": snapshot.backlog_id,
            "fetched_at": as_utc(snapshot.fetched_at),
            "sprints": sprints_to_json(snapshot.sprints),
            "epics": epics_to_json(snapshot.epics),
        }
        with storage_errors("saving the Scrum cache"):
            await upsert(self._session, ScrumCacheRow, values)
