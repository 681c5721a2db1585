"""`python -m bot demo`: the terminal chat a team lead tries first, piped and on a terminal."""

from __future__ import annotations

import asyncio
import io
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.demo.seed import DemoWorld, seed_demo
from bot.sandbox.demo.session import Session
from bot.sandbox.demo.terminal import (
    BOLD,
    RESET,
    Invalid,
    Press,
    ReplyTo,
    Say,
    Simple,
    SwitchChat,
    SwitchMember,
    button_lines,
    parse_line,
    render_answer,
    render_message,
)
from bot.sandbox.telegram import BotMessage, CallbackAnswer, TelegramEmulator
from bot.sandbox.telegram.html_text import parse_html

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "[Alice @ Standup] > "


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _demo(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo"], input=script, capture_output=True, text=True,
        cwd=tmp_path, env=_env(), timeout=60, check=False,
    )


@pytest.mark.slow
def test_a_piped_script_changes_the_task_and_shows_its_card(tmp_path: Path) -> None:
    result = _demo(tmp_path, "/sp 42 8\n/task 42\n:as Bob\n/move 42 backlog\n:quit\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "bot: Linked as Bob Jones" in out and "now works with the Scrum Mobile app" in out
    assert f"{PROMPT}/sp 42 8\nbot: #42 Fix login crash: story points 5 → 8\n" in out
    assert "bot: #42 Fix login crash\n     Status: Pending\n     Responsible: Bob Jones" in out
    assert "     Sprint: Sprint 2\n     Story points: 8\n" in out
    moved = "bot: #42 Fix login crash: moved Sprint 2 → Backlog"
    assert f"[Bob @ Standup] > /move 42 backlog\n{moved}" in out
    assert "\033[" not in out  # no ANSI codes when stdout is a pipe
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_end_of_input_ends_the_demo_and_meta_commands_answer(tmp_path: Path) -> None:
    script = "# a comment is not sent\n:as nobody\n:chat private\n/whoami\n:members\n:press 3\n"
    result = _demo(tmp_path, script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "(no member called nobody; :members lists them)" in out
    assert "[Alice @ private] > /whoami\nbot: You are Alice Smith (Bitrix24 user 1)" in out
    assert "Bob Jones, developer\n" in out and "Alice Smith, scrum master" in out
    assert "(no button [3] on the bot's last message with buttons here)" in out
    assert "comment is not sent\n[Alice @ Standup] > :as nobody" in out  # nothing answered it


def _read_until(fd: int, marker: str, seen: str, seconds: float = 15.0) -> str:
    """Read the terminal until `marker` appears after what was already `seen`."""
    screen, start = seen, len(seen)
    deadline = time.monotonic() + seconds
    while marker not in screen[start:]:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{marker!r} did not appear; the terminal shows:\n{screen}"
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if ready:
            try:
                screen += os.read(fd, 4096).decode(errors="replace")
            except OSError:  # the demo closed the terminal
                break
    return screen


def _spawn_on_pty(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The demo on a pseudo-terminal, its temporary files under tmp_path/tmp."""
    leader, follower = os.openpty()
    (tmp_path / "tmp").mkdir()
    with (tmp_path / "stderr.txt").open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo"], stdin=follower, stdout=follower,
            stderr=errors, cwd=tmp_path, env=_env() | {"TMPDIR": str(tmp_path / "tmp")},
            close_fds=True, start_new_session=True,
        )
    os.close(follower)
    return process, leader


def _finish(process: subprocess.Popen[bytes], leader: int) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    os.close(leader)


@pytest.mark.slow
def test_a_member_types_in_a_real_terminal(tmp_path: Path) -> None:
    process, leader = _spawn_on_pty(tmp_path)
    try:
        screen = _read_until(leader, PROMPT, "", 30.0)
        os.write(leader, b"/task 42\n")
        screen = _read_until(leader, PROMPT, screen)
        assert f"bot: {BOLD}#42{RESET} Fix login crash\r\n     Status: Pending" in screen
        os.write(leader, b":quit\n")
        assert process.wait(timeout=10) == 0
    finally:
        _finish(process, leader)
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    assert list((tmp_path / "tmp").iterdir()) == []  # the database is gone


@pytest.mark.slow
def test_ctrl_c_ends_the_demo_cleanly(tmp_path: Path) -> None:
    process, leader = _spawn_on_pty(tmp_path)
    try:
        screen = _read_until(leader, PROMPT, "", 30.0)
        os.write(leader, b"/sp 42 3\n")
        screen = _read_until(leader, PROMPT, screen)
        assert "story points 5 → 3" in screen
        process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert process.wait(timeout=10) == 130
        assert "(interrupted)" in _read_until(leader, "(interrupted)", screen)
    finally:
        _finish(process, leader)
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    assert list((tmp_path / "tmp").iterdir()) == []


def _message(html: str, markup: dict[str, object] | None = None, **extra: object) -> BotMessage:
    text, entities = parse_html(html)
    return BotMessage(chat_id=-1, message_id=7, text=text, html=html, parse_mode="HTML",
                      reply_markup=markup, reply_to_message_id=None, entities=entities,
                      **extra)  # type: ignore[arg-type]


KEYBOARD = {"inline_keyboard": [
    [{"text": "Backlog", "callback_data": "k1"}, {"text": "Sprint 3", "callback_data": "k2"}],
    [{"text": "Link my account", "url": "https://t.me/some_bot?start=link"}],
]}


def test_html_becomes_plain_text_with_indented_lines_and_numbered_buttons() -> None:
    html = "<b>#42</b> Fix &lt;login&gt; &amp; crash\n\n<i>Status</i>: Pending"
    assert render_message(_message(html, KEYBOARD)) == (
        "bot: #42 Fix <login> & crash\n"
        "\n"
        "     Status: Pending\n"
        "  [1] Backlog  [2] Sprint 3\n"
        "  [3] Link my account"
    )


def test_bold_is_ansi_only_when_asked_and_counts_utf16_offsets() -> None:
    message = _message("🚀 <b>#42</b> done")  # the rocket is two UTF-16 units
    assert render_message(message, ansi=True) == f"bot: 🚀 {BOLD}#42{RESET} done"
    assert render_message(message, ansi=False) == "bot: 🚀 #42 done"


def test_edited_deleted_and_other_chat_messages_say_so() -> None:
    assert render_message(_message("moved"), notes=("edited", "in private")) == \
        "bot (edited, in private): moved"
    assert render_message(_message("gone", deleted=True)) == "bot: (deleted this message)"
    assert button_lines(None) == []


def test_callback_answers_show_alerts_and_notices_but_not_silence() -> None:
    assert render_answer(CallbackAnswer("1", "Only Bob can press this", True)) == \
        "bot (alert): Only Bob can press this"
    assert render_answer(CallbackAnswer("2", "Undone", False)) == "bot (notice): Undone"
    assert render_answer(CallbackAnswer("3", None, False)) is None


@pytest.mark.parametrize(("line", "action"), [
    ("/sp 42 8\n", Say("/sp 42 8")),
    ("  /task 42  ", Say("/task 42")),
    ("", Simple("skip")),
    ("# narration", Simple("skip")),
    (":as Bob", SwitchMember("Bob")),
    (":as", Invalid("usage: :as <name>")),
    (":chat private", SwitchChat("private")),
    (":chat g", SwitchChat("group")),
    (":chat lobby", Invalid("usage: :chat group|private")),
    (":press 2", Press(2)),
    (":press two", Invalid("usage: :press <n>, n being a button's number")),
    (":press 0", Invalid("usage: :press <n>, n being a button's number")),
    (":reply 13", ReplyTo("13")),
    (":reply", Invalid("usage: :reply <text>")),
    (":members", Simple("members")),
    (":HELP", Simple("help")),
    (":quit", Simple("quit")),
    (":q", Simple("quit")),
    (":quit now", Invalid(":quit takes no arguments")),
    (":dance", Invalid("unknown meta-command :dance (:help lists them)")),
])
def test_meta_commands_parse(line: str, action: object) -> None:
    assert parse_line(line) == action


async def test_the_seed_puts_fix_login_crash_at_42_in_the_active_sprint() -> None:
    portal, telegram = PortalEmulator(), TelegramEmulator()
    world = seed_demo(portal, telegram)
    item = portal.item(42)
    assert portal.task(42).title == "Fix login crash" and item is not None
    assert item.story_points == "5" and portal.entity(item.entity_id).name == "Sprint 2"
    assert portal.item(world.adopt_task) is None
    assert portal.task(world.adopt_task).group_id != world.scrum_id
    assert [m.name for m in world.members] == ["Alice", "Bob", "Carol"]
    assert world.member("bo") == world.members[1] and world.member("") is None


@pytest.fixture
async def chat() -> AsyncIterator[tuple[TelegramEmulator, DemoWorld, Bot]]:
    """The demo's Telegram world with a hand-driven bot instead of the real one."""
    async with TelegramEmulator() as telegram:
        world = seed_demo(PortalEmulator(), telegram)
        async with Bot(telegram.token, base_url=telegram.base_url) as bot:
            yield telegram, world, bot


async def _answer_the_press(bot: Bot, chat_id: int, message_id: int) -> None:
    """What a bot does with a pressed button: answer with an alert, edit the message."""
    for _ in range(40):
        updates = await bot.get_updates(timeout=0.25)
        queries = [u.callback_query for u in updates if u.callback_query is not None]
        if queries:
            assert queries[0].data == "k2" and queries[0].from_user.first_name == "Bob"
            await bot.answer_callback_query(queries[0].id, "Moved by Bob", show_alert=True)
            await bot.edit_message_text("Moved to <b>Sprint 3</b>", chat_id=chat_id,
                                        message_id=message_id, parse_mode="HTML")
            return
    raise AssertionError("no callback query arrived")


async def test_pressing_a_button_shows_the_alert_and_the_edited_message(
    chat: tuple[TelegramEmulator, DemoWorld, Bot],
) -> None:
    telegram, world, bot = chat
    out = io.StringIO()
    session = Session(telegram, world, out, ansi=False)
    session.start()
    sent = await bot.send_message(world.group_chat, "Where to?",
                                  reply_markup=InlineKeyboardMarkup([[
                                      InlineKeyboardButton("Backlog", callback_data="k1"),
                                      InlineKeyboardButton("Sprint 3", callback_data="k2")]]))
    assert await session.handle(SwitchMember("bob"))
    assert out.getvalue() == "bot: Where to?\n  [1] Backlog  [2] Sprint 3\n"
    bot_side = asyncio.create_task(_answer_the_press(bot, world.group_chat, sent.message_id))
    assert await asyncio.wait_for(session.handle(Press(2)), 15)
    await bot_side
    assert out.getvalue().endswith(
        "bot (alert): Moved by Bob\nbot (edited): Moved to Sprint 3\n"
    ) or out.getvalue().endswith("bot (edited): Moved to Sprint 3\nbot (alert): Moved by Bob\n")
    assert not await session.handle(Simple("quit"))


async def test_a_link_button_opens_the_private_chat_with_its_start_payload(
    chat: tuple[TelegramEmulator, DemoWorld, Bot],
) -> None:
    telegram, world, bot = chat
    out = io.StringIO()
    session = Session(telegram, world, out, ansi=False)
    session.start()
    url = f"https://t.me/{telegram.bot_username}?start=link"
    await bot.send_message(world.group_chat, "Link first", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Link my Bitrix24 account", url=url)]]))
    assert await session.handle(SwitchChat("group"))  # shows the message with its button
    pressing = asyncio.create_task(session.handle(Press(1)))
    updates: list[object] = []
    for _ in range(40):
        updates = list(await bot.get_updates(timeout=0.25))
        if updates:
            break
    message = updates[0].message  # type: ignore[attr-defined]
    assert message.text == "/start link" and message.chat.id == world.members[0].user.id
    await bot.send_message(message.chat.id, "Send me your webhook URL")
    assert await asyncio.wait_for(pressing, 15)
    assert session.prompt == "[Alice @ private] > "
    assert out.getvalue() == (
        "bot: Link first\n  [1] Link my Bitrix24 account\n"
        "(the button opens your private chat with the bot)\nbot: Send me your webhook URL\n")
