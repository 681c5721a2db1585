"""The SQLAlchemy audit log of the writes the bot made or tried (behind `/log` and undo)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.one_trip import OneTripInsert
from bot.adapters.storage.tables import ChangeRow, as_utc
from bot.core.model import Change

_INSERT = OneTripInsert(cast(Table, ChangeRow.__table__))  # every write command appends here


class SqlChangeLog:
    """Appends changes, reads a task's history newest first, finds and marks undo batches."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, change: Change) -> None:
        """Record one change."""
        await self.add_many([change])

    async def add_many(self, changes: Sequence[Change]) -> None:
        """Record one message's changes in one statement."""
        if not changes:
            return
        await _INSERT.run(self._session, "recording changes", [_values(c) for c in changes])

    async def for_task(
        self, portal: str, chat_id: int, task_id: int, limit: int = 20
    ) -> Sequence[Change]:
        """The task's latest `limit` changes made through the chat, newest first."""
        query = (
            select(ChangeRow)
            .where(ChangeRow.portal == portal, ChangeRow.chat_id == chat_id,
                   ChangeRow.task_id == task_id)
            .order_by(ChangeRow.at.desc(), ChangeRow.id.desc())
            .limit(max(limit, 0))
        )
        with storage_errors("reading the change log"):
            rows = (await self._session.scalars(query)).all()
        return tuple(_change(row) for row in rows)

    async def batch(self, key: str) -> Sequence[Change]:
        """The changes one message made, in the order made."""
        if not key:
            return ()
        query = select(ChangeRow).where(ChangeRow.batch == key).order_by(ChangeRow.id)
        with storage_errors("reading a batch of changes"):
            rows = (await self._session.scalars(query)).all()
        return tuple(_change(row) for row in rows)

    async def last_batch(self, chat_id: int, telegram_user_id: int) -> str | None:
        """The member's latest batch in the chat with a successful change not undone yet."""
        query = (
            select(ChangeRow.batch)
            .where(
                ChangeRow.chat_id == chat_id,
                ChangeRow.telegram_user_id == telegram_user_id,
                ChangeRow.outcome == "ok",
                ChangeRow.undone.is_(False),
                ChangeRow.undo_of.is_(None),
                ChangeRow.old_raw != ChangeRow.new_raw,  # NULL (nothing to restore) never matches
                ChangeRow.batch != "",
            )
            .order_by(ChangeRow.id.desc())
            .limit(1)
        )
        with storage_errors("reading the change log"):
            return (await self._session.scalars(query)).first()

    async def mark_undone(self, change_ids: Sequence[int]) -> None:
        """Mark these changes as undone (their undo was done or refused for good)."""
        if not change_ids:
            return
        with storage_errors("marking changes undone"):
            await self._session.execute(
                update(ChangeRow).where(ChangeRow.id.in_(change_ids)).values(undone=True)
            )


def _values(change: Change) -> dict[str, Any]:
    return {
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
        "old_raw": change.old_raw,
        "new_raw": change.new_raw,
        "batch": change.batch,
        "member_name": change.member_name,
        "undo_of": change.undo_of,
        "undone": change.undone,
    }


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
        old_raw=row.old_raw,
        new_raw=row.new_raw,
        batch=row.batch,
        member_name=row.member_name,
        undo_of=row.undo_of,
        undone=row.undone,
        id=row.id,
    )
