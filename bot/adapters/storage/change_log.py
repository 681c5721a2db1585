"""The SQLAlchemy audit log of the writes the bot made or tried."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.tables import ChangeRow, as_utc
from bot.core.model import Change


class SqlChangeLog:
    """Appends changes and reads a task's history, newest first."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, change: Change) -> None:
        """Record one change."""
        values = {
            "at": as_utc(change.at),
            "chat_id": change.chat_id,
            "telegram_user_id": change.telegram_user_id,
            "portal": change.portal,
            "bitrix_user_id": change.bitrix_user_id,
            "task_id": change.task_id,
            "field": change.field,
            "old_value": change.old_value,
            "new_value": change.new_value,
            "outcome": change.outcome,
            "error_code": change.error_code,
        }
        with storage_errors("recording a change"):
            await self._session.execute(insert(ChangeRow).values(values))

    async def for_task(self, portal: str, task_id: int, limit: int = 20) -> Sequence[Change]:
        """The task's latest `limit` changes, newest first."""
        query = (
            select(ChangeRow)
            .where(ChangeRow.portal == portal, ChangeRow.task_id == task_id)
            .order_by(ChangeRow.at.desc(), ChangeRow.id.desc())
            .limit(max(limit, 0))
        )
        with storage_errors("reading the change log"):
            rows = (await self._session.scalars(query)).all()
        return tuple(_change(row) for row in rows)


def _change(row: ChangeRow) -> Change:
    return Change(
        at=row.at,
        chat_id=row.chat_id,
        telegram_user_id=row.telegram_user_id,
        portal=row.portal,
        bitrix_user_id=row.bitrix_user_id,
        task_id=row.task_id,
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
        outcome=row.outcome,
        error_code=row.error_code,
    )
