"""Linking a member's own Bitrix24 account, and binding a chat to a Scrum."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import InvalidWebhook, NotAdmin, NotAScrum, NotBound
from bot.core.model import ChatBinding, Member
from bot.core.outcomes import Bound, Linked, Whoami
from bot.core.webhook import parse_webhook_url
from bot.services.context import require_member
from bot.services.ports import Tracker, UnitOfWorkFactory


@dataclass
class Accounts:
    """`/link`, `/unlink`, `/whoami`, `/bind`, `/unbind`."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    allow_http: bool = False

    async def link(self, telegram_id: int, url: str, language: str | None = None) -> Linked:
        """Check the webhook with `user.current` and store it (encrypted by the store).

        `language` is the member's /lang choice; relinking keeps the one already stored.
        """
        credential = parse_webhook_url(url, allow_http=self.allow_http)
        user = await self.tracker.current_user(credential)
        if user.id != credential.user_id:
            raise InvalidWebhook("user_mismatch")
        async with self.uow_factory() as uow:
            old = await uow.members.get(telegram_id)
            language = language or (old.language if old else None)
            await uow.members.save(Member(telegram_id, credential, user.name, language))
            await uow.commit()
        return Linked(user.name, credential.portal)

    async def unlink(self, telegram_id: int) -> bool:
        async with self.uow_factory() as uow:
            removed = await uow.members.delete(telegram_id)
            await uow.commit()
        return removed

    async def whoami(self, telegram_id: int, chat_id: int) -> Whoami:
        async with self.uow_factory() as uow:
            member = await uow.members.get(telegram_id)
            chat = await uow.chats.get(chat_id)
        scrum = chat.group_name if chat else None
        if member is None:
            return Whoami(None, None, None, scrum)
        return Whoami(member.name, member.credential.portal, member.credential.user_id, scrum)

    async def bind(self, chat_id: int, telegram_id: int, is_admin: bool, ref: str) -> Bound:
        """As the admin: the group must exist, be a Scrum and be readable; then cache it."""
        if not is_admin:
            raise NotAdmin()
        async with self.uow_factory() as uow:
            member = await require_member(uow, telegram_id)
        group = await self.tracker.find_group(member.credential, ref)
        if not group.is_scrum:
            raise NotAScrum(group.name)
        snapshot = await self.tracker.load_scrum(member.credential, group.id)
        async with self.uow_factory() as uow:
            old = await uow.chats.get(chat_id)
            binding = ChatBinding(chat_id, member.credential.portal, group.id, group.name,
                                  telegram_id, old.language if old else None,
                                  dict(old.settings) if old else {})
            await uow.chats.save(binding)
            await uow.scrum_cache.save(binding.portal, snapshot)
            await uow.commit()
        return Bound(group.name, group.id, len(snapshot.sprints), len(snapshot.epics))

    async def unbind(self, chat_id: int, is_admin: bool) -> str:
        """Forget the chat's Scrum; returns its name."""
        if not is_admin:
            raise NotAdmin()
        async with self.uow_factory() as uow:
            chat = await uow.chats.get(chat_id)
            if chat is None:
                raise NotBound()
            await uow.chats.delete(chat_id)
            await uow.commit()
        return chat.group_name
