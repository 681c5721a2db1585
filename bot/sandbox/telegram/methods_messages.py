"""Bot API methods about messages: send, edit, delete, callback answers, chat actions."""

from __future__ import annotations

from bot.sandbox.telegram.models import JSON, CallbackAnswer, ChatRecord, StoredMessage, bad_request
from bot.sandbox.telegram.params import Params, chat_id_of
from bot.sandbox.telegram.state import Handler, State, now
from bot.sandbox.telegram.validate import render_text, reply_markup
from bot.sandbox.telegram.wire import message_json

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    (
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    )
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def send_message(state: State, params: Params) -> JSON:
    """sendMessage; 429 when a forced failure or a flood limit says so."""
    chat = state.chat(chat_id_of(params))
    state.gate.check(chat.id, chat.type != "private")
    rendered = render_text(params, strict_ampersand=state.strict_ampersand)
    markup = reply_markup(params)
    reply_to = _reply_target(state, chat, params)
    message = state.store(
        chat,
        None,
        rendered.text,
        entities=rendered.entities,
        html=rendered.html,
        parse_mode=rendered.parse_mode,
        reply_markup=markup,
        reply_to=reply_to,
    )
    return message_json(state, message)


def _reply_target(state: State, chat: ChatRecord, params: Params) -> int | None:
    """The replied-to message id from reply_parameters or reply_to_message_id."""
    reply = params.decoded("reply_parameters", "reply parameters")
    if isinstance(reply, dict):
        message_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    elif "reply_to_message_id" in params:
        message_id = params.integer("reply_to_message_id")
        allow = params.flag("allow_sending_without_reply")
    else:
        return None
    if isinstance(message_id, int) and state.message(chat.id, message_id) is not None:
        return message_id
    if allow:
        return None
    raise bad_request("message to be replied not found")


def _editable(state: State, params: Params) -> StoredMessage:
    """The bot message an edit method targets."""
    if "inline_message_id" in params:
        raise bad_request("message to edit not found")
    chat = state.chat(chat_id_of(params))
    message_id = params.require_int("message_id", "message identifier is not specified")
    message = state.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


async def edit_message_text(state: State, params: Params) -> JSON:
    """editMessageText; leaving out reply_markup removes the keyboard, as in Telegram."""
    message = _editable(state, params)
    rendered = render_text(params, strict_ampersand=state.strict_ampersand)
    markup = reply_markup(params)
    current = (message.text, message.entities, message.reply_markup)
    if (rendered.text, rendered.entities, markup) == current:
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities = rendered.text, rendered.entities
    message.html, message.parse_mode = rendered.html, rendered.parse_mode
    message.reply_markup, message.edit_date = markup, now()
    state.pulse.fire()
    return message_json(state, message)


async def edit_message_reply_markup(state: State, params: Params) -> JSON:
    """editMessageReplyMarkup; no reply_markup removes the keyboard."""
    message = _editable(state, params)
    markup = reply_markup(params)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup, message.edit_date = markup, now()
    state.pulse.fire()
    return message_json(state, message)


async def delete_message(state: State, params: Params) -> bool:
    """deleteMessage: any message in a private chat; in a group own ones unless an admin."""
    chat = state.chat(chat_id_of(params))
    message_id = params.require_int("message_id", "message identifier is not specified")
    message = state.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    if chat.type != "private" and not message.from_bot and not chat.bot_can_delete:
        raise bad_request("message can't be deleted")
    message.deleted = True
    state.pulse.fire()
    return True


async def answer_callback_query(state: State, params: Params) -> bool:
    """answerCallbackQuery: once per query, text up to 200 characters."""
    query = state.queries.get(params.string("callback_query_id") or "")
    if query is None or query.answered:
        raise bad_request(QUERY_INVALID)
    if state.stale_answers > 0:  # the press is older than Telegram waits for an answer
        state.stale_answers -= 1
        raise bad_request(QUERY_INVALID)
    text = params.string("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    state.callback_answers.append(CallbackAnswer(query.id, text, params.flag("show_alert")))
    state.pulse.fire()
    return True


async def send_chat_action(state: State, params: Params) -> bool:
    """sendChatAction."""
    state.chat(chat_id_of(params))
    if params.string("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
