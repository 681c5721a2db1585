"""Figures into targets (pass/fail) and a plain-text table."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from bench.report_lines import SECTION_LINES, fmt

Result = dict[str, Any]


def summary(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p99 (nearest rank) and max, rounded to 0.01 (None without values)."""
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(values)
    p50 = ordered[math.ceil(0.50 * len(ordered)) - 1]
    p99 = ordered[math.ceil(0.99 * len(ordered)) - 1]
    return {"p50": round(p50, 2), "p99": round(p99, 2), "max": round(ordered[-1], 2),
            "n": len(ordered)}


def dig(results: Result, *path: str) -> Any:
    """A nested figure, or None when a section (or part) is missing or n/a."""
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or node.get("status") == "n/a" or key not in node:
            return None
        node = node[key]
    return node


def _target(name: str, wanted: str, value: Any, check: Callable[[Any], bool]) -> Result:
    passed = None if value is None else bool(check(value))
    return {"name": name, "target": wanted, "value": value, "pass": passed}


def targets(results: Result) -> list[Result]:
    """Every target with its measured value and pass (True/False, None when not measured)."""
    tasks = dig(results, "bulk", "tasks")
    bulk_limit = math.ceil(tasks / 25) + 1 if isinstance(tasks, int) else None
    bulk_wanted = f"≤ ⌈N/25⌉+1 = {bulk_limit}" if bulk_limit else "≤ ⌈N/25⌉+1"
    bound = dig(results, "storm", "slow_bound_s")
    storm = dig(results, "storm", "default", "seconds")
    return [
        _target("warm /sp requests", "= 1", dig(results, "requests", "commands", "/sp", "warm"),
                lambda v: v == 1),
        _target("warm /move requests", "= 1",
                dig(results, "requests", "commands", "/move", "warm"), lambda v: v == 1),
        _target("bulk /sp requests", bulk_wanted,
                dig(results, "bulk", "bulk", "requests"), lambda v: v <= (bulk_limit or 0)),
        _target("storm / slow portal's own bound", "≤ 1.2",
                ratio(storm, bound), lambda v: v <= 1.2),
        _target("one-at-a-time / storm", "≥ 10", dig(results, "storm", "speedup"),
                lambda v: v >= 10),
        _target("storm rate-limit errors shown", "= 0",
                dig(results, "storm", "default", "rate_limit_errors"), lambda v: v == 0),
        _target("bot-added p99 (ms)", "≤ 10", dig(results, "latency", "bot_added_ms", "p99"),
                lambda v: v <= 10),
        _target("idle RSS (MiB)", "≤ 80", dig(results, "memory", "idle_rss_mb"),
                lambda v: v <= 80),
    ]


def ratio(top: Any, bottom: Any) -> float | None:
    """top / bottom rounded to 0.01, or None when either is missing."""
    if not isinstance(top, int | float) or not isinstance(bottom, int | float) or bottom <= 0:
        return None
    return round(top / bottom, 2)


def _rows(results: Result) -> list[tuple[str, str]]:
    """One line per figure that was measured, and the reason for each section that was not."""
    rows: list[tuple[str, str]] = []
    for name in ("latency", "requests", "storm", "bulk", "memory"):
        section = results.get(name)
        if section is None:
            continue
        if section.get("status") == "n/a":
            rows.append((name, f"n/a: {section.get('reason', '')}"))
            continue
        rows += [(f"{name}: {label}", text) for label, text in SECTION_LINES[name](section)]
    return rows


def render(results: Result) -> str:
    """The whole report as text: figures, then targets with pass/fail."""
    lines = [f"{label:<48} {text}" for label, text in _rows(results)]
    lines += ["", f"{'target':<34} {'wanted':<18} {'measured':<10} result"]
    for row in results.get("targets", []):
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[row["pass"]]
        lines.append(f"{row['name']:<34} {row['target']:<18} {fmt(row['value']):<10} {verdict}")
    return "\n".join(lines)

