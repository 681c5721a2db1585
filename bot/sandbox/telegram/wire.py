"""Bot API JSON shapes (User, Chat, Message, ChatMember...) built from the emulator's state."""

from __future__ import annotations

from bot.sandbox.telegram.models import JSON, ApiError, ChatRecord, StoredMessage, TgUser
from bot.sandbox.telegram.state import State

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


def user_json(user: TgUser) -> JSON:
    """A User object."""
    data: JSON = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    if user.username:
        data["username"] = user.username
    if user.language_code and not user.is_bot:
        data["language_code"] = user.language_code
    return data


def me_json(state: State) -> JSON:
    """The bot's own User object, as getMe answers it."""
    return {
        **user_json(state.bot_user),
        "can_join_groups": True,
        "can_read_all_group_messages": not state.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat: ChatRecord) -> JSON:
    """A Chat object: a private chat carries the user's names, a supergroup its title."""
    data: JSON = {"id": chat.id, "type": chat.type}
    if chat.type == "private" and chat.user is not None:
        data["first_name"] = chat.user.first_name
        if chat.user.username:
            data["username"] = chat.user.username
    else:
        data["title"] = chat.title
    return data


def chat_full_json(chat: ChatRecord) -> JSON:
    """A ChatFullInfo object, as getChat answers it."""
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {
        **chat_json(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def message_json(state: State, message: StoredMessage, *, nested: bool = False) -> JSON:
    """A Message object; a replied-to message is nested one level deep, as Telegram does."""
    data: JSON = {
        "message_id": message.message_id,
        "from": user_json(message.sender or state.bot_user),
        "chat": chat_json(state.chat(message.chat_id)),
        "date": message.date,
        "text": message.text,
    }
    if message.entities:
        data["entities"] = message.entities
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        data["reply_markup"] = message.reply_markup
    replied = state.messages.get((message.chat_id, message.reply_to or 0))
    if replied is not None and not nested:
        data["reply_to_message"] = message_json(state, replied, nested=True)
    return data


def member_status(state: State, chat: ChatRecord, user_id: int) -> str:
    """creator, administrator, member or left."""
    if user_id == state.bot_id:
        return "administrator" if chat.bot_can_delete else "member"
    if user_id == chat.creator:
        return "creator"
    if user_id in chat.admins:
        return "administrator"
    return "member" if user_id in chat.members else "left"


def member_json(state: State, chat: ChatRecord, user_id: int) -> JSON:
    """A ChatMember object of the right subtype for `user_id` in a group."""
    if user_id != state.bot_id and user_id not in state.users and user_id not in chat.members:
        raise ApiError(400, "Bad Request: user not found")
    user = state.bot_user if user_id == state.bot_id else state.user(user_id)
    status = member_status(state, chat, user_id)
    data: JSON = {"status": status, "user": user_json(user)}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(can_be_edited=False, is_anonymous=False)
        data.update(dict.fromkeys(ADMIN_RIGHTS, True))
        if user_id == state.bot_id:
            data.update(dict.fromkeys(("can_promote_members", "can_change_info"), False))
    return data
