"""Item writes of one member that arrive while that member's request is in flight ride
together in the next request.

A busy standup sends several writes a second for the same webhook; each would be its own HTTP
request against a portal that allows two a second. Here a member's first write goes out at
once; whatever arrives for that member meanwhile waits, and when the request comes back the
waiting writes leave together (up to 16 writes: one batch), each caller getting exactly its
own results. Different credentials never share a request: a batch runs as one Bitrix24 user.

A lone `update_item` (marked `halting`) keeps its own halting batch, as before. Merged into a
batch that does not halt it is just as safe (see `bulk.py`: a write only goes out for a task
that was read, and never creates an item unless asked to), so it may ride with others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.errors import TrackerError
from bot.core.model import Credential, ItemWrite, TaskState

Result = TaskState | TrackerError
Send = Callable[[Credential, Sequence[ItemWrite], bool], Awaitable[list[Result]]]
"""Sends writes as one credential; `True` asks for the halting single-write request."""


@dataclass(frozen=True)
class _Job:
    """One caller's writes and where its results go."""

    writes: tuple[ItemWrite, ...]
    halting: bool
    future: asyncio.Future[list[Result]]


class WriteCoalescer:
    """Queues each credential's writes behind its request in flight and sends them together."""

    def __init__(self, send: Send, *, limit: int = 16) -> None:
        self._send = send
        self._limit = limit  # writes merged into one request (more go in the next)
        self._queues: dict[Credential, deque[_Job]] = {}
        self._drains: dict[Credential, asyncio.Task[None]] = {}

    async def submit(
        self, credential: Credential, writes: Sequence[ItemWrite], *, halting: bool = False
    ) -> list[Result]:
        """Each write's result, in order, once the request that carried it is answered."""
        job = _Job(tuple(writes), halting, asyncio.get_running_loop().create_future())
        self._queues.setdefault(credential, deque()).append(job)
        if credential not in self._drains:
            self._drains[credential] = asyncio.create_task(self._drain(credential))
        return await job.future

    def in_flight(self, credential: Credential) -> bool:
        """True while a request of this credential is out (or about to go)."""
        return credential in self._drains

    async def _drain(self, credential: Credential) -> None:
        """Send the credential's queue round by round until nothing waits."""
        queue = self._queues[credential]
        try:
            while queue:
                await self._run(credential, self._take(queue))
        finally:
            for job in queue:  # only left when this task is cancelled (shutdown)
                job.future.cancel()
            del self._queues[credential], self._drains[credential]

    def _take(self, queue: deque[_Job]) -> list[_Job]:
        """The next round: the oldest job, and later ones while the writes stay within limit."""
        round_ = [queue.popleft()]
        size = len(round_[0].writes)
        while queue and size + len(queue[0].writes) <= self._limit:
            size += len(queue[0].writes)
            round_.append(queue.popleft())
        return round_

    async def _run(self, credential: Credential, jobs: list[_Job]) -> None:
        """One request for a round; each job gets its slice of the results or the failure."""
        halting = len(jobs) == 1 and jobs[0].halting
        writes = [write for job in jobs for write in job.writes]
        try:
            results = await self._send(credential, writes, halting)
        except Exception as error:
            for job in jobs:
                _settle(job, error=error)
            return
        except BaseException:
            for job in jobs:
                job.future.cancel()
            raise
        start = 0
        for job in jobs:
            _settle(job, results=results[start : start + len(job.writes)])
            start += len(job.writes)


def _settle(
    job: _Job, *, results: list[Result] | None = None, error: Exception | None = None
) -> None:
    """Hand a job its results or error, unless its caller has gone (cancelled)."""
    if job.future.done():
        return
    if error is not None:
        job.future.set_exception(error)
    else:
        job.future.set_result(results or [])
