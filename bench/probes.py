"""Instants the emulators see, timed on the benchmark's side (one clock: `perf_counter`)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.telegram.params import Params
from bot.sandbox.telegram.state import Handler, State

_REPLY_METHODS = ("sendmessage", "editmessagetext")


@dataclass(frozen=True)
class Arrival:
    """A bot message (sent or edited) reaching the Telegram emulator."""

    chat_id: int
    at: float
    method: str


class TelegramProbe:
    """When each update was handed to the bot, and when each reply arrived."""

    def __init__(self, telegram: TelegramEmulator) -> None:
        self.handed: dict[tuple[int, int], float] = {}
        self.arrivals: list[Arrival] = []
        # The emulator has no timing hook: wrap its method table (a private attribute) in place.
        methods: dict[str, tuple[str, Handler]] = telegram._server.methods
        name, handler = methods["getupdates"]
        methods["getupdates"] = (name, self._timed_updates(handler))
        for key in _REPLY_METHODS:
            name, handler = methods[key]
            methods[key] = (name, self._timed_reply(name, handler))

    def _timed_updates(self, handler: Handler) -> Handler:
        async def get_updates(state: State, params: Params) -> object:
            result = await handler(state, params)
            now = time.perf_counter()
            for update in result if isinstance(result, list) else []:
                message = update.get("message") or {}
                if message:
                    self.handed.setdefault((message["chat"]["id"], message["message_id"]), now)
            return result

        return get_updates

    def _timed_reply(self, name: str, handler: Handler) -> Handler:
        async def reply(state: State, params: Params) -> object:
            now = time.perf_counter()
            result = await handler(state, params)
            if isinstance(result, dict) and "chat" in result:
                self.arrivals.append(Arrival(result["chat"]["id"], now, name))
            return result

        return reply

    def first_reply_after(self, chat_id: int, since: float) -> float | None:
        """When the first bot message after `since` reached the emulator in a chat."""
        times = [a.at for a in self.arrivals if a.chat_id == chat_id and a.at >= since]
        return min(times, default=None)


Span = tuple[float, float]
_Call = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PortalProbe:
    """The time each HTTP request spent inside a portal emulator (middleware on its app)."""

    def __init__(self, portal: PortalEmulator) -> None:
        self.spans: list[Span] = []
        spans = self.spans

        @web.middleware
        async def timed(request: web.Request, handler: _Call) -> web.StreamResponse:
            started = time.perf_counter()
            try:
                return await handler(request)
            finally:
                spans.append((started, time.perf_counter()))

        portal.app.middlewares.append(timed)

    def inside(self, start: float, end: float) -> float:
        """Seconds of requests that began and ended between `start` and `end`."""
        return sum(b - a for a, b in self.spans if a >= start and b <= end)

