"""The aiohttp side: routing, body parsing, envelopes, faults, rate limit, request log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .batch import run_batch, sub_methods
from .dispatch import Outcome, authenticate, invoke, normalise_method, resolve, time_block
from .errors import (
    METHOD_NOT_FOUND,
    NO_AUTH_FOUND,
    OPERATION_LIMIT,
    QUERY_LIMIT,
    RestError,
    auth_error,
)
from .limits import Fault, FaultPlan, LeakyBucket, OperatingMeter
from .phpquery import parse_pairs, parse_query
from .records import LoggedRequest
from .state import PortalState

_log = logging.getLogger(__name__)
DROPPED = 499  # logged status of a request whose connection was closed without an answer
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RestServer:
    """Serves ``/rest/<user_id>/<code>/<method>`` for one portal state."""

    def __init__(self, state: PortalState) -> None:
        self.state = state
        self.requests: list[LoggedRequest] = []
        self.faults = FaultPlan()
        self.bucket = LeakyBucket()
        self.meter = OperatingMeter()
        self.latency = 0.0
        self.hang_seconds = 60.0
        self.stopping = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_route("*", "/rest/{user_id}/{code}/{method}", self._webhook_call)
        self.app.router.add_route("*", "/rest/{method}", self._token_call)
        self.app.router.add_route("*", "/rest/{tail:.*}", self._unroutable)

    async def _webhook_call(self, request: web.Request) -> web.StreamResponse:
        method = normalise_method(request.match_info["method"])
        user_text, code = request.match_info["user_id"], request.match_info["code"]
        params = await read_params(request)
        user_id = int(user_text) if user_text.isdigit() else None
        subs = sub_methods(params) if method == "batch" else ()
        response = await self._answer(
            request, lambda: self._execute(user_text, code, method, params)
        )
        self.requests.append(LoggedRequest(method, subs, user_id, response.status))
        return response

    async def _token_call(self, request: web.Request) -> web.StreamResponse:
        method = normalise_method(request.match_info["method"])
        params = await read_params(request)
        subs = sub_methods(params) if method == "batch" else ()
        has_token = bool(params.get("auth") or params.get("access_token"))
        error = RestError(401, "invalid_token", "Unable to authorize user")
        failure = error if has_token else auth_error(NO_AUTH_FOUND)
        response = await self._answer(request, lambda: _raise(failure))
        self.requests.append(LoggedRequest(method, subs, None, response.status))
        return response

    async def _unroutable(self, request: web.Request) -> web.StreamResponse:
        response = await self._answer(request, lambda: _raise(RestError(404, *METHOD_NOT_FOUND)))
        self.requests.append(LoggedRequest("", (), None, response.status))
        return response

    async def _answer(self, request: web.Request, execute: Callable[[], Outcome]) -> web.Response:
        """Apply latency, faults and the rate limit, then run ``execute`` into a response."""
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self.faults.take()
        if fault is not None and fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=DROPPED)
        if fault is not None:
            return await self._fault(fault)
        if not self.bucket.admit():
            return error_response(RestError(503, *QUERY_LIMIT))
        try:
            return envelope(execute())
        except RestError as error:
            return error_response(error)
        except Exception:
            _log.exception("emulator bug")
            return error_response(RestError(500, "INTERNAL_SERVER_ERROR", "Internal server error"))

    def _execute(self, user_text: str, code: str, method: str, params: dict[str, Any]) -> Outcome:
        webhook = authenticate(self.state, user_text, code)
        if method != "batch":
            spec = resolve(webhook, method)
            self._check_budget((webhook.code, spec.name))
            return invoke(self.state, webhook, spec, params, self.meter)
        started = time.time()
        result = run_batch(self.state, webhook, params, self.meter)
        finished = time.time()
        operating = self.meter.read((webhook.code, "batch"), finished)
        return Outcome(result, None, None, time_block(started, finished, 0.0, operating))

    def _check_budget(self, key: tuple[str, str]) -> None:
        """429 OPERATION_TIME_LIMIT when this webhook used up the method's operating time."""
        now = time.time()
        blocked = self.meter.blocked(key, now)
        if blocked is not None:
            raise RestError(429, *OPERATION_LIMIT, time=time_block(now, now, 0.0, blocked))

    async def _fault(self, fault: Fault) -> web.Response:
        if fault.hang:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=self.hang_seconds)
        if fault.html:
            page = f"<html><head><title>{fault.status}</title></head><body>"
            page += f"<h1>{fault.status} {fault.description}</h1></body></html>"
            return web.Response(status=fault.status, text=page, content_type="text/html")
        status = 200 if fault.in_body_200 else fault.status
        block = None
        if fault.reset_in is not None:
            now = time.time()
            operating = (self.meter.limit or 480.0, int(now + fault.reset_in))
            block = time_block(now, now, 0.0, operating)
        return error_response(RestError(status, fault.error, fault.description, block))


def envelope(outcome: Outcome) -> web.Response:
    """``{"result", ["total", "next",] "time"}`` with HTTP 200."""
    body: dict[str, Any] = {"result": outcome.result}
    if outcome.total is not None:
        body["total"] = outcome.total
    if outcome.next is not None:
        body["next"] = outcome.next
    body["time"] = outcome.time
    return web.json_response(body)


def error_response(error: RestError) -> web.Response:
    """``{"error", "error_description"}`` (no ``time``) with the error's status."""
    return web.json_response(error.body(), status=error.status)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge the query string and a JSON or form body (PHP-style keys) into one dict."""
    params = parse_query(request.query_string)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            body = {}
        return params | (body if isinstance(body, dict) else {})
    if request.content_type in _FORM_TYPES:
        form = await request.post()
        pairs = [(k, v) for k, v in form.items() if isinstance(v, str)]
        return params | parse_pairs(pairs)
    return params


def _raise(error: RestError) -> Outcome:
    raise error
