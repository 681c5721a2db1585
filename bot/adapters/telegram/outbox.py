"""The send path: replies wait per chat for Telegram's budget, merged when several pile up."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from dataclasses import dataclass, replace
from datetime import timedelta

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram.merging import Reply, combine, mergeable_run
from bot.adapters.telegram.send_limits import TELEGRAM_LIMITS, SendBudget, SendLimits

log = logging.getLogger(__name__)
__all__ = ["Outbox", "Reply", "close_outbox", "open_outbox", "outbox_of"]


@dataclass
class _Item:
    reply: Reply
    sent: asyncio.Future[Message] | None = None


class Outbox:
    """Replies queue here and return at once; one sender per chat delivers them in order."""

    def __init__(
        self, bot: Bot, limits: SendLimits = TELEGRAM_LIMITS, *, max_retries: int = 3,
        longest_wait: float = 60.0,
    ) -> None:
        self._bot = bot
        self._budget = SendBudget(limits)
        self._max_retries, self._longest_wait = max_retries, longest_wait
        self._queues: dict[int, deque[_Item]] = {}
        self._senders: dict[int, asyncio.Task[None]] = {}
        self._closed = False

    def post(self, reply: Reply) -> None:
        """Queue a reply and return; it goes out when the chat's budget allows."""
        self._queue(_Item(reply))

    async def send_now(self, reply: Reply) -> Message:
        """Queue a reply that is never merged and wait for the Message Telegram made of it."""
        sent: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._queue(_Item(replace(reply, mergeable=False), sent))
        return await sent

    def pending(self) -> int:
        """Replies not yet handed to Telegram."""
        return sum(len(queue) for queue in self._queues.values())

    async def close(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - a bound, not I/O
        """Deliver what is queued (bounded by `timeout`), then refuse new replies."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._senders:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await asyncio.wait(list(self._senders.values()), timeout=remaining)
        self._closed = True
        if self._senders:
            log.warning("outbox closed with %s replies unsent", self.pending())
            for sender in list(self._senders.values()):
                sender.cancel()
            await asyncio.gather(*self._senders.values(), return_exceptions=True)

    def _queue(self, item: _Item) -> None:
        chat_id = item.reply.chat_id
        if self._closed:
            log.warning("a reply to chat %s came after shutdown; dropped", chat_id)
            if item.sent is not None:
                item.sent.set_exception(RuntimeError("the outbox is closed"))
            return
        self._queues.setdefault(chat_id, deque()).append(item)
        if chat_id not in self._senders:
            self._senders[chat_id] = asyncio.create_task(
                self._drain(chat_id), name=f"outbox:{chat_id}")

    async def _drain(self, chat_id: int) -> None:
        """Send the chat's queue in order, each message when the budget allows it."""
        queue = self._queues[chat_id]
        try:
            while queue:
                await self._wait_for_budget(chat_id)
                batch = self._next_batch(chat_id, queue)
                self._budget.take(chat_id)
                await self._deliver(batch)
        finally:
            del self._queues[chat_id], self._senders[chat_id]
            for item in queue:
                if item.sent is not None and not item.sent.done():
                    item.sent.set_exception(RuntimeError("the outbox is closed"))
            if not self._senders:
                self._budget.forget_idle()

    async def _wait_for_budget(self, chat_id: int) -> None:
        """Sleep until a message to the chat fits every limit (time frees budget, not events)."""
        delay = self._budget.delay(chat_id)
        while delay > 0:
            await asyncio.sleep(delay)
            delay = self._budget.delay(chat_id)

    def _next_batch(self, chat_id: int, queue: deque[_Item]) -> list[_Item]:
        """The head alone while the budget keeps up; else as many as fit in one message."""
        if len(queue) <= self._budget.spare(chat_id) or queue[0].sent is not None:
            return [queue.popleft()]
        count = mergeable_run([item.reply for item in queue])
        return [queue.popleft() for _ in range(count)]

    async def _deliver(self, batch: list[_Item]) -> None:
        """Send one message for the batch; a failure is logged and the batch dropped."""
        reply = combine([item.reply for item in batch])
        waiting = [item.sent for item in batch if item.sent is not None]
        try:
            message = await self._send(reply)
        except Exception as error:  # one reply is lost, never the chat's sender
            if isinstance(error, TelegramError):
                log.warning("reply to chat %s dropped: %s: %s",
                            reply.chat_id, type(error).__name__, error.message)
            else:  # no message text: it could quote a URL that holds the token
                log.error("reply to chat %s dropped: %s", reply.chat_id, type(error).__name__)
            for sent in waiting:
                if not sent.done():
                    sent.set_exception(error)
            return
        for sent in waiting:
            if not sent.done():
                sent.set_result(message)

    async def _send(self, reply: Reply) -> Message:
        """sendMessage in HTML; a 429 waits `retry_after` and tries again, a few times."""
        attempt = 0
        while True:
            try:
                return await self._bot.send_message(
                    reply.chat_id, reply.text, parse_mode=ParseMode.HTML,
                    reply_markup=reply.markup, message_thread_id=reply.thread_id,
                    reply_parameters=_answering(reply.reply_to),
                )  # fmt: skip
            except RetryAfter as error:
                attempt += 1
                if attempt > self._max_retries:
                    raise
                wait = min(retry_seconds(error), self._longest_wait)
                log.info("Telegram asks to wait %.1f s before writing to chat %s",
                         wait, reply.chat_id)
                self._budget.drain(reply.chat_id)
                await asyncio.sleep(wait)
                self._budget.take(reply.chat_id)


def _answering(message_id: int | None) -> ReplyParameters | None:
    """Quote the command; still send if it was deleted meanwhile."""
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's `retry_after`, int or timedelta (PTB warns about that change on reading)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


_OPEN: dict[int, Outbox] = {}


def open_outbox(bot: Bot, limits: SendLimits = TELEGRAM_LIMITS) -> Outbox:
    """Start the outbox that sends this bot's replies (at application start)."""
    outbox = _OPEN[id(bot)] = Outbox(bot, limits)
    return outbox


def outbox_of(bot: Bot) -> Outbox | None:
    """The open outbox of this bot, or None before start and after shutdown."""
    return _OPEN.get(id(bot))


async def close_outbox(bot: Bot, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Deliver the bot's queued replies (bounded), then close its outbox."""
    outbox = _OPEN.get(id(bot))
    if outbox is not None:
        await outbox.close(timeout)
        _OPEN.pop(id(bot), None)
