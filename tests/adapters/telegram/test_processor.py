"""The update processor: one chat in order, chats in parallel, a bounded number at once."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from bot.adapters.telegram.processor import ChatOrderedProcessor

TEAM_A, TEAM_B = -1001, -1002
ALICE = {"id": 1001, "is_bot": False, "first_name": "Alice"}


def message(update_id: int, chat_id: int) -> Update:
    chat = {"id": chat_id, "type": "supergroup", "title": "Team"}
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": chat, "from": ALICE, "text": "/sp"}}, None)


def press(update_id: int, chat_id: int) -> Update:
    chat = {"id": chat_id, "type": "supergroup", "title": "Team"}
    bot_message = {"message_id": 1, "date": 0, "chat": chat, "text": "pick"}
    return Update.de_json({"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": ALICE, "chat_instance": "1", "data": "p",
        "message": bot_message}}, None)


def inline(update_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "inline_query": {
        "id": str(update_id), "from": ALICE, "query": "", "offset": ""}}, None)


class Journal:
    """What the handlers did, in order, and how many ran at once."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.running = 0
        self.most = 0

    async def work(self, name: str, seconds: float) -> None:
        self.events.append(f"start {name}")
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(seconds)
        self.running -= 1
        self.events.append(f"end {name}")

    def before(self, first: str, then: str) -> bool:
        return self.events.index(first) < self.events.index(then)


async def run_all(processor: ChatOrderedProcessor, journal: Journal,
                  work: list[tuple[Update, str, float]]) -> None:
    """Hand the updates over in arrival order, as the Application does, and wait for all."""
    tasks: list[asyncio.Task[Any]] = [
        asyncio.create_task(processor.process_update(update, journal.work(name, seconds)))
        for update, name, seconds in work]
    await asyncio.wait_for(asyncio.gather(*tasks), 5)


async def test_one_chat_in_order_while_another_goes_on() -> None:
    journal = Journal()
    await run_all(ChatOrderedProcessor(64), journal, [
        (message(1, TEAM_A), "a1", 0.2), (message(2, TEAM_A), "a2", 0.0),
        (message(3, TEAM_B), "b1", 0.0)])
    assert journal.before("end a1", "start a2")
    assert journal.before("end b1", "end a1")


async def test_waiting_behind_a_busy_chat_holds_no_slot() -> None:
    journal = Journal()
    slow_chat = [(message(n, TEAM_A), f"a{n}", 0.2) for n in range(1, 5)]
    await run_all(ChatOrderedProcessor(2), journal, [*slow_chat, (message(9, TEAM_B), "b", 0.0)])
    assert journal.before("end b", "end a1")
    assert journal.most == 2


async def test_at_most_the_limit_run_at_once() -> None:
    journal = Journal()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await run_all(ChatOrderedProcessor(2), journal,
                  [(message(n, -1000 - n), f"c{n}", 0.1) for n in range(6)])
    assert journal.most == 2
    assert loop.time() - started >= 0.3


async def test_one_at_a_time_when_the_limit_is_one() -> None:
    journal = Journal()
    await run_all(ChatOrderedProcessor(1), journal,
                  [(message(1, TEAM_A), "a", 0.2), (message(2, TEAM_B), "b", 0.0)])
    assert journal.events == ["start a", "end a", "start b", "end b"]


async def test_button_presses_queue_with_their_chat_and_users_without_chat() -> None:
    journal = Journal()
    await run_all(ChatOrderedProcessor(64), journal, [
        (message(1, TEAM_A), "command", 0.2), (press(2, TEAM_A), "press", 0.0),
        (inline(3), "inline 1", 0.2), (inline(4), "inline 2", 0.0)])
    assert journal.before("end command", "start press")
    assert journal.before("end inline 1", "start inline 2")
    assert journal.before("start inline 1", "end command")  # other keys still in parallel


async def test_shutdown_waits_for_updates_in_flight() -> None:
    journal, processor = Journal(), ChatOrderedProcessor(64)
    task = asyncio.create_task(processor.process_update(message(1, TEAM_A),
                                                        journal.work("a", 0.2)))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(processor.shutdown(), 5)
    assert journal.events == ["start a", "end a"]
    await task


async def test_a_cancelled_waiting_update_never_runs_and_keeps_the_order() -> None:
    journal, processor = Journal(), ChatOrderedProcessor(64)
    first = asyncio.create_task(processor.process_update(message(1, TEAM_A),
                                                         journal.work("a1", 0.2)))
    waiting = asyncio.create_task(processor.process_update(message(2, TEAM_A),
                                                           journal.work("a2", 0.0)))
    third = asyncio.create_task(processor.process_update(message(3, TEAM_A),
                                                         journal.work("a3", 0.0)))
    await asyncio.sleep(0.01)
    waiting.cancel()
    await asyncio.wait_for(asyncio.gather(first, third), 5)
    assert journal.events == ["start a1", "end a1", "start a3", "end a3"]
    assert waiting.cancelled()
