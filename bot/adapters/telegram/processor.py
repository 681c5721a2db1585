"""Chats in parallel, each chat in order: one slow portal no longer stalls every team."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# PTB holds its own semaphore around `do_process_update`, also while an update only waits for
# its chat's turn. That one stays wide open; `running_limit` bounds the handlers that run.
ADMITTED_UPDATES = 100_000


def order_key(update: object) -> Hashable | None:
    """Updates with the same key are handled one after another: the chat, else the user."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:  # a button press counts for its message's chat
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat in arrival order."""

    __slots__ = ("_idle", "_in_flight", "_relays", "_running", "_running_limit", "_tails")

    def __init__(self, running_limit: int) -> None:
        if running_limit < 1:
            raise ValueError("running_limit must be a positive integer")
        # 1: PTB's own path, each update awaited before the next is fetched
        super().__init__(1 if running_limit == 1 else max(ADMITTED_UPDATES, running_limit))
        self._running_limit = running_limit
        self._running = asyncio.Semaphore(running_limit)
        self._tails: dict[Hashable, asyncio.Event] = {}
        self._relays: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def running_limit(self) -> int:
        """How many updates may be handled at the same moment."""
        return self._running_limit

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's previous update (holding no slot), then run within the limit."""
        key = order_key(update)
        previous = self._tails.get(key) if key is not None else None
        done = asyncio.Event()
        if key is not None:  # registered before the first await: arrival order is kept
            self._tails[key] = done
        self._enter()
        started = False
        try:
            if previous is not None:
                await previous.wait()
            async with self._running:
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never run, never leaked
            if previous is not None and not previous.is_set():  # the next waits for both
                self._relay(key, previous, done)
            else:
                self._finish(key, done)
            self._leave()

    def _finish(self, key: Hashable | None, done: asyncio.Event) -> None:
        done.set()
        if key is not None and self._tails.get(key) is done:
            del self._tails[key]

    def _relay(self, key: Hashable | None, previous: asyncio.Event, done: asyncio.Event) -> None:
        """Mark `done` only once `previous` is: a cancelled waiter must not let the next jump."""

        async def relay() -> None:
            await previous.wait()
            self._finish(key, done)

        task = asyncio.create_task(relay())
        self._relays.add(task)
        task.add_done_callback(self._relays.discard)

    def _enter(self) -> None:
        self._in_flight += 1
        self._idle.clear()

    def _leave(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle.set()

    async def initialize(self) -> None:
        """Nothing to open: the state lives in this object."""

    async def shutdown(self) -> None:
        """Wait for updates still being handled (Application.stop normally awaited them)."""
        if self._in_flight:
            log.info("waiting for %s updates still being handled", self._in_flight)
        await self._idle.wait()
