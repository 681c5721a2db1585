"""One database session per use case: the SQLAlchemy unit of work and its factory."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.adapters.storage.buttons import SqlButtonStore
from bot.adapters.storage.change_log import SqlChangeLog
from bot.adapters.storage.crypto import SecretBox
from bot.adapters.storage.errors import storage_errors
from bot.adapters.storage.repositories import SqlChatRepository, SqlMemberRepository
from bot.adapters.storage.scrum_cache import ReadAhead, SqlScrumCacheRepository
from bot.core.errors import StorageError
from bot.services.ports import (
    ButtonStore,
    ChangeLog,
    ChatRepository,
    MemberRepository,
    ScrumCacheRepository,
)

logger = logging.getLogger(__name__)


class SqlUnitOfWork:
    """Opens a session on entry; what is not committed is rolled back on exit."""

    # Typed as the ports: protocol attributes are settable, so their types must match exactly.
    members: MemberRepository
    chats: ChatRepository
    scrum_cache: ScrumCacheRepository
    changes: ChangeLog
    buttons: ButtonStore

    def __init__(self, sessions: async_sessionmaker[AsyncSession], box: SecretBox) -> None:
        self._sessions = sessions
        self._box = box
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        """Open a session and the repositories over it."""
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        session = self._sessions()
        self._session = session
        read_ahead = ReadAhead()  # a chat's cached Scrum, read with its binding
        self.members = SqlMemberRepository(session, self._box, read_ahead)
        self.chats = SqlChatRepository(session, read_ahead)
        self.scrum_cache = SqlScrumCacheRepository(session, read_ahead)
        self.changes = SqlChangeLog(session)
        self.buttons = SqlButtonStore(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and give the connection back."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await _finish(session)
        except StorageError:
            if exc is None:
                raise
            logger.warning("cleaning up after a failed use case failed too", exc_info=True)

    async def commit(self) -> None:
        """Make the use case's writes permanent."""
        if self._session is None:
            raise RuntimeError("commit outside `async with` of the unit of work")
        with storage_errors("committing"):
            await self._session.commit()


async def _finish(session: AsyncSession) -> None:
    """Roll back what is not committed, then close the session."""
    try:
        with storage_errors("rolling back"):
            await session.rollback()
    finally:
        with storage_errors("closing the session"):
            await session.close()


class SqlUnitOfWorkFactory:
    """Makes a fresh unit of work for each use case, all over one engine."""

    def __init__(self, engine: AsyncEngine, secret_box: SecretBox) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._box = secret_box

    def __call__(self) -> SqlUnitOfWork:
        """A new, not yet opened, unit of work."""
        return SqlUnitOfWork(self._sessions, self._box)
