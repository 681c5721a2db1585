"""A circuit breaker per portal: a portal that stopped answering costs its chats seconds.

After `threshold` consecutive requests that got no HTTP answer or a 5xx, the portal's breaker
opens: for `cooldown` seconds every request fails at once with PortalUnavailable (code
PORTAL_NOT_ANSWERING) saying when the bot will try again. Then one probe request goes through
(half-open): an answer closes the breaker, another failure opens it for a new cooldown. Other
portals have breakers of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.adapters.bitrix24.limiter import portal_key
from bot.core.errors import PortalUnavailable

__all__ = ["BreakerPolicy", "CircuitBreakers"]

OPEN_CODE = "PORTAL_NOT_ANSWERING"


@dataclass(frozen=True)
class BreakerPolicy:
    """How many consecutive failures open a breaker, and for how long."""

    threshold: int = 3
    cooldown: float = 20.0


@dataclass
class _State:
    failures: int = 0
    open_until: float | None = None  # monotonic; None while closed
    probe_until: float | None = None  # a probe is out until then (half-open)


class CircuitBreakers:
    """The breakers of every portal the bot talks to."""

    def __init__(
        self,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy or BreakerPolicy()
        self._clock, self._wall = clock, wall
        self._states: dict[str, _State] = {}

    def before(self, portal: str) -> None:
        """Let a request to `portal` go, or raise PortalUnavailable while its breaker is open."""
        state = self._states.get(portal_key(portal))
        if state is None or state.open_until is None:
            return
        now = self._clock()
        if now < state.open_until:
            raise self._open_error(state.open_until - now)
        if state.probe_until is not None and now < state.probe_until:
            raise self._open_error(state.probe_until - now)
        state.probe_until = now + self.policy.cooldown

    def answered(self, portal: str) -> None:
        """The portal answered (any non-5xx status): close its breaker."""
        self._states.pop(portal_key(portal), None)

    def failed(self, portal: str) -> None:
        """No HTTP answer or a 5xx: count it, and open the breaker at the threshold."""
        state = self._states.setdefault(portal_key(portal), _State())
        state.failures += 1
        if state.open_until is not None or state.failures >= self.policy.threshold:
            state.open_until = self._clock() + self.policy.cooldown
            state.probe_until = None

    def is_open(self, portal: str) -> bool:
        """True while requests to `portal` fail fast."""
        state = self._states.get(portal_key(portal))
        return state is not None and state.open_until is not None

    def _open_error(self, seconds: float) -> PortalUnavailable:
        retry = datetime.fromtimestamp(self._wall() + seconds, UTC)
        return PortalUnavailable(
            OPEN_CODE,
            f"the portal is not answering; the bot tries again in {math.ceil(seconds)} s "
            f"(at {retry:%H:%M:%S} UTC)",
        )
