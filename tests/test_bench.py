"""`python3 -m bench --quick`: the real bot process measured in every section within a minute."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
REQUEST_COMMANDS = ("/sp", "/move", "/epic", "/rank", "/task", "/sprints")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One quick run of the benchmark, bounded to 60 seconds."""
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "PASS" in done.stdout or "FAIL" in done.stdout, done.stdout[-3000:]
    data: dict[str, Any] = json.loads(out.read_text())
    return data


@pytest.mark.slow
def test_every_section_is_measured(results: dict[str, Any]) -> None:
    for name in ("latency", "requests", "storm", "bulk", "memory"):
        assert results[name]["status"] == "ok", (name, results[name].get("reason"))


@pytest.mark.slow
def test_latency_and_requests_have_numbers(results: dict[str, Any]) -> None:
    latency = results["latency"]
    assert latency["bot_added_ms"]["n"] == latency["commands"] == 16
    for figures in (latency["bot_added_ms"], latency["round_trip_ms"], latency["bitrix24_ms"]):
        assert all(_number(figures[key]) for key in ("p50", "p99", "max")), figures
    assert latency["error_replies"] == 0
    counts = results["requests"]["commands"]
    assert set(counts) == set(REQUEST_COMMANDS)
    assert all(_number(c["warm"]) and _number(c["cold"]) for c in counts.values()), counts
    assert counts["/move"]["cold"] >= 1  # a write reaches Bitrix24 whatever the cache holds


@pytest.mark.slow
def test_storm_bulk_and_memory_have_numbers(results: dict[str, Any]) -> None:
    storm = results["storm"]
    for run in (storm["default"], storm["one_at_a_time"]):
        assert _number(run["seconds"]) and run["answered"] == run["sent"], run
        assert run["errors"] >= run["sent"] // storm["size"]["chats"]  # the failing chat's
        assert _number(run["requests"]) and _number(run["status_503"])
    assert _number(storm["slow_bound_s"]) and _number(storm["speedup"])
    bulk = results["bulk"]
    assert bulk["singles"]["updated"] == bulk["tasks"] and _number(bulk["singles"]["seconds"])
    assert bulk["bulk"]["status"] in ("ok", "n/a") and _number(bulk["bulk"]["requests"])
    memory = results["memory"]
    assert 0 < memory["idle_rss_mb"] <= memory["peak_rss_mb"]


@pytest.mark.slow
def test_targets_are_judged(results: dict[str, Any]) -> None:
    names = {row["name"]: row for row in results["targets"]}
    assert len(names) == 8
    assert all(row["pass"] in (True, False) for row in names.values()), names
