"""One bulk `/sp` over N tasks against N single `/sp` commands, under Bitrix24's leaky bucket."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from bench.harness import BenchError
from bench.replies import tally
from bench.world import Stage, Team, stage

POINTS = "5"
BULK_TIMEOUT = 180.0
SINGLES_CHATS = 10


def _portal_figures(team: Team, started: float, error_replies: int) -> dict[str, Any]:
    """Requests, 503s and how many tasks now hold the new points."""
    items = (team.portal.item(task) for task in team.tasks)
    return {
        "status": "ok",
        "seconds": round(time.perf_counter() - started, 3),
        "requests": len(team.portal.requests),
        "status_503": sum(r.status == 503 for r in team.portal.requests),
        "updated": sum(item is not None and item.story_points == POINTS for item in items),
        "error_replies": error_replies,
    }


async def _bulk(s: Stage, team: Team) -> dict[str, Any]:
    """`/sp 1 2 … N 5`: one command, one reply (time from sending to the reply)."""
    text = f"/sp {' '.join(map(str, team.tasks))} {POINTS}"
    started = time.perf_counter()
    _, reply = await s.say(team.chat, team.members[0], text, timeout=BULK_TIMEOUT)
    replied = s.probe.first_reply_after(team.chat, started) or time.perf_counter()
    figures = _portal_figures(team, started, tally([reply.text], set(team.tasks)).errors)
    figures["seconds"] = round(replied - started, 3)
    figures["reply"] = reply.text[:200]
    if figures["updated"] == 0:
        return {"status": "n/a", "reason": f"no task was updated; the bot answered: "
                                           f"{reply.text[:160]!r}", "requests": figures["requests"]}
    return figures


async def _singles(s: Stage, team: Team, deadline: float) -> dict[str, Any]:
    """`/sp <id> 5` for each task, one after another, each waiting for its reply.

    They rotate over the members' private chats, so the bot's Telegram pacing (about one
    message a second per chat) does not slow them down; Bitrix24's bucket does.
    """
    started, texts = time.perf_counter(), []
    for i, task in enumerate(team.tasks):
        if time.perf_counter() > deadline:
            raise BenchError(f"the single commands took over {BULK_TIMEOUT:.0f} s")
        user = team.members[i % len(team.members)]
        _, reply = await s.say(user.id, user, f"/sp {task} {POINTS}", timeout=60.0)
        texts.append(reply.text)
    counted = tally(texts, set(team.tasks))
    return _portal_figures(team, started, counted.errors) | {
        "rate_limit_errors": counted.rate_limited}


async def bulk(workdir: Path, tasks: int) -> dict[str, Any]:
    """Both runs on one bot, each team on its own rate-limited portal (no shared bucket)."""
    async with stage(workdir, 2) as s:
        one, many = s.seed(0, members=1, tasks=tasks), s.seed(1, members=SINGLES_CHATS, tasks=tasks)
        await s.link_and_bind([one])
        await s.link_and_bind([many], private=True)
        for team in (one, many):
            team.portal.set_rate_limit(True, burst=50, per_second=2)
            team.portal.clear_log()
        try:
            bulk_figures = await _bulk(s, one)
        except BenchError as error:
            bulk_figures = {"status": "n/a", "reason": str(error)}
        singles = await _singles(s, many, time.perf_counter() + BULK_TIMEOUT)
    return {
        "status": "ok",
        "tasks": tasks,
        "target_requests": math.ceil(tasks / 25) + 1,
        "rate_limit": {"burst": 50, "per_second": 2},
        "bulk": bulk_figures,
        "singles": singles,
    }
