"""The emulator's fault and limit controls: failures, hangs, drops, latency, both limits."""

from __future__ import annotations

from .limits import Fault
from .server import RestServer


class FaultControls:
    """Make the emulated portal misbehave the ways real portals and their proxies do."""

    _server: RestServer

    def fail_next(
        self, count: int = 1, *, status: int = 503, error: str = "QUERY_LIMIT_EXCEEDED",
        description: str = "Too many requests", html: bool = False, hang: bool = False,
        in_body_200: bool = False, drop: bool = False, reset_in: float | None = None,
    ) -> None:  # fmt: skip
        """Make the next ``count`` requests fail in the given way.

        ``drop`` closes the connection without an answer; ``reset_in`` adds a ``time`` block
        whose ``operating_reset_at`` is that many seconds ahead (for OPERATION_TIME_LIMIT).
        """
        fault = Fault(status, error, description, html, hang, in_body_200, drop, reset_in)
        self._server.faults.queued.extend([fault] * count)

    def fail_always(
        self, *, status: int = 503, error: str = "QUERY_LIMIT_EXCEEDED",
        description: str = "Too many requests", html: bool = False, hang: bool = False,
        in_body_200: bool = False, drop: bool = False, reset_in: float | None = None,
    ) -> None:  # fmt: skip
        """Make every request fail in the given way (after queued faults) until cleared."""
        fault = Fault(status, error, description, html, hang, in_body_200, drop, reset_in)
        self._server.faults.always = fault

    def clear_faults(self) -> None:
        """Forget queued and persistent faults: the portal answers normally again."""
        self._server.faults.clear()

    @property
    def latency(self) -> float:
        """Seconds added before every answer."""
        return self._server.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._server.latency = seconds

    @property
    def hang_seconds(self) -> float:
        """How long a ``hang`` fault sleeps before answering (default 60)."""
        return self._server.hang_seconds

    @hang_seconds.setter
    def hang_seconds(self, seconds: float) -> None:
        self._server.hang_seconds = seconds

    def set_rate_limit(self, enabled: bool, *, burst: int = 50, per_second: float = 2.0) -> None:
        """Switch the per-portal leaky bucket (§8.1) on or off."""
        self._server.bucket.configure(enabled, burst, per_second)

    def set_operating_limit(self, seconds: float | None, *, charge: float | None = None) -> None:
        """Refuse a method with 429 once a webhook used ``seconds`` of it in 10 minutes (§8.3).

        ``charge`` bills every call that many seconds instead of its measured time, so a test
        can use up the budget in a few calls; None for either switches that part off.
        """
        self._server.meter.limit = seconds
        self._server.meter.charge = charge
