"""SQLAlchemy repositories of members and chat bindings over one `AsyncSession`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import and_, bindparam, delete, literal_column, select
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.codec import settings_from_json
from bot.adapters.storage.crypto import SecretBox
from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.one_trip import OneTripSelect
from bot.adapters.storage.scrum_cache import SNAPSHOT_COLUMNS, ReadAhead
from bot.adapters.storage.statements import upsert
from bot.adapters.storage.tables import ChatRow, MemberRow, ScrumCacheRow
from bot.core.model import ChatBinding, Credential, Member

__all__ = ["SqlChatRepository", "SqlMemberRepository", "upsert"]

# Plain column selects: no ORM identity map to keep fresh, a fraction of the work per read.
_MEMBER_COLUMNS = (MemberRow.telegram_id, MemberRow.portal, MemberRow.bitrix_user_id,
                   MemberRow.secret_encrypted, MemberRow.name, MemberRow.language)
_MEMBER = select(*_MEMBER_COLUMNS)
# A chat's binding with its Scrum's cached snapshot (NULLs when none is cached), in one read.
_CHAT_COLUMNS = (ChatRow.chat_id, ChatRow.portal, ChatRow.group_id, ChatRow.group_name,
                 ChatRow.bound_by, ChatRow.language, ChatRow.settings,
                 ScrumCacheRow.portal.label("cached_portal"), *SNAPSHOT_COLUMNS)
_CACHED = and_(ScrumCacheRow.portal == ChatRow.portal, ScrumCacheRow.group_id == ChatRow.group_id)
_CHAT = select(*_CHAT_COLUMNS).outerjoin(ScrumCacheRow, _CACHED)
# The member and the chat (each may be missing) from one row: joined onto a one-row table.
_ONE = select(literal_column("1").label("one")).subquery("one")
_MEMBER_IN_CHAT = OneTripSelect(
    select(*_MEMBER_COLUMNS, *_CHAT_COLUMNS).select_from(_ONE)
    .outerjoin(MemberRow, MemberRow.telegram_id == bindparam("telegram_id"))
    .outerjoin(ChatRow, ChatRow.chat_id == bindparam("chat_id"))
    .outerjoin(ScrumCacheRow, _CACHED)
)  # fmt: skip


def _binding(row: Sequence[Any], read_ahead: ReadAhead) -> ChatBinding:
    """The binding in a row of `_CHAT_COLUMNS`; its cached Scrum is kept for the session."""
    chat_id, portal, group_id, group_name, bound_by, language, settings = row[:7]
    read_ahead.rows[(portal, group_id)] = tuple(row[8:]) if row[7] is not None else None
    return ChatBinding(chat_id=chat_id, portal=portal, group_id=group_id, group_name=group_name,
                       bound_by=bound_by, language=language, settings=settings_from_json(settings))


def _deleted_any(result: Result[Any]) -> bool:
    """Whether a DELETE removed a row (its result is a cursor result, which counts them)."""
    return bool(cast(CursorResult[Any], result).rowcount)


class SqlMemberRepository:
    """Members and their credentials; the webhook code is sealed before it is stored."""

    def __init__(
        self, session: AsyncSession, box: SecretBox, read_ahead: ReadAhead | None = None
    ) -> None:
        self._session = session
        self._box = box
        self._read_ahead = read_ahead or ReadAhead()

    async def get(self, telegram_id: int) -> Member | None:
        """The member linked to this Telegram user, or None."""
        with storage_errors("reading a member"):
            row = (await self._session.execute(
                _MEMBER.where(MemberRow.telegram_id == telegram_id))).first()
        return None if row is None else self._member(row)

    async def get_in_chat(
        self, telegram_id: int, chat_id: int
    ) -> tuple[Member | None, ChatBinding | None]:
        """The member and the chat's binding (and its cached Scrum) in one read."""
        row = await _MEMBER_IN_CHAT.first(self._session, "reading a member and a chat binding",
                                          telegram_id=telegram_id, chat_id=chat_id)
        assert row is not None  # outer joins onto one row: always one row
        member = self._member(row[:6]) if row[0] is not None else None
        chat = _binding(row[6:], self._read_ahead) if row[6] is not None else None
        return member, chat

    def _member(self, row: Sequence[Any]) -> Member:
        telegram_id, portal, user_id, sealed, name, language = row
        credential = Credential(portal=portal, user_id=user_id, secret=self._box.open(sealed))
        return Member(telegram_id=telegram_id, credential=credential, name=name, language=language)

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


class SqlChatRepository:
    """Which Scrum each Telegram chat is bound to."""

    def __init__(self, session: AsyncSession, read_ahead: ReadAhead | None = None) -> None:
        self._session = session
        self._read_ahead = read_ahead or ReadAhead()

    async def get(self, chat_id: int) -> ChatBinding | None:
        """The chat's binding, or None when the chat is not bound.

        Its Scrum's cached snapshot comes in the same read and is kept for the session's
        Scrum cache repository: a command that needs both costs one database round trip.
        """
        with storage_errors("reading a chat binding"):
            row = (await self._session.execute(_CHAT.where(ChatRow.chat_id == chat_id))).first()
        return None if row is None else _binding(row, self._read_ahead)

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
