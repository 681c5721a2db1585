"""Authenticate a webhook, authorise a method by scope, run it and time it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import methods_epic, methods_other, methods_scrum, methods_sprint, methods_tasks
from .errors import (
    INSUFFICIENT_SCOPE,
    INVALID_CREDENTIALS,
    METHOD_NOT_FOUND,
    RestError,
    auth_error,
)
from .limits import OperatingMeter
from .records import WebhookRecord
from .registry import METHODS, CallContext, ListPage, MethodSpec
from .state import PortalState

_LOADED = (methods_epic, methods_other, methods_scrum, methods_sprint, methods_tasks)


@dataclass(frozen=True)
class Outcome:
    """A method's answer: result, optional total/next, and its ``time`` block."""

    result: Any
    total: int | None
    next: int | None
    time: dict[str, Any]


def normalise_method(raw: str) -> str:
    """Lower-case a method name and drop a ``.json`` suffix."""
    return raw.strip().lower().removesuffix(".json")


def authenticate(state: PortalState, user_text: str, code: str) -> WebhookRecord:
    """Find the live webhook for ``/rest/<user_id>/<code>/`` or raise INVALID_CREDENTIALS."""
    webhook = state.webhooks.get(code)
    if webhook is None or webhook.revoked or str(webhook.user_id) != user_text.strip():
        raise auth_error(INVALID_CREDENTIALS)
    if webhook.user_id not in state.users or not state.users[webhook.user_id].active:
        raise auth_error(INVALID_CREDENTIALS)
    return webhook


def resolve(webhook: WebhookRecord, method: str) -> MethodSpec:
    """Look a method up (404 if unknown) and check the webhook's scopes (401)."""
    spec = METHODS.get(method)
    if spec is None:
        raise RestError(404, *METHOD_NOT_FOUND)
    if spec.scopes and not spec.scopes & webhook.scopes:
        raise auth_error(INSUFFICIENT_SCOPE)
    return spec


def invoke(
    state: PortalState, webhook: WebhookRecord, spec: MethodSpec, params: dict[str, Any],
    meter: OperatingMeter,
) -> Outcome:  # fmt: skip
    """Run one method as the webhook's owner."""
    started = time.time()
    value = spec.handler(CallContext(state, webhook.user_id), params)
    finished = time.time()
    key = (webhook.code, spec.name)
    meter.record(key, started, finished - started)
    block = time_block(started, finished, finished - started, meter.read(key, finished))
    if isinstance(value, ListPage):
        return Outcome(value.result, value.total, value.next, block)
    return Outcome(value, None, None, block)


def time_block(
    started: float, finished: float, processing: float, operating: tuple[float, int]
) -> dict[str, Any]:
    """The ``time`` object of a successful answer."""
    return {
        "start": started,
        "finish": finished,
        "duration": finished - started,
        "processing": processing,
        "date_start": _iso(started),
        "date_finish": _iso(finished),
        "operating_reset_at": operating[1],
        "operating": operating[0],
    }


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
