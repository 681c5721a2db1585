"""The SQLAlchemy store of inline keyboards: one row per keyboard, its buttons as JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.tables import ButtonRow, as_utc
from bot.core.buttons import Choice, Keyboard, Rows


class SqlButtonStore:
    """Keyboards by key; expired ones are pruned whenever a new one is saved."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, keyboard: Keyboard) -> None:
        """Insert the keyboard after deleting every keyboard expired by its creation time."""
        values = {
            "key": keyboard.key,
            "chat_id": keyboard.chat_id,
            "message_id": keyboard.message_id,
            "owner_id": keyboard.owner_id,
            "rows": _rows_to_json(keyboard.rows),
            "created_at": as_utc(keyboard.created_at),
            "expires_at": as_utc(keyboard.expires_at),
        }
        expired = delete(ButtonRow).where(ButtonRow.expires_at < as_utc(keyboard.created_at))
        with storage_errors("saving buttons"):
            await self._session.execute(expired)
            await self._session.execute(insert(ButtonRow).values(values))

    async def get(self, key: str) -> Keyboard | None:
        """The keyboard, expired or not; None when there is none with this key."""
        with storage_errors("reading buttons"):
            row = await self._session.get(ButtonRow, key, populate_existing=True)
        if row is None:
            return None
        return Keyboard(
            key=row.key,
            chat_id=row.chat_id,
            rows=_rows_from_json(row.rows),
            created_at=row.created_at,
            expires_at=row.expires_at,
            owner_id=row.owner_id,
            message_id=row.message_id,
        )

    async def attach(self, key: str, message_id: int) -> None:
        """Note the message that carries the keyboard."""
        query = update(ButtonRow).where(ButtonRow.key == key).values(message_id=message_id)
        with storage_errors("saving buttons"):
            await self._session.execute(query)

    async def claim(self, key: str) -> bool:
        """Delete the keyboard; False when another press (or the pruning) got there first."""
        with storage_errors("using a button"):
            result = await self._session.execute(delete(ButtonRow).where(ButtonRow.key == key))
        return isinstance(result, CursorResult) and result.rowcount > 0


def _rows_to_json(rows: Rows) -> list[list[list[str]]]:
    return [[[choice.label, choice.action] for choice in row] for row in rows]


def _rows_from_json(data: Any) -> Rows:
    return tuple(tuple(Choice(str(label), str(action)) for label, action in row) for row in data)
