"""The HTTP client for a member's Bitrix24 webhook: single calls and `batch`.

Every failure leaves this module as a `bot.core.errors.TrackerError` (see `errors.py`). The
webhook secret is inside every URL, so neither log lines nor error descriptions carry URLs:
logs name the portal and the method only, and aiohttp's exceptions (some of which quote the
URL) are replaced, not chained.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import aiohttp

from bot.adapters.bitrix24.errors import (
    false_result,
    tracker_error,
    unavailable,
    unexpected,
)
from bot.adapters.bitrix24.query import php_query
from bot.core.errors import TrackerError
from bot.core.model import Credential

__all__ = ["MAX_BATCH", "BatchResult", "Bitrix24Client", "php_query"]

logger = logging.getLogger(__name__)

MAX_BATCH = 50
Command = tuple[str, Mapping[str, object]]


@dataclass(frozen=True)
class BatchResult:
    """What each sub-command of one `batch` gave: a result or an error, by key."""

    results: dict[str, object]
    errors: dict[str, TrackerError]
    totals: dict[str, object] = field(default_factory=dict)
    nexts: dict[str, object] = field(default_factory=dict)


class Bitrix24Client:
    """Calls Bitrix24 REST methods through a member's incoming webhook."""

    def __init__(self, session: aiohttp.ClientSession, *, timeout: float = 15.0) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def call(
        self, credential: Credential, method: str, params: Mapping[str, object] | None = None
    ) -> object:
        """Run one method and return its `result`; errors become TrackerError."""
        body = await self._post(credential, method, params or {})
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
        result = await self.call(credential, "batch", {"halt": 1 if halt else 0, "cmd": cmd})
        parsed = _parse_batch(result, commands)
        for key, error in parsed.errors.items():
            name = commands[key][0] if key in commands else f"batch[{key}]"
            parsed.errors[key] = _logged(credential, name, _scrubbed(error, credential))
        return parsed

    async def _post(
        self, credential: Credential, method: str, params: Mapping[str, object]
    ) -> Mapping[str, object]:
        """POST one method as JSON and return the success envelope."""
        logger.debug("Bitrix24 %s on %s", method, credential.portal)
        try:
            status, content_type, raw = await self._exchange(credential.endpoint + method, params)
            return _envelope(status, content_type, raw)
        except TrackerError as e:
            error = e
        except (TimeoutError, aiohttp.ClientError) as e:
            error = _transport_error(e, self._timeout.total)
        raise _logged(credential, method, _scrubbed(error, credential)) from None

    async def _exchange(self, url: str, params: Mapping[str, object]) -> tuple[int, str, bytes]:
        """One HTTP round trip: status, content type and raw body."""
        async with self._session.post(
            url, json=dict(params), timeout=self._timeout, allow_redirects=False
        ) as response:
            return response.status, response.content_type, await response.read()


def _transport_error(error: Exception, timeout: float | None) -> TrackerError:
    """The PortalUnavailable for a request that got no HTTP answer."""
    if isinstance(error, TimeoutError):
        return unavailable("TIMEOUT", f"no answer within {timeout or 0:g} s")
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return unavailable("DNS", "the portal's host name does not resolve")
    if isinstance(error, aiohttp.ClientSSLError):
        return unavailable("TLS", "the portal's TLS handshake failed")
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.strerror or "refused or unreachable"
        return unavailable("CONNECTION", f"cannot connect to the portal ({reason})")
    if isinstance(error, aiohttp.InvalidURL):
        return unavailable("INVALID_URL", "the webhook address is not a valid URL")
    return unavailable("CONNECTION", f"the connection failed ({type(error).__name__})")


def _envelope(status: int, content_type: str, raw: bytes) -> Mapping[str, object]:
    """The success envelope of one answer, or the TrackerError it describes."""
    try:
        body = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError:
        kind = content_type or "no content type"
        code = f"HTTP_{status}" if status >= 400 else "NOT_JSON"
        raise unavailable(code, f"HTTP {status} with a {kind} body, not JSON") from None
    if isinstance(body, dict):
        if body.get("error") is not None:
            raise tracker_error(body["error"], body.get("error_description"), body.get("time"))
        if "result" in body:
            return body
    if status >= 400:
        raise unavailable(f"HTTP_{status}", f"HTTP {status} without a Bitrix24 error")
    raise unexpected("the answer has neither result nor error")


def _parse_batch(result: object, commands: Mapping[str, Command]) -> BatchResult:
    """Split a batch answer into results and errors by key, tolerating `[]` parts."""
    if not isinstance(result, dict):
        raise unexpected("batch answered without its result maps")
    results = _part(result.get("result"))
    times = _part(result.get("result_time"))
    errors: dict[str, TrackerError] = {}
    for key, value in _part(result.get("result_error")).items():
        if not isinstance(value, dict):
            raise unexpected(f"batch error for {key} is not an object")
        code, text = value.get("error"), value.get("error_description")
        errors[key] = tracker_error(code, text, times.get(key))
    for key in [k for k, v in results.items() if v is False and k not in errors]:
        errors[key] = false_result(commands[key][0] if key in commands else key)
        del results[key]
    totals, nexts = _part(result.get("result_total")), _part(result.get("result_next"))
    return BatchResult(results=results, errors=errors, totals=totals, nexts=nexts)


def _part(value: object) -> dict[str, object]:
    """One of the five batch maps: an object, a list (list-form cmd) or `[]` when empty."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    raise unexpected("a batch result map is neither an object nor a list")


def _scrubbed(error: TrackerError, credential: Credential) -> TrackerError:
    """The same error with the webhook secret masked out of its description."""
    if not credential.secret or credential.secret not in error.description:
        return error
    return replace(error, description=error.description.replace(credential.secret, "***"))


def _logged(credential: Credential, method: str, error: TrackerError) -> TrackerError:
    """Log a failure by portal, method and code (never the URL) and hand it back."""
    logger.warning(
        "Bitrix24 %s on %s failed: %s %s",
        method,
        credential.portal,
        type(error).__name__,
        error.code,
    )
    return error
