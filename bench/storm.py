"""The storm: many chats on many portals (one slow, one failing) talking at once."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.conditions import make_failing, telegram_429, telegram_limits
from bench.replies import tally
from bench.report import ratio
from bench.world import Stage, Team, stage
from bot.config import Settings

SERIAL = {"MAX_CONCURRENT_UPDATES": "1"}


@dataclass(frozen=True)
class StormSize:
    """How big a storm is."""

    chats: int  # each bound to its own portal; chat 0's portal is slow, chat 1's fails
    members: int
    commands: int  # per member
    spread: float  # seconds over which every command is sent
    slow_latency: float
    timeout: float


FULL = StormSize(chats=20, members=10, commands=3, spread=2.0, slow_latency=0.3, timeout=240.0)
QUICK = StormSize(chats=3, members=2, commands=3, spread=0.5, slow_latency=0.3, timeout=40.0)


def storm_plan(teams: list[Team], size: StormSize) -> list[tuple[Team, int, str]]:
    """(team, member index, text) interleaved across chats; every command names its own task."""
    plan = []
    for k in range(size.commands):
        for m in range(size.members):
            for team in teams:
                task = team.tasks[m * size.commands + k]
                kind = (m + k) % 3
                text = [f"/sp {task} 3", f"/move {task} sprint-3", f"/task {task}"][kind]
                plan.append((team, m, text))
    return plan


async def blast(s: Stage, teams: list[Team], size: StormSize) -> dict[str, Any]:
    """Send the plan evenly over `spread` seconds; wait until every chat has all its answers."""
    plan = storm_plan(teams, size)
    started = time.perf_counter()
    for i, (team, member, text) in enumerate(plan):
        await asyncio.sleep(max(0.0, started + i * size.spread / len(plan) - time.perf_counter()))
        await s.telegram.send(team.chat, team.members[member], text)
    sent_in = time.perf_counter() - started
    expected = {team.chat: set(team.tasks[: size.members * size.commands]) for team in teams}
    done = await _await_answers(s, expected, started + size.timeout)
    tallies = {chat: tally(_texts(s, chat), ids) for chat, ids in expected.items()}
    messages = [len(s.telegram.bot_messages(chat)) for chat in expected]
    finished = max(done.values()) if len(done) == len(expected) else None
    return {
        "seconds": round(finished - started, 3) if finished is not None else None,
        "send_window_s": round(sent_in, 3),
        "sent": len(plan),
        "answered": sum(t.answered for t in tallies.values()),
        "incomplete_chats": len(expected) - len(done),
        "errors": sum(t.errors for t in tallies.values()),
        "rate_limit_errors": sum(t.rate_limited for t in tallies.values()),
        "bot_messages": sum(messages),
        "most_bot_messages_in_a_chat": max(messages),
        "per_chat_seconds": [round(done[t.chat] - started, 3) if t.chat in done else None
                             for t in teams],
        "_tallies": tallies,
    }


def _texts(s: Stage, chat: int) -> list[str]:
    return [message.text for message in s.telegram.bot_messages(chat)]


async def _await_answers(s: Stage, expected: dict[int, set[int]], deadline: float
                         ) -> dict[int, float]:  # fmt: skip
    """Per chat, when the reply that completed its answers reached the emulator."""
    done: dict[int, float] = {}
    seen = 0
    while len(done) < len(expected) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        arrivals = s.probe.arrivals[seen:]
        seen += len(arrivals)
        for chat in {a.chat_id for a in arrivals} & (expected.keys() - done.keys()):
            if tally(_texts(s, chat), expected[chat]).answered >= len(expected[chat]):
                done[chat] = max(a.at for a in s.probe.arrivals if a.chat_id == chat)
    return done


async def storm_run(workdir: Path, size: StormSize, *, solo: bool = False,
                    settings: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """One storm on a fresh bot: link and bind everyone, measure idle RSS, blast, measure.

    With `solo`, a further slow team on its own portal then runs alone: the slow bound.
    """
    async with stage(workdir, size.chats + solo, **(settings or {})) as s:
        teams = [s.seed(i, members=size.members, tasks=size.members * size.commands)
                 for i in range(size.chats + solo)]
        await s.link_and_bind()
        await asyncio.sleep(1.0)
        idle = s.bot.memory()
        limited = telegram_limits(s.telegram)
        alone = teams.pop() if solo else None
        for team in [teams[0], *([alone] if alone else [])]:
            team.portal.latency = size.slow_latency
        failing = make_failing(teams[1].portal)
        for team in teams:
            team.portal.clear_log()
        run = await blast(s, teams, size)
        after = s.bot.memory()
        run |= _portal_figures(teams, run.pop("_tallies")) | {
            "failing_portal": failing,
            "telegram_limits": limited,
            "telegram_429": telegram_429(s.telegram),
            "idle_rss_mb": idle.rss_mb,
            "peak_rss_mb": after.peak_mb,
            "after_storm_rss_mb": after.rss_mb,
        }
        if alone is not None:
            run["slow_bound_s"] = (await blast(s, [alone], size))["seconds"]
        run["bot_tracebacks"] = s.bot.tracebacks()
        return run


def _portal_figures(teams: list[Team], tallies: dict[int, Any]) -> dict[str, Any]:
    """Requests per portal, 503s seen, errors outside the failing chat."""
    per_portal = [len(team.portal.requests) for team in teams]
    return {
        "errors_outside_failing_chat": sum(t.errors for chat, t in tallies.items()
                                           if chat != teams[1].chat),
        "requests": sum(per_portal),
        "requests_per_portal": per_portal,
        "slow_portal_requests": per_portal[0],
        "failing_portal_requests": per_portal[1],
        "status_503": sum(r.status == 503 for t in teams for r in t.portal.requests),
    }


def _guarded(run: dict[str, Any] | BaseException) -> dict[str, Any]:
    if isinstance(run, BaseException):
        return {"status": "n/a", "reason": f"{type(run).__name__}: {run}"}
    return {"status": "ok"} | run


async def storm(workdir: Path, size: StormSize, *, parallel: bool = False) -> dict[str, Any]:
    """Default concurrency vs one update at a time, and the slow portal's own bound.

    `parallel` runs both at once (a smoke run only: they then share the CPU).
    """
    runs = [storm_run(workdir / "default", size, solo=True),
            storm_run(workdir / "serial", size, settings=SERIAL)]
    if parallel:
        results = await asyncio.gather(*runs, return_exceptions=True)
    else:
        results = []
        for run in runs:
            try:
                results.append(await run)
            except Exception as error:  # one run failing leaves the other's figures
                results.append(error)
    default, serial = (_guarded(run) for run in results)
    notes = []
    if "max_concurrent_updates" not in Settings.names:
        notes.append("MAX_CONCURRENT_UPDATES is not a bot setting yet: both runs are the same bot")
    bound = default.pop("slow_bound_s", None)
    return {
        "status": "ok" if "ok" in (default["status"], serial["status"]) else "n/a",
        "reason": default.get("reason") or serial.get("reason", ""),
        "size": asdict(size),
        "default": default,
        "one_at_a_time": serial,
        "slow_bound_s": bound,
        "speedup": ratio(serial.get("seconds"), default.get("seconds")),
        "vs_slow_bound": ratio(default.get("seconds"), bound),
        "notes": notes,
    }
