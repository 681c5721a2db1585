"""The printed lines of each section: (label, text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Lines = list[tuple[str, str]]


def fmt(value: Any) -> str:
    """A figure as text; None is n/a."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _stats(figures: dict[str, Any]) -> str:
    return " / ".join(fmt(figures.get(key)) for key in ("p50", "p99", "max"))


def _latency(section: dict[str, Any]) -> Lines:
    lines = [
        (f"bot-added ms p50/p99/max (n={section['commands']})", _stats(section["bot_added_ms"])),
        ("round trip ms p50/p99/max", _stats(section["round_trip_ms"])),
        ("inside Bitrix24 ms p50/p99/max", _stats(section["bitrix24_ms"])),
    ]
    lines += [(f"  {name} bot-added ms", _stats(figures))
              for name, figures in section["by_command_ms"].items()]
    return [*lines, ("error replies", fmt(section["error_replies"]))]


def _requests(section: dict[str, Any]) -> Lines:
    return [(f"{name} requests", f"warm {counts['warm']}, cold {counts['cold']}")
            for name, counts in section["commands"].items()]


_STORM_ROWS = [
    ("completion s (last reply)", "seconds"),
    ("commands answered / sent", "answered"),
    ("bot messages (most in one chat)", "messages"),
    ("error replies", "errors"),
    ("  outside the failing chat", "errors_outside_failing_chat"),
    ("  rate-limit errors", "rate_limit_errors"),
    ("Bitrix24 requests (all portals)", "requests"),
    ("  slow portal / failing portal", "slow_and_failing"),
    ("  503 answers seen", "status_503"),
    ("Telegram 429 answers", "telegram_429"),
    ("bot tracebacks in its log", "bot_tracebacks"),
]


def _run_value(run: dict[str, Any], key: str) -> str:
    if run.get("status") == "n/a":
        return "n/a"
    if key == "answered":
        return f"{run['answered']}/{run['sent']}"
    if key == "messages":
        return f"{run['bot_messages']} ({run['most_bot_messages_in_a_chat']})"
    if key == "slow_and_failing":
        return f"{run['slow_portal_requests']} / {run['failing_portal_requests']}"
    return fmt(run.get(key))


def _storm(section: dict[str, Any]) -> Lines:
    default, serial = section["default"], section["one_at_a_time"]
    lines: Lines = [("", "default concurrency | MAX_CONCURRENT_UPDATES=1")]
    lines += [(label, f"{_run_value(default, key):>19} | {_run_value(serial, key)}")
              for label, key in _STORM_ROWS]
    lines += [
        ("speed-up (one-at-a-time / default)", fmt(section.get("speedup"))),
        ("slow portal's own bound s (chat alone)", fmt(section.get("slow_bound_s"))),
        ("default / slow bound", fmt(section.get("vs_slow_bound"))),
    ]
    for run in (default, serial):
        if run.get("status") == "n/a":
            lines.append(("run n/a", str(run.get("reason"))))
    return lines + [("note", note) for note in section.get("notes", [])]


def _bulk(section: dict[str, Any]) -> Lines:
    lines: Lines = []
    for name in ("bulk", "singles"):
        part = section[name]
        if part.get("status") == "n/a":
            lines.append((f"{name} ({section['tasks']} tasks)", f"n/a: {part.get('reason')}"))
            continue
        lines.append((f"{name} ({section['tasks']} tasks)",
                      f"{fmt(part['seconds'])} s, {part['requests']} requests "
                      f"({part['status_503']} × 503), {part['updated']} updated, "
                      f"{part['error_replies']} error replies"))
    return lines


def _memory(section: dict[str, Any]) -> Lines:
    return [
        ("idle RSS MiB (after start + link/bind)", fmt(section.get("idle_rss_mb"))),
        ("peak RSS MiB (VmHWM, after the storm)", fmt(section.get("peak_rss_mb"))),
        ("RSS MiB after the storm", fmt(section.get("after_storm_rss_mb"))),
    ]


SECTION_LINES: dict[str, Callable[[dict[str, Any]], Lines]] = {
    "latency": _latency,
    "requests": _requests,
    "storm": _storm,
    "bulk": _bulk,
    "memory": _memory,
}
