"""SQLAlchemy repositories of members and chat bindings over one `AsyncSession`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import delete, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.codec import settings_from_json
from bot.adapters.storage.crypto import SecretBox
from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.tables import Base, ChatRow, MemberRow
from bot.core.model import ChatBinding, Credential, Member


async def upsert(
    session: AsyncSession, entity: type[Base], values: dict[str, Any], keep: tuple[str, ...] = ()
) -> None:
    """Insert the row, or update the one with its primary key (all but `keep`), atomically."""
    keys = [column.name for column in inspect(entity).primary_key]
    stmt: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(entity).values(values)
    else:
        stmt = sqlite.insert(entity).values(values)
    changed = {name: stmt.excluded[name] for name in values if name not in (*keys, *keep)}
    await session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))


def _deleted_any(result: Result[Any]) -> bool:
    """Whether a DELETE removed a row (its result is a cursor result, which counts them)."""
    return bool(cast(CursorResult[Any], result).rowcount)


class SqlMemberRepository:
    """Members and their credentials; the webhook code is sealed before it is stored."""

    def __init__(self, session: AsyncSession, box: SecretBox) -> None:
        self._session = session
        self._box = box

    async def get(self, telegram_id: int) -> Member | None:
        """The member linked to this Telegram user, or None."""
        with storage_errors("reading a member"):
            row = await self._session.get(MemberRow, telegram_id, populate_existing=True)
        return None if row is None else self._member(row)

    async def save(self, member: Member) -> None:
        """Insert or replace the member, its secret encrypted."""
        now = datetime.now(UTC)
        credential = member.credential
        values = {
            "telegram_id": member.telegram_id,
            "portal": credential.portal,
            "bitrix_user_id": credential.user_id,
            "secret_encrypted": self._box.seal(credential.secret),
            "name": member.name,
            "language": member.language,
            "created_at": now,
            "updated_at": now,
        }
        with storage_errors("saving a member"):
            await upsert(self._session, MemberRow, values, keep=("created_at",))

    async def delete(self, telegram_id: int) -> bool:
        """Forget the member; False when there was none."""
        with storage_errors("deleting a member"):
            result = await self._session.execute(
                delete(MemberRow).where(MemberRow.telegram_id == telegram_id)
            )
        return _deleted_any(result)

    def _member(self, row: MemberRow) -> Member:
        secret = self._box.open(row.secret_encrypted)
        credential = Credential(portal=row.portal, user_id=row.bitrix_user_id, secret=secret)
        return Member(
            telegram_id=row.telegram_id, credential=credential, name=row.name, language=row.language
        )


class SqlChatRepository:
    """Which Scrum each Telegram chat is bound to."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_id: int) -> ChatBinding | None:
        """The chat's binding, or None when the chat is not bound."""
        with storage_errors("reading a chat binding"):
            row = await self._session.get(ChatRow, chat_id, populate_existing=True)
        if row is None:
            return None
        return ChatBinding(
            chat_id=row.chat_id,
            portal=row.portal,
            group_id=row.group_id,
            group_name=row.group_name,
            bound_by=row.bound_by,
            language=row.language,
            settings=settings_from_json(row.settings),
        )

    async def save(self, binding: ChatBinding) -> None:
        """Insert or replace the chat's binding."""
        values = {
            "chat_id": binding.chat_id,
            "portal": binding.portal,
            "group_id": binding.group_id,
            "group_name": binding.group_name,
            "bound_by": binding.bound_by,
            "language": binding.language,
            "settings": dict(binding.settings),
        }
        with storage_errors("saving a chat binding"):
            await upsert(self._session, ChatRow, values)

    async def delete(self, chat_id: int) -> bool:
        """Unbind the chat; False when it was not bound."""
        with storage_errors("deleting a chat binding"):
            result = await self._session.execute(delete(ChatRow).where(ChatRow.chat_id == chat_id))
        return _deleted_any(result)
