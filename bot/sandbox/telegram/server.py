"""The HTTP face of the emulator: an aiohttp app answering POST /bot<token>/<method>."""

from __future__ import annotations

import json
import socket
from typing import Any

from aiohttp import web

from bot.sandbox.telegram import methods_chats, methods_messages, methods_updates
from bot.sandbox.telegram.models import ApiError
from bot.sandbox.telegram.params import Params
from bot.sandbox.telegram.state import Handler, State

ALL_METHODS: dict[str, Handler] = {
    **methods_updates.METHODS,
    **methods_messages.METHODS,
    **methods_chats.METHODS,
}


def error_response(code: int, description: str, retry_after: int | None = None) -> web.Response:
    """A Bot API error answer; a 429 carries `parameters.retry_after`."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)


async def read_params(request: web.Request) -> Params:
    """Parameters from the query string and a form, multipart or JSON body."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if isinstance(body, dict):
            raw.update(body)
    elif request.can_read_body:
        form = await request.post()
        raw.update({k: v if isinstance(v, str) else f"<file {k}>" for k, v in form.items()})
    return Params(raw)


class ApiServer:
    """Serves the Bot API for one `State` on a loopback port."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.methods = {name.lower(): (name, handler) for name, handler in ALL_METHODS.items()}
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """Check the token, find the method (case-insensitively, as Telegram does), run it."""
        if request.match_info["token"] != self.state.token:
            return error_response(401, "Unauthorized")
        name, handler = self.methods.get(request.match_info["method"].lower(), (None, None))
        self.state.requests.append(name or request.match_info["method"])
        if name is None or handler is None:
            return error_response(404, "Not Found")
        try:
            result = await handler(self.state, await read_params(request))
        except ApiError as error:
            self.state.errors.append((name, error.description))
            return error_response(error.code, error.description, error.retry_after)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port (0 picks a free port)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.host, self.port = host, sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Stop listening; pending long polls are released first."""
        self.state.closing = True
        self.state.pulse.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _dumps(value: Any) -> str:
    """Compact JSON that keeps non-ASCII text readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
