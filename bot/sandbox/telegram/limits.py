"""Telegram's flood limits for the emulator: 429 "Too Many Requests: retry after N"."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from bot.sandbox.telegram.models import ApiError

SLACK = 0.1  # seconds of leniency: loopback jitter must not turn a polite bot into a 429


@dataclass(frozen=True)
class RateLimits:
    """Sends allowed: a burst then a rate per chat, a window per group, a window overall."""

    chat_burst: int = 3
    chat_per_second: float = 1.0
    group_messages: int = 20
    group_period: float = 60.0
    overall_messages: int = 30
    overall_period: float = 1.0


def too_many(retry_after: float) -> ApiError:
    """Telegram's 429 answer with `parameters.retry_after` in whole seconds."""
    seconds = max(1, math.ceil(retry_after))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)


@dataclass
class Gate:
    """Counts sendMessage calls against `RateLimits` and forced failures."""

    limits: RateLimits | None = None
    forced: int = 0
    forced_retry_after: int = 1
    _chats: dict[int, tuple[float, float]] = field(default_factory=dict)  # tokens, at
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _overall: deque[float] = field(default_factory=deque)

    def check(self, chat_id: int, is_group: bool) -> None:
        """Admit one message to the chat, or raise the 429 Telegram would answer."""
        if self.forced > 0:
            self.forced -= 1
            raise too_many(self.forced_retry_after)
        if self.limits is None:
            return
        now = time.monotonic()
        limits = self.limits
        waits = [self._window_wait(self._overall, limits.overall_messages,
                                   limits.overall_period, now)]
        tokens = self._tokens(chat_id, now)
        if tokens < 1 - SLACK * limits.chat_per_second:
            waits.append((1 - tokens) / limits.chat_per_second)
        group = self._groups.setdefault(chat_id, deque()) if is_group else None
        if group is not None:
            waits.append(self._window_wait(group, limits.group_messages, limits.group_period, now))
        if max(waits) > 0:
            raise too_many(max(waits))
        self._chats[chat_id] = (tokens - 1, now)
        self._overall.append(now)
        if group is not None:
            group.append(now)

    def _tokens(self, chat_id: int, now: float) -> float:
        assert self.limits is not None
        tokens, at = self._chats.get(chat_id, (float(self.limits.chat_burst), now))
        return min(float(self.limits.chat_burst), tokens + (now - at) * self.limits.chat_per_second)

    @staticmethod
    def _window_wait(sent: deque[float], limit: int, period: float, now: float) -> float:
        """0 when one more fits in the window, else the seconds until one does."""
        while sent and sent[0] <= now - (period - SLACK):
            sent.popleft()
        if len(sent) < limit:
            return 0.0
        return sent[len(sent) - limit] + period - SLACK - now
