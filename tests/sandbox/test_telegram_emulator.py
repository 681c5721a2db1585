"""The Telegram Bot API emulator, driven by a real python-telegram-bot Bot and Application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.telegram import TelegramEmulator, TgUser

ALICE = TgUser(1001, "Alice", "alice")
BOB = TgUser(1002, "Bob", "bob")
AnyApp = Application[Any, Any, Any, Any, Any, Any]
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Five", callback_data="vote:5")]])


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("pong " + " ".join(context.args or []))


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    assert query.from_user is not None
    await query.answer("Counted", show_alert=True)
    await query.edit_message_text(f"{query.from_user.first_name} voted {query.data}")


@pytest.fixture
async def app(emulator: TelegramEmulator) -> AsyncIterator[AnyApp]:
    application = ApplicationBuilder().token(emulator.token).base_url(emulator.base_url).build()
    application.add_handler(CommandHandler("ping", ping, ~filters.UpdateType.EDITED_MESSAGE))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    application.add_handler(CallbackQueryHandler(on_vote, pattern="^vote:"))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_command_round_trip(emulator: TelegramEmulator, app: AnyApp) -> None:
    chat = emulator.add_private_chat(ALICE)
    asked = await emulator.send(chat, ALICE, "/ping 42 8")
    [reply] = await emulator.wait_for_bot_messages(chat, 1)
    assert reply.text == "pong 42 8"
    assert reply.reply_to_message_id in (None, asked)
    assert emulator.message_exists(chat, asked)
    assert emulator.requests[:2] == ["getMe", "deleteWebhook"]
    assert "sendMessage" in emulator.requests


async def test_group_commands_and_privacy_mode(
    emulator: TelegramEmulator,
    app: AnyApp,
) -> None:
    group = emulator.add_group("Team", admins=[ALICE.id], members=[ALICE, BOB])
    await emulator.send(group, BOB, "just chatting")  # privacy mode: never delivered
    await emulator.send(group, BOB, "/ping@other_bot 1")  # for another bot: not delivered
    await emulator.send(group, BOB, "/ping@scrum_test_bot 2")
    [reply] = await emulator.wait_for_bot_messages(group, 1)
    assert reply.text == "pong 2"
    assert len(emulator.state.withheld) == 2
    await emulator.send(group, BOB, "thanks", reply_to=reply.message_id)  # a reply: delivered
    for _ in range(50):
        if emulator.pending_updates() == 0:
            break
        await asyncio.sleep(0.02)
    assert emulator.pending_updates() == 0


async def test_html_is_parsed_like_telegram(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    html = '<b>Task 42</b> &lt;5&gt; &amp; <a href="https://x.example/?a=1&amp;b=2">link</a>'
    sent = await bot.send_message(chat, html, parse_mode=ParseMode.HTML)
    assert sent.text == "Task 42 <5> & link"
    bold, link = sent.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, 7)
    assert (link.type, link.offset, link.url) == ("text_link", 14, "https://x.example/?a=1&b=2")
    stored = emulator.bot_messages(chat)[0]
    assert (stored.text, stored.html, stored.parse_mode) == (sent.text, html, "HTML")
    reasons = {
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "a < b": 'Unsupported start tag "" at byte offset 2',
        "<foo>x</foo>": 'Unsupported start tag "foo" at byte offset 0',
        "<b>open": 'Can\'t find end tag corresponding to start tag "b"',
        "Tom & Jerry": 'Unescaped "&" at byte offset 4',
    }
    for text, reason in reasons.items():
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
            await bot.send_message(chat, text, parse_mode=ParseMode.HTML)
        assert reason.lower() in caught.value.message.lower()  # PTB re-capitalizes it
    assert len(emulator.bot_messages(chat)) == 1


async def test_text_length_is_counted_after_parsing(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    await bot.send_message(chat, "x" * 4096)
    await bot.send_message(chat, "&lt;" * 4096, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat, "<b>" + "y" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    for empty in ("<b></b>", "  \n "):
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(chat, empty, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-42, "hello")


async def test_delete_rights_private_and_group(emulator: TelegramEmulator, bot: Bot) -> None:
    private = emulator.add_private_chat(ALICE)
    theirs = await emulator.send(private, ALICE, "secret token")
    assert await bot.delete_message(private, theirs)
    assert not emulator.message_exists(private, theirs)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(private, theirs)

    group = emulator.add_group("Plain", members=[BOB])
    user_message = await emulator.send(group, BOB, "/ping")
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(group, user_message)
    own = await bot.send_message(group, "mine")
    assert await bot.delete_message(group, own.message_id)
    assert emulator.bot_messages(group)[0].deleted

    admin_group = emulator.add_group("Admin", members=[BOB], bot_can_delete=True)
    user_message = await emulator.send(admin_group, BOB, "/ping")
    assert await bot.delete_message(admin_group, user_message)


async def test_user_edit_arrives_as_edited_message(
    emulator: TelegramEmulator,
    app: AnyApp,
) -> None:
    chat = emulator.add_private_chat(ALICE)
    message_id = await emulator.send(chat, ALICE, "/ping 42 8")
    await emulator.wait_for_bot_messages(chat, 1)
    await emulator.edit(chat, message_id, "/ping 42 5")
    messages = await emulator.wait_for_bot_messages(chat, 2)
    assert [m.text for m in messages] == ["pong 42 8", "edited: /ping 42 5"]


async def test_callback_press_and_answer(
    emulator: TelegramEmulator,
    app: AnyApp,
) -> None:
    group = emulator.add_group("Poker", members=[ALICE])
    sent = await app.bot.send_message(group, "Vote!", reply_markup=KEYBOARD)
    stored = emulator.bot_messages(group)[0]
    assert stored.reply_markup == KEYBOARD.to_dict()
    query_id = await emulator.press(group, sent.message_id, ALICE, "vote:5")
    [answer] = await emulator.wait_for_callback_answers(1)
    assert (answer.callback_query_id, answer.text, answer.show_alert) == (query_id, "Counted", True)
    for _ in range(100):
        if emulator.bot_messages(group)[0].edited:
            break
        await asyncio.sleep(0.02)
    edited = emulator.bot_messages(group)[0]
    assert (edited.text, edited.edited, edited.reply_markup) == ("Alice voted vote:5", True, None)
    with pytest.raises(ValueError, match=r"(?i)no button"):
        await emulator.press(group, sent.message_id, ALICE, "vote:8")


async def test_markup_and_edit_checks(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(chat, "Vote", reply_markup=too_long)
    sent = await bot.send_message(chat, "Vote", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Vote", chat, sent.message_id, reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("<i>Closed</i>", chat, sent.message_id, parse_mode="HTML")
    assert not isinstance(edited, bool)
    assert edited.text == emulator.bot_messages(chat)[0].text == "Closed"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(chat, "late", reply_to_message_id=999)


async def test_set_my_commands_is_stored(emulator: TelegramEmulator, bot: Bot) -> None:
    group = emulator.add_group("Team", admins=[ALICE.id])
    await bot.set_my_commands([BotCommand("sp", "Set story points")])
    scope = BotCommandScopeChat(group)
    await bot.set_my_commands([BotCommand("move", "Move a task")], scope=scope, language_code="ru")
    assert emulator.my_commands["default"] == [{"command": "sp", "description": "Set story points"}]
    key = f'{{"chat_id":{group},"type":"chat"}}|ru'
    assert emulator.my_commands[key] == [{"command": "move", "description": "Move a task"}]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="ru")] == [
        "move"
    ]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "nope")])
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMANDS_TOO_MUCH"):
        await bot.set_my_commands([BotCommand(f"c{i}", "d") for i in range(101)])
    assert await bot.delete_my_commands()
    assert "default" not in emulator.my_commands


async def test_webhook_makes_get_updates_conflict(emulator: TelegramEmulator, bot: Bot) -> None:
    assert await bot.set_webhook("https://bot.example/hook")
    assert (await bot.get_webhook_info()).url == "https://bot.example/hook"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_long_poll_wakes_on_update_and_offset_confirms(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    chat = emulator.add_private_chat(ALICE)
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await emulator.send(chat, ALICE, "hello")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message is not None
    assert update.message.text == "hello"
    assert emulator.pending_updates() == 1
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert emulator.pending_updates() == 0


async def test_chat_members_and_errors(emulator: TelegramEmulator, bot: Bot) -> None:
    group = emulator.add_group("Team", admins=[ALICE.id, 1005], members=[BOB])
    statuses = [(await bot.get_chat_member(group, uid)).status for uid in (ALICE.id, 1005, BOB.id)]
    assert statuses == ["creator", "administrator", "member"]
    assert (await bot.get_chat_member(group, bot.id)).status == "member"
    assert len(await bot.get_chat_administrators(group)) == 2
    chat = await bot.get_chat(group)
    assert (chat.type, chat.title) == ("supergroup", "Team")
    assert await bot.send_chat_action(group, "typing")
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=emulator.base_url):
            pass


async def test_wait_timeout_explains(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    await bot.send_message(chat, "first")
    with pytest.raises(BadRequest):
        await bot.send_message(chat, "<x>", parse_mode="HTML")
    with pytest.raises(TimeoutError, match=r"(?i)got 1") as caught:
        await emulator.wait_for_bot_messages(chat, 2, timeout=0.05)
    assert "'first'" in str(caught.value)
    assert 'Unsupported start tag "x"' in str(caught.value)
