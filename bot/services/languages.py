"""The language each member and chat chose with `/lang`, cached so updates rarely read it.

A linked member's choice is stored in their `members` row, a bound chat's in its `chats` row.
An unlinked member has no row: their choice is kept in memory only (until the bot restarts,
or until they link, when it moves into the new row).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.core.errors import NotBound
from bot.core.i18n import LANGUAGES
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

K = TypeVar("K")
V = TypeVar("V")
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Choices:
    """What the member and the chat chose (None: no choice; follow the next in line)."""

    member: str | None
    chat: str | None


@dataclass(frozen=True)
class _MemberEntry:
    linked: bool
    language: str | None


class _Expiring(Generic[K, V]):
    """A small in-process cache whose entries expire after `ttl`; the oldest go first."""

    def __init__(self, clock: Clock, ttl: timedelta, size: int = MAX_ENTRIES) -> None:
        self._clock, self._ttl, self._size = clock, ttl, size
        self._entries: dict[K, tuple[datetime, V]] = {}

    def get(self, key: K) -> tuple[bool, V | None]:
        """(found, value); an expired entry is not found."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V) -> None:
        self._entries.pop(key, None)
        while len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (self._clock() + self._ttl, value)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)


def _valid(code: str | None) -> str | None:
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    return code


class Languages:
    """`/lang`: read and set the member's and the chat's language choice."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock,
                 ttl: timedelta = timedelta(minutes=5)) -> None:
        self._uow_factory = uow_factory
        self._members: _Expiring[int, _MemberEntry] = _Expiring(clock, ttl)
        self._chats: _Expiring[int, str | None] = _Expiring(clock, ttl)
        self._unlinked: dict[int, str] = {}

    async def choices(self, telegram_id: int | None, chat_id: int | None) -> Choices:
        """The member's and the group chat's choices; the database only on a cache miss."""
        none = (True, None)
        has_member, member = self._members.get(telegram_id) if telegram_id is not None else none
        has_chat, chat = self._chats.get(chat_id) if chat_id is not None else none
        if not (has_member and has_chat):
            async with self._uow_factory() as uow:
                if not has_member and telegram_id is not None:
                    member = await self._load_member(uow, telegram_id)
                if not has_chat and chat_id is not None:
                    chat = await self._load_chat(uow, chat_id)
        return Choices(self._member_language(telegram_id, member), chat)

    async def choose_for_member(self, telegram_id: int, code: str | None) -> bool:
        """Set (or with None clear) the member's language; False when kept in memory only."""
        code = _valid(code)
        async with self._uow_factory() as uow:
            member = await uow.members.get(telegram_id)
            if member is not None:
                await uow.members.save(replace(member, language=code))
                await uow.commit()
        self._members.put(telegram_id, _MemberEntry(member is not None, code))
        if member is None and code is not None:
            self._unlinked[telegram_id] = code
        else:
            self._unlinked.pop(telegram_id, None)
        return member is not None

    async def choose_for_chat(self, chat_id: int, code: str | None) -> None:
        """Set (or with None clear) a bound chat's language; NotBound otherwise."""
        code = _valid(code)
        async with self._uow_factory() as uow:
            chat = await uow.chats.get(chat_id)
            if chat is None:
                raise NotBound()
            await uow.chats.save(replace(chat, language=code))
            await uow.commit()
        self._chats.put(chat_id, code)

    def remembered(self, telegram_id: int) -> str | None:
        """An unlinked member's choice kept in memory (to store when they link)."""
        return self._unlinked.get(telegram_id)

    def forget_member(self, telegram_id: int) -> None:
        """The member linked or unlinked: read their choice afresh next time."""
        self._members.drop(telegram_id)
        self._unlinked.pop(telegram_id, None)

    def forget_chat(self, chat_id: int) -> None:
        """The chat was bound or unbound: read its choice afresh next time."""
        self._chats.drop(chat_id)

    async def _load_member(self, uow: UnitOfWork, telegram_id: int) -> _MemberEntry:
        member = await uow.members.get(telegram_id)
        entry = _MemberEntry(member is not None, member.language if member else None)
        self._members.put(telegram_id, entry)
        return entry

    async def _load_chat(self, uow: UnitOfWork, chat_id: int) -> str | None:
        chat = await uow.chats.get(chat_id)
        language = chat.language if chat else None
        self._chats.put(chat_id, language)
        return language

    def _member_language(self, telegram_id: int | None, entry: _MemberEntry | None) -> str | None:
        if telegram_id is None or entry is None:
            return None
        return entry.language if entry.linked else self._unlinked.get(telegram_id)
