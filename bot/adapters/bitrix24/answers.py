"""Bitrix24's answers read into envelopes, batch parts and the bot's errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp

from bot.adapters.bitrix24.errors import false_result, tracker_error, unavailable, unexpected
from bot.core.errors import TrackerError

Command = tuple[str, Mapping[str, object]]


@dataclass(frozen=True)
class BatchResult:
    """What each sub-command of one `batch` gave: a result or an error, by key."""

    results: dict[str, object]
    errors: dict[str, TrackerError]
    totals: dict[str, object] = field(default_factory=dict)
    nexts: dict[str, object] = field(default_factory=dict)


def transport_error(error: Exception, timeout: float | None) -> TrackerError:
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


def envelope(status: int, content_type: str, raw: bytes) -> Mapping[str, object]:
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


def parse_batch(result: object, commands: Mapping[str, Command]) -> BatchResult:
    """Split a batch answer into results and errors by key, tolerating `[]` parts."""
    if not isinstance(result, dict):
        raise unexpected("batch answered without its result maps")
    results = part(result.get("result"))
    times = part(result.get("result_time"))
    errors: dict[str, TrackerError] = {}
    for key, value in part(result.get("result_error")).items():
        if not isinstance(value, dict):
            raise unexpected(f"batch error for {key} is not an object")
        code, text = value.get("error"), value.get("error_description")
        errors[key] = tracker_error(code, text, times.get(key))
    for key in [k for k, v in results.items() if v is False and k not in errors]:
        errors[key] = false_result(commands[key][0] if key in commands else key)
        del results[key]
    totals, nexts = part(result.get("result_total")), part(result.get("result_next"))
    return BatchResult(results=results, errors=errors, totals=totals, nexts=nexts)


def part(value: object) -> dict[str, object]:
    """One of the five batch maps: an object, a list (list-form cmd) or `[]` when empty."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    raise unexpected("a batch result map is neither an object nor a list")
