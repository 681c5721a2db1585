"""The SQLAlchemy cache of each Scrum's backlog, sprints and epics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.codec import (
    epics_from_json,
    epics_to_json,
    sprints_from_json,
    sprints_to_json,
)
from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.statements import upsert
from bot.adapters.storage.tables import ScrumCacheRow, as_utc
from bot.core.model import ScrumSnapshot

# What a snapshot is read from; the chat repository reads the same columns with a binding.
SNAPSHOT_COLUMNS = (ScrumCacheRow.group_id, ScrumCacheRow.backlog_id, ScrumCacheRow.fetched_at,
                    ScrumCacheRow.sprints, ScrumCacheRow.epics)
_SELECT = select(*SNAPSHOT_COLUMNS)


class ReadAhead:
    """Scrum cache rows read along with a chat binding in this session (None: none cached)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], Sequence[Any] | None] = {}


class SqlScrumCacheRepository:
    """One snapshot per (portal, Scrum group), replaced whole on every refresh."""

    def __init__(self, session: AsyncSession, read_ahead: ReadAhead | None = None) -> None:
        self._session = session
        self._read_ahead = read_ahead or ReadAhead()

    async def get(self, portal: str, group_id: int) -> ScrumSnapshot | None:
        """The cached snapshot of the Scrum, or None when nothing is cached."""
        key = (portal, group_id)
        if key in self._read_ahead.rows:
            row = self._read_ahead.rows[key]
        else:
            query = _SELECT.where(ScrumCacheRow.portal == portal,
                                  ScrumCacheRow.group_id == group_id)
            with storage_errors("reading the Scrum cache"):
                row = (await self._session.execute(query)).first()
        return None if row is None else snapshot_from(row)

    async def save(self, portal: str, snapshot: ScrumSnapshot) -> None:
        """Replace everything cached for (portal, group) with this snapshot."""
        self._read_ahead.rows.pop((portal, snapshot.group_id), None)
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


def snapshot_from(row: Sequence[Any]) -> ScrumSnapshot:
    """The snapshot in a row of `SNAPSHOT_COLUMNS`."""
    group_id, backlog_id, fetched_at, sprints, epics = row
    return ScrumSnapshot(
        group_id=group_id,
        backlog_id=backlog_id,
        sprints=sprints_from_json(sprints),
        epics=epics_from_json(epics),
        fetched_at=fetched_at,
    )
