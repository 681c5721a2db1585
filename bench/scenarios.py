"""Latency the bot adds per command, and Bitrix24 requests per command (warm and cold cache)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bench.harness import BenchError
from bench.replies import tally
from bench.report import summary
from bench.world import Stage, Team, stage
from bot.sandbox.telegram import TgUser

WARM_UP = 8
UNLIMITED = "100000/5000"  # BITRIX24_RATE_LIMIT: burst/per second
_POINTS = ("2", "3", "5", "8", "13", "1")
REQUEST_COMMANDS = {
    "/sp": "/sp {task} 8",
    "/move": "/move {task} sprint-3",
    "/epic": "/epic {task} Payments",
    "/rank": "/rank {task} 100",
    "/task": "/task {task}",
    "/sprints": "/sprints",
}


def mixed_command(i: int, tasks: list[int]) -> str:
    """The i-th command of the latency mix: /sp, /move, /epic, /task in turn."""
    task, turn = tasks[(i // 4) % len(tasks)], i // 4
    return [
        f"/sp {task} {_POINTS[turn % len(_POINTS)]}",
        f"/move {task} {'sprint-3' if turn % 2 == 0 else 'backlog'}",
        f"/epic {task} {'Payments' if turn % 2 == 0 else 'Onboarding'}",
        f"/task {task}",
    ][i % 4]


async def _timed(s: Stage, team: Team, user: TgUser, text: str) -> tuple[float, float, str]:
    """(round trip, time inside Bitrix24, reply) of one command in `user`'s private chat."""
    message_id, reply = await s.say(user.id, user, text)
    handed = s.probe.handed.get((user.id, message_id))
    replied = s.probe.first_reply_after(user.id, handed) if handed is not None else None
    if handed is None or replied is None:
        raise BenchError("the Telegram probe missed an update or a reply")
    return replied - handed, team.probe.inside(handed, replied), reply.text


async def latency(workdir: Path, commands: int, chats: int) -> dict[str, Any]:
    """Bot-added latency: (reply reached Telegram − update handed over) − time in Bitrix24.

    Commands rotate over `chats` private chats, at most 20 a second, so the bot's own
    Telegram pacing (about one message a second per chat) never delays a reply; its Bitrix24
    budget is lifted for the same reason (20 commands/s to one portal is 10× Bitrix24's limit;
    the bulk section measures that pacing).
    """
    interval = max(0.05, 1.1 / chats)
    async with stage(workdir, 1, BITRIX24_RATE_LIMIT=UNLIMITED) as s:
        team = s.seed(0, members=chats, tasks=8)
        await s.link_and_bind(private=True)
        added: dict[str, list[float]] = {}
        trips, inside, texts = [], [], []
        for i in range(WARM_UP + commands):
            paced = asyncio.create_task(asyncio.sleep(interval))
            text = mixed_command(i, team.tasks)
            trip, b24, reply = await _timed(s, team, team.members[i % chats], text)
            await paced
            if i < WARM_UP:
                continue
            added.setdefault(text.split()[0], []).append((trip - b24) * 1000)
            trips.append(trip * 1000)
            inside.append(b24 * 1000)
            texts.append(reply)
    everything = [value for values in added.values() for value in values]
    return {
        "status": "ok",
        "commands": commands,
        "warm_up_commands": WARM_UP,
        "private_chats": chats,
        "bitrix24_rate_limit": UNLIMITED,
        "bot_added_ms": summary(everything),
        "round_trip_ms": summary(trips),
        "bitrix24_ms": summary(inside),
        "by_command_ms": {name: summary(values) for name, values in added.items()},
        "error_replies": tally(texts, set(team.tasks)).errors,
    }


async def _request_counts(workdir: Path, **settings: str) -> dict[str, dict[str, Any]]:
    """Requests each command costs on one bot, each command sent once after /bind."""
    counts: dict[str, dict[str, Any]] = {}
    async with stage(workdir, 1, **settings) as s:
        team = s.seed(0, members=1, tasks=2)
        await s.link_and_bind()
        for name, pattern in REQUEST_COMMANDS.items():
            team.portal.clear_log()
            _, reply = await s.say(team.chat, team.members[0], pattern.format(task=team.tasks[0]))
            logged = team.portal.requests
            counts[name] = {
                "requests": len(logged),
                "calls": [f"{r.method}({', '.join(r.sub_methods)})" if r.sub_methods else r.method
                          for r in logged],
                "reply": reply.text.splitlines()[0][:120] if reply.text else "",
            }
    return counts


async def requests(workdir: Path) -> dict[str, Any]:
    """Warm cache (just bound) and cold cache (SCRUM_CACHE_TTL=0.001) request counts."""
    warm, cold = await asyncio.gather(  # counts, not times: the two bots may share the CPU
        _request_counts(workdir / "warm"),
        _request_counts(workdir / "cold", SCRUM_CACHE_TTL="0.001"))
    commands = {name: {"warm": warm[name]["requests"], "cold": cold[name]["requests"]}
                for name in REQUEST_COMMANDS}
    return {"status": "ok", "commands": commands, "detail": {"warm": warm, "cold": cold}}
