"""Who is typing, and which Scrum this chat works on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import NotBound, NotLinked, WrongPortal
from bot.core.model import ChatBinding, Member
from bot.services.ports import MemberInChatReader, UnitOfWork


@dataclass(frozen=True)
class Actor:
    """A command's author in a bound chat: the member and the chat's Scrum, same portal."""

    member: Member
    chat: ChatBinding


async def require_member(uow: UnitOfWork, telegram_id: int) -> Member:
    """The linked member, or NotLinked."""
    member = await uow.members.get(telegram_id)
    if member is None:
        raise NotLinked()
    return member


async def require_actor(uow: UnitOfWork, telegram_id: int, chat_id: int) -> Actor:
    """The member and the chat's binding; NotBound, NotLinked or WrongPortal otherwise."""
    members = uow.members
    if isinstance(members, MemberInChatReader):  # a store that reads both at once
        member, chat = await members.get_in_chat(telegram_id, chat_id)
    else:
        member, chat = None, await uow.chats.get(chat_id)
    if chat is None:
        raise NotBound()
    if member is None:
        member = await require_member(uow, telegram_id)
    if member.credential.portal != chat.portal:
        raise WrongPortal(member.credential.portal, chat.portal)
    return Actor(member, chat)
