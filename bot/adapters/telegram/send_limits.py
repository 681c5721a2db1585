"""Telegram's send limits as buckets: per chat, per group and overall."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SendLimits:
    """How fast the bot writes: about 1 message/s per chat, 20/min per group, 30/s overall."""

    chat_burst: int = 3
    chat_per_second: float = 1.0
    group_messages: int = 20
    group_period: float = 60.0
    overall_messages: int = 30
    overall_period: float = 1.0


TELEGRAM_LIMITS = SendLimits()


class TokenBucket:
    """`burst` messages at once, then `rate` more per second."""

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst, self.rate = burst, rate
        self._tokens, self._at = float(burst), now

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def delay(self, now: float) -> float:
        """Seconds until one message may go."""
        self._refill(now)
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def spare(self, now: float) -> int:
        """Messages that may go right now."""
        self._refill(now)
        return int(self._tokens)

    def take(self, now: float) -> None:
        self._refill(now)
        self._tokens -= 1

    def drain(self, now: float) -> None:
        """Telegram answered 429: nothing more may go until the bucket refills."""
        self._refill(now)
        self._tokens = min(self._tokens, 0.0)

    def full(self, now: float) -> bool:
        """Whether the bucket forgot every message (it can be dropped)."""
        self._refill(now)
        return self._tokens >= self.burst


class SlidingWindow:
    """At most `limit` messages in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._sent: deque[float] = deque()

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()

    def delay(self, now: float) -> float:
        """Seconds until one message may go."""
        self._forget(now)
        if len(self._sent) < self.limit:
            return 0.0
        return self._sent[len(self._sent) - self.limit] + self.period - now

    def spare(self, now: float) -> int:
        """Messages that may go right now."""
        self._forget(now)
        return max(self.limit - len(self._sent), 0)

    def take(self, now: float) -> None:
        self._sent.append(now)

    def full(self, now: float) -> bool:
        """Whether the window forgot every message (it can be dropped)."""
        self._forget(now)
        return not self._sent


class SendBudget:
    """The three limits together: a message to a chat goes when all of them allow it."""

    def __init__(self, limits: SendLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._overall = SlidingWindow(limits.overall_messages, limits.overall_period)
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}

    def _buckets(self, chat_id: int, now: float) -> list[TokenBucket | SlidingWindow]:
        limits = self.limits
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = TokenBucket(
                limits.chat_burst, limits.chat_per_second, now)
        buckets: list[TokenBucket | SlidingWindow] = [self._overall, chat]
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            group = self._groups.get(chat_id)
            if group is None:  # a leaky bucket: after a burst of 20, one message every 3 s
                group = self._groups[chat_id] = TokenBucket(
                    limits.group_messages, limits.group_messages / limits.group_period, now)
            buckets.append(group)
        return buckets

    def delay(self, chat_id: int) -> float:
        """Seconds until a message to the chat may go."""
        now = self._clock()
        return max(bucket.delay(now) for bucket in self._buckets(chat_id, now))

    def spare(self, chat_id: int) -> int:
        """Messages to the chat that may go right now."""
        now = self._clock()
        return min(bucket.spare(now) for bucket in self._buckets(chat_id, now))

    def take(self, chat_id: int) -> None:
        """Count one message sent to the chat."""
        now = self._clock()
        for bucket in self._buckets(chat_id, now):
            bucket.take(now)

    def drain(self, chat_id: int) -> None:
        """Telegram answered 429 for the chat: its budget counts as spent."""
        now = self._clock()
        self._buckets(chat_id, now)
        self._chats[chat_id].drain(now)

    def forget_idle(self) -> None:
        """Drop the buckets of chats that have not been written to for a while."""
        now = self._clock()
        self._chats = {key: b for key, b in self._chats.items() if not b.full(now)}
        self._groups = {key: b for key, b in self._groups.items() if not b.full(now)}
