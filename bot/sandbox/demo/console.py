"""Typed lines from a terminal or a pipe, read on a daemon thread: Ctrl-C never waits for Enter."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import threading


class LineReader:
    """Lines from a file descriptor as an async stream; `None` at end of input.

    The thread reads the descriptor with `os.read`, not through `sys.stdin`, so no buffered-file
    lock is held when the process exits while a read is pending.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=self._pump, name="demo-stdin", daemon=True).start()

    async def next_line(self) -> str | None:
        """The next line without its newline, or None when input has ended."""
        return await self._lines.get()

    def _pump(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            pending += decoder.decode(chunk, final=not chunk)
            *lines, pending = pending.split("\n")
            if not chunk and pending:
                lines, pending = [*lines, pending], ""
            for line in lines:
                self._post(line.removesuffix("\r"))
            if not chunk:
                self._post(None)
                return

    def _post(self, line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the event loop is closed: the demo is over
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
