"""Bot API methods about chats and the bot's command menu."""

from __future__ import annotations

from bot.sandbox.telegram.models import JSON, bad_request
from bot.sandbox.telegram.params import Params, chat_id_of
from bot.sandbox.telegram.state import Handler, State
from bot.sandbox.telegram.validate import bot_commands, commands_key
from bot.sandbox.telegram.wire import chat_full_json, member_json, user_json


async def get_chat(state: State, params: Params) -> JSON:
    """getChat."""
    return chat_full_json(state.chat(chat_id_of(params)))


async def get_chat_member(state: State, params: Params) -> JSON:
    """getChatMember: creator, administrator, member or left."""
    chat = state.chat(chat_id_of(params))
    user_id = params.require_int("user_id", "invalid user_id specified")
    if chat.type != "private":
        return member_json(state, chat, user_id)
    if user_id not in (chat.id, state.bot_id):
        raise bad_request("user not found")
    user = state.bot_user if user_id == state.bot_id else state.user(user_id)
    return {"status": "member", "user": user_json(user)}


async def get_chat_administrators(state: State, params: Params) -> list[JSON]:
    """getChatAdministrators: the creator, the admins, and the bot when it is one."""
    chat = state.chat(chat_id_of(params))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    ids = ([chat.creator] if chat.creator is not None else []) + sorted(chat.admins)
    if chat.bot_can_delete:
        ids.append(state.bot_id)
    return [member_json(state, chat, user_id) for user_id in dict.fromkeys(ids)]


def _scope_key(state: State, params: Params) -> str:
    """The commands key, after checking that a chat scope names a known chat."""
    key = commands_key(params)
    scope = params.decoded("scope", "BotCommandScope")
    if isinstance(scope, dict) and "chat_id" in scope:
        state.chat(chat_id_of(Params({"chat_id": scope["chat_id"]})))
    return key


async def set_my_commands(state: State, params: Params) -> bool:
    """setMyCommands; an empty list deletes the scope's commands."""
    commands = bot_commands(params)
    key = _scope_key(state, params)
    if commands:
        state.my_commands[key] = commands
    else:
        state.my_commands.pop(key, None)
    return True


async def get_my_commands(state: State, params: Params) -> list[JSON]:
    """getMyCommands: exactly that scope and language, no fallback."""
    return state.my_commands.get(_scope_key(state, params), [])


async def delete_my_commands(state: State, params: Params) -> bool:
    """deleteMyCommands."""
    state.my_commands.pop(_scope_key(state, params), None)
    return True


METHODS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
