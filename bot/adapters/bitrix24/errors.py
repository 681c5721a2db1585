"""The one table that turns Bitrix24's errors into the bot's error tree.

Bitrix24 sends `{"error": <code>, "error_description": <text>}` with HTTP 400/401/403/404/5xx
or even inside an HTTP 200 body, so the decision is taken from the body, never the status.

1. System codes (strings) decide first, compared case-insensitively:
   - QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT → RateLimited (`retry_at` from
     `time.operating_reset_at` when the body carries it).
   - NO_AUTH_FOUND, INVALID_CREDENTIALS, insufficient_scope, expired_token, invalid_token,
     WRONG_AUTH_TYPE, user_access_error, authorization_error, ERROR_OAUTH, invalid_grant,
     APPLICATION_NOT_FOUND, METHOD_CONFIRM_WAITING/DENIED → CredentialsRejected.
   - INVALID_REQUEST → CredentialsRejected: its only known cause is "Https required.", i.e. the
     member's webhook URL uses plain http — the member can fix it by relinking.
   - ERROR_METHOD_NOT_FOUND → CredentialsRejected: every method the bot calls exists on a
     cloud portal, so "Method not found!" means the webhook path is wrong (a mangled user id
     or code segment); relinking with the right URL is the remedy.
   - ACCESS_DENIED (REST only on commercial plans), PORTAL_DELETED, OVERLOAD_LIMIT (REST
     blocked by the portal), INTERNAL_SERVER_ERROR, ERROR_UNEXPECTED_ANSWER → PortalUnavailable:
     the portal, not this member's webhook, is at fault; a new webhook would not help.
   - SONET_CONTROLLER_WORKGROUP_NOT_FOUND (`workgroup.get` for an unknown id) → GroupNotFound.
2. Any other code (business errors carry `0`, parameter errors `100`) is decided by the
   description, compared without case, `<br>` and a trailing dot — see `_BY_DESCRIPTION`;
   anything unknown → TrackerRefused.

Failures without a Bitrix24 answer (timeouts, refused connections, DNS, HTML pages from
proxies, bodies that are not JSON) are PortalUnavailable with codes TIMEOUT, CONNECTION, DNS,
HTTP_<status>, NOT_JSON; a portal whose circuit breaker is open (`breaker.py`) fails fast with
PortalUnavailable PORTAL_NOT_ANSWERING; a `result: false` answer is TrackerRefused with code
RESULT_FALSE. Which of these are asked again is decided in `retry.py`, not here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    EntityNotFound,
    EpicNotFound,
    GroupNotFound,
    ItemNotCreated,
    NotInScrum,
    PortalUnavailable,
    RateLimited,
    TaskNotFound,
    TrackerError,
    TrackerRefused,
)

_RATE_LIMITS = frozenset({"QUERY_LIMIT_EXCEEDED", "OPERATION_TIME_LIMIT"})

_BY_CODE: Mapping[str, type[TrackerError]] = {
    "NO_AUTH_FOUND": CredentialsRejected,
    "INVALID_CREDENTIALS": CredentialsRejected,
    "INSUFFICIENT_SCOPE": CredentialsRejected,
    "EXPIRED_TOKEN": CredentialsRejected,
    "INVALID_TOKEN": CredentialsRejected,
    "INVALID_GRANT": CredentialsRejected,
    "WRONG_AUTH_TYPE": CredentialsRejected,
    "USER_ACCESS_ERROR": CredentialsRejected,
    "AUTHORIZATION_ERROR": CredentialsRejected,
    "ERROR_OAUTH": CredentialsRejected,
    "APPLICATION_NOT_FOUND": CredentialsRejected,
    "METHOD_CONFIRM_WAITING": CredentialsRejected,
    "METHOD_CONFIRM_DENIED": CredentialsRejected,
    "INVALID_REQUEST": CredentialsRejected,
    "ERROR_METHOD_NOT_FOUND": CredentialsRejected,
    "ACCESS_DENIED": PortalUnavailable,
    "PORTAL_DELETED": PortalUnavailable,
    "OVERLOAD_LIMIT": PortalUnavailable,
    "INTERNAL_SERVER_ERROR": PortalUnavailable,
    "ERROR_UNEXPECTED_ANSWER": PortalUnavailable,
    "SONET_CONTROLLER_WORKGROUP_NOT_FOUND": GroupNotFound,
}

_BY_DESCRIPTION: Mapping[str, type[TrackerError]] = {
    "task not found": TaskNotFound,
    "task id not found": TaskNotFound,
    "task not found. the task must be in the project of the entity": NotInScrum,
    "task not found. the task must be with group_id": NotInScrum,
    "epic not found": EpicNotFound,
    "entity not found": EntityNotFound,
    "entity id not found": EntityNotFound,
    "sprint not found": EntityNotFound,
    "sprint id not found": EntityNotFound,
    "access denied": AccessDenied,
    "action on the task is not allowed": AccessDenied,  # tasks.task.add / update
    "item not created": ItemNotCreated,
    "group id not found": GroupNotFound,
    "group is not found": GroupNotFound,
    "workgroup not found": GroupNotFound,
    "backlog not found": GroupNotFound,
}

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_description(text: object) -> str:
    """Bitrix24's error text as a member may read it: trimmed, without `<br>`."""
    if text is None:
        return ""
    return _BREAK.sub(" ", str(text)).strip()


def code_text(code: object) -> str:
    """The `error` field as a string (controllers send the number 0 or 100)."""
    if code is None:
        return ""
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code).strip()


def tracker_error(code: object, description: object, time: object = None) -> TrackerError:
    """The core error for one Bitrix24 error envelope (`time` is that answer's time block)."""
    code_str = code_text(code)
    text = clean_description(description)
    key = code_str.upper()
    if key in _RATE_LIMITS:
        return RateLimited(code_str, text, retry_at=_reset_at(time))
    kind = _BY_CODE.get(key) or _BY_DESCRIPTION.get(_description_key(text), TrackerRefused)
    return kind(code_str, text)


def unavailable(code: str, description: str) -> PortalUnavailable:
    """The portal could not be asked or did not answer in Bitrix24's format."""
    return PortalUnavailable(code, description)


def unexpected(description: str) -> PortalUnavailable:
    """Bitrix24 answered, but not in the shape its API promises."""
    return PortalUnavailable("ERROR_UNEXPECTED_ANSWER", description)


def false_result(method: str) -> TrackerRefused:
    """A method answered `result: false`, which kanban-like methods use for failure."""
    return TrackerRefused("RESULT_FALSE", f"{method} answered false")


def _description_key(text: str) -> str:
    """The description folded for lookup: no case, no trailing dot or spaces."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


def _reset_at(time: object) -> datetime | None:
    """When the operating-time budget frees up, from `time.operating_reset_at`."""
    if not isinstance(time, Mapping):
        return None
    value = time.get("operating_reset_at")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None
