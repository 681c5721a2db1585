"""`python3 -m bench [--quick] [--out PATH] [--only SECTION]`: measure, print, write JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import bulk, scenarios, storm
from bench.harness import kill_leftovers
from bench.report import render, targets

SECTIONS = ("latency", "requests", "storm", "bulk", "memory")
Section = Callable[[Path], Awaitable[dict[str, Any]]]


def _plan(quick: bool) -> dict[str, tuple[Section, float]]:
    """Each section's coroutine and its time bound in seconds."""
    size = storm.QUICK if quick else storm.FULL
    return {
        "latency": (lambda d: scenarios.latency(d, 16 if quick else 400, 4 if quick else 24),
                    60 if quick else 300),
        "requests": (scenarios.requests, 60 if quick else 120),
        "storm": (lambda d: storm.storm(d, size, parallel=quick), 90 if quick else 900),
        "bulk": (lambda d: bulk.bulk(d, 20 if quick else 200), 60 if quick else 420),
    }


async def _section(name: str, run: Section, bound: float, workdir: Path) -> dict[str, Any]:
    """Run one section; any failure or timeout becomes n/a with the reason."""
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(run(workdir / name), bound)
    except TimeoutError:
        result = {"status": "n/a", "reason": f"timed out after {bound:.0f} s"}
    except Exception as error:  # a section never takes the others down
        result = {"status": "n/a", "reason": f"{type(error).__name__}: {error}"}
    result["section_seconds"] = round(time.perf_counter() - started, 1)
    print(f"[bench] {name}: {result['status']} in {result['section_seconds']} s",
          file=sys.stderr, flush=True)
    return result


def memory_section(storm_result: dict[str, Any] | None) -> dict[str, Any]:
    """Idle and peak RSS of the bot, read during the default-concurrency storm run."""
    run = (storm_result or {}).get("default", {})
    if not storm_result or run.get("status") != "ok":
        reason = run.get("reason") or (storm_result or {}).get("reason") or "the storm did not run"
        return {"status": "n/a", "reason": f"measured during the storm: {reason}"}
    return {"status": "ok", "source": "/proc/<pid>/status of the default-concurrency storm bot",
            **{key: run[key] for key in ("idle_rss_mb", "peak_rss_mb", "after_storm_rss_mb")}}


async def measure(quick: bool, only: str | None) -> dict[str, Any]:
    """Every chosen section in turn (memory is read during the storm)."""
    wanted = [only] if only else list(SECTIONS)
    if "memory" in wanted and "storm" not in wanted:
        wanted.insert(wanted.index("memory"), "storm")
    plan = {name: section for name, section in _plan(quick).items() if name in wanted}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        runs = [_section(name, run, bound, Path(folder)) for name, (run, bound) in plan.items()]
        if quick:  # a smoke run: sections side by side, so its times mean little
            measured = await asyncio.gather(*runs)
        else:
            measured = [await run for run in runs]
    results: dict[str, Any] = dict(zip(plan, measured, strict=True))
    if "memory" in wanted:
        results["memory"] = memory_section(results.get("storm"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"),
                        help="where to write the JSON (default bench/results.json)")
    parser.add_argument("--only", choices=SECTIONS, help="run one section")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        results = asyncio.run(measure(args.quick, args.only))
    finally:
        kill_leftovers()
    results["targets"] = targets(results)
    results["meta"] = {
        "quick": args.quick,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(render(results))
    print(f"\n{results['meta']['seconds']} s; JSON written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
