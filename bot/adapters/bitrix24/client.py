"""The HTTP client for a member's Bitrix24 webhook: single calls and `batch`.

Every request goes through, in order: the portal's circuit breaker (`breaker.py`), the
operating-time meter (`operating.py`), the portal's leaky bucket (`limiter.py`), then one HTTP
round trip; failures are retried as `retry.py` says. Every failure leaves this module as a
`bot.core.errors.TrackerError` (see `errors.py`). The webhook secret is inside every URL, so
neither log lines nor error descriptions carry URLs: logs name the portal and the method only,
and aiohttp's exceptions (some of which quote the URL) are replaced, not chained.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import aiohttp

from bot.adapters.bitrix24.answers import (
    BatchResult,
    Command,
    envelope,
    parse_batch,
    part,
    transport_error,
)
from bot.adapters.bitrix24.breaker import CircuitBreakers
from bot.adapters.bitrix24.errors import false_result
from bot.adapters.bitrix24.limiter import MemoryLimiter, RateLimiter
from bot.adapters.bitrix24.operating import OperatingMeter
from bot.adapters.bitrix24.query import php_query
from bot.adapters.bitrix24.retry import RetryPolicy, breaks_circuit, is_repeatable
from bot.core.errors import CredentialsRejected, PortalUnavailable, RateLimited, TrackerError
from bot.core.model import Credential

__all__ = ["MAX_BATCH", "BatchResult", "Bitrix24Client", "Command", "php_query"]

logger = logging.getLogger(__name__)

MAX_BATCH = 50
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Failed(Exception):
    """One try failed: the error, and the HTTP status when there was an answer."""

    error: TrackerError
    status: int | None


class Bitrix24Client:
    """Calls Bitrix24 REST methods through a member's incoming webhook, within the limits."""

    def __init__(
        self, session: aiohttp.ClientSession, *, timeout: float = 15.0,
        limiter: RateLimiter | None = None, retry: RetryPolicy | None = None,
        breakers: CircuitBreakers | None = None, operating: OperatingMeter | None = None,
        clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep, rng: random.Random | None = None,
    ) -> None:  # fmt: skip
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._limiter = limiter or MemoryLimiter(clock=clock, sleep=sleep)
        self._retry = retry or RetryPolicy()
        self._breakers = breakers or CircuitBreakers(clock=clock, wall=wall)
        self._operating = operating or OperatingMeter()
        self._clock, self._wall, self._sleep = clock, wall, sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets

    async def call(
        self, credential: Credential, method: str, params: Mapping[str, object] | None = None
    ) -> object:
        """Run one method and return its `result`; errors become TrackerError."""
        body = await self._send(credential, method, params or {}, (method,))
        result = body["result"]
        if result is False:
            raise _logged(credential, method, false_result(method))
        return result

    async def batch(
        self, credential: Credential, commands: Mapping[str, Command], *, halt: bool
    ) -> BatchResult:
        """Run up to 50 methods in one request; `halt` stops at the first failing one."""
        if len(commands) > MAX_BATCH:
            raise ValueError(f"a batch holds at most {MAX_BATCH} commands, got {len(commands)}")
        cmd = {key: f"{method}?{php_query(params)}" for key, (method, params) in commands.items()}
        methods = ("batch", *(method for method, _ in commands.values()))
        params = {"halt": 1 if halt else 0, "cmd": cmd}
        result = (await self._send(credential, "batch", params, methods))["result"]
        if result is False:
            raise _logged(credential, "batch", false_result("batch"))
        if isinstance(result, dict):
            for key, block in part(result.get("result_time")).items():
                if key in commands:
                    self._operating.observe(_key(credential, commands[key][0]), block)
        parsed = parse_batch(result, commands)
        for key, error in parsed.errors.items():
            name = commands[key][0] if key in commands else f"batch[{key}]"
            parsed.errors[key] = _logged(credential, name, _scrubbed(error, credential))
        return parsed

    async def _send(
        self, credential: Credential, method: str, params: Mapping[str, object],
        methods: Sequence[str],
    ) -> Mapping[str, object]:  # fmt: skip
        """Try one request until it succeeds or the retry policy gives up."""
        repeatable, started, attempt = is_repeatable(methods), self._clock(), 0
        while True:
            attempt += 1
            try:
                return await self._attempt(credential, method, params, methods)
            except _Failed as failed:
                error, status = _scrubbed(failed.error, credential), failed.status
            delay = self._retry.delay(
                error, status, attempt, repeatable=repeatable, now=self._wall(), rng=self._rng
            )
            if delay is None or self._clock() - started + delay > self._retry.total:
                raise _logged(credential, method, error) from None
            logger.info(
                "Bitrix24 %s on %s: %s, try %d in %.1f s",
                method, credential.portal, error.code, attempt + 1, delay,
            )  # fmt: skip
            await self._sleep(delay)

    async def _attempt(
        self, credential: Credential, method: str, params: Mapping[str, object],
        methods: Sequence[str],
    ) -> Mapping[str, object]:  # fmt: skip
        """One try: breaker, operating-time pace, a slot in the bucket, one round trip."""
        portal = credential.portal
        try:
            self._breakers.before(portal)
        except TrackerError as error:
            raise _Failed(error, None) from None
        await self._pace(credential, methods)
        await self._limiter.acquire(portal)
        logger.debug("Bitrix24 %s on %s", method, portal)
        status: int | None = None
        try:
            status, content_type, raw = await self._exchange(credential.endpoint + method, params)
            body = envelope(status, content_type, raw)
        except TrackerError as error:
            self._after_failure(credential, method, error, status)
            raise _Failed(error, status) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            lost = transport_error(exc, self._timeout.total)
            self._after_failure(credential, method, lost, None)
            raise _Failed(lost, None) from None
        self._breakers.answered(portal)
        self._operating.observe(_key(credential, method), body.get("time"))
        return body

    def _after_failure(
        self, credential: Credential, method: str, error: TrackerError, status: int | None
    ) -> None:
        """Tell the breaker and the operating meter what a failed try showed."""
        if breaks_circuit(error, status):
            self._breakers.failed(credential.portal)
        elif status is not None:
            self._breakers.answered(credential.portal)
        if isinstance(error, RateLimited) and error.retry_at is not None:
            reset_at = error.retry_at.timestamp()
            self._operating.block(_key(credential, method), reset_at)

    async def _pace(self, credential: Credential, methods: Sequence[str]) -> None:
        """Slow down a method whose operating time nears its budget; wait out a short block."""
        keys = [_key(credential, method) for method in methods]
        try:
            pause = self._operating.wait_before(keys, self._wall(), self._retry.operating_wait)
        except RateLimited as error:
            raise _Failed(error, None) from None
        if pause > 0:
            logger.info("Bitrix24 %s: operating time is high, waiting %.1f s", methods[0], pause)
            await self._sleep(pause)

    async def _exchange(self, url: str, params: Mapping[str, object]) -> tuple[int, str, bytes]:
        """One HTTP round trip: status, content type and raw body."""
        async with self._session.post(
            url, json=dict(params), timeout=self._timeout, allow_redirects=False
        ) as response:
            return response.status, response.content_type, await response.read()


def _key(credential: Credential, method: str) -> tuple[str, int, str]:
    """Whose operating-time budget a method draws on: (portal, webhook user, method)."""
    return credential.portal, credential.user_id, method.lower()


def _scrubbed(error: TrackerError, credential: Credential) -> TrackerError:
    """The same error with the webhook secret masked out of its description."""
    if not credential.secret or credential.secret not in error.description:
        return error
    return replace(error, description=error.description.replace(credential.secret, "***"))


_OPERATOR_ERRORS = (PortalUnavailable, RateLimited, CredentialsRejected)


def _logged(credential: Credential, method: str, error: TrackerError) -> TrackerError:
    """Log a failure by portal, method and code (never the URL) and hand it back.

    A portal that fails or limits us is a WARNING; a refusal about one task (not found, not in
    the Scrum, no access) is the member's business, answered in the chat, so only INFO.
    """
    level = logging.WARNING if isinstance(error, _OPERATOR_ERRORS) else logging.INFO
    logger.log(
        level,
        "Bitrix24 %s on %s failed: %s %s",
        method,
        credential.portal,
        type(error).__name__,
        error.code,
    )
    return error
