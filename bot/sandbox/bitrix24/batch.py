"""``batch``: up to 50 ``method?query`` sub-commands with ``$result[...]`` references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .dispatch import invoke, normalise_method, resolve
from .errors import BATCH_NOT_ALLOWED, BATCH_TOO_LONG, RestError
from .limits import OperatingMeter
from .phpquery import parse_query
from .records import WebhookRecord
from .state import PortalState
from .views import php_string

MAX_COMMANDS = 50
_REFERENCE = re.compile(r"\$(result|error|total|next|time)((?:\[[^\[\]]*\])+)")
_PARTS = ("result", "error", "total", "next", "time")


@dataclass
class BatchResults:
    """The five maps of a batch answer, keyed by command key."""

    maps: dict[str, dict[str, Any]] = field(default_factory=lambda: {p: {} for p in _PARTS})

    def as_json(self) -> dict[str, Any]:
        """Serialise like PHP: empty maps as ``[]``, 0..n-1 keys as arrays."""
        names = {"result": "result", "error": "result_error", "total": "result_total"}
        names |= {"next": "result_next", "time": "result_time"}
        return {names[p]: _php_array(self.maps[p]) for p in _PARTS}


def commands(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The (key, command text) pairs of ``cmd`` (an object or a list)."""
    cmd = params.get("cmd")
    if isinstance(cmd, list):
        return [(str(i), str(c)) for i, c in enumerate(cmd)]
    if isinstance(cmd, dict):
        return [(str(k), str(c)) for k, c in cmd.items()]
    return []


def sub_methods(params: dict[str, Any]) -> tuple[str, ...]:
    """Lower-cased methods of the batch's commands (for the request log)."""
    return tuple(normalise_method(text.partition("?")[0]) for _, text in commands(params))


def run_batch(
    state: PortalState, webhook: WebhookRecord, params: dict[str, Any], meter: OperatingMeter
) -> dict[str, Any]:
    """Execute a batch; sub-command errors go to ``result_error``, the call itself succeeds."""
    halt = php_string(params.get("halt", "")).lower() not in ("", "0", "false", "n")
    out = BatchResults()
    for index, (key, text) in enumerate(commands(params)):
        if index >= MAX_COMMANDS:
            out.maps["error"][key] = RestError(400, *BATCH_TOO_LONG).body()
            continue
        try:
            _run_one(state, webhook, key, text, out, meter)
        except RestError as error:
            out.maps["error"][key] = error.body()
            if halt:
                break
    return out.as_json()


def _run_one(
    state: PortalState, webhook: WebhookRecord, key: str, text: str, out: BatchResults,
    meter: OperatingMeter,
) -> None:  # fmt: skip
    name, _, query = text.partition("?")
    method = normalise_method(name)
    if method == "batch":
        raise RestError(405, *BATCH_NOT_ALLOWED)
    spec = resolve(webhook, method)
    params = _substitute(parse_query(query), out.maps)
    outcome = invoke(state, webhook, spec, params, meter)
    out.maps["result"][key] = outcome.result
    if outcome.total is not None:
        out.maps["total"][key] = outcome.total
    if outcome.next is not None:
        out.maps["next"][key] = outcome.next
    out.maps["time"][key] = outcome.time


def _substitute(value: Any, maps: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, maps) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, maps) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _lookup(whole, maps)
    return _REFERENCE.sub(lambda m: _as_text(_lookup(m, maps)), value)


def _lookup(match: re.Match[str], maps: dict[str, dict[str, Any]]) -> Any:
    path = re.findall(r"\[([^\[\]]*)\]", match.group(2))
    current: Any = maps[match.group(1)]
    if path[0] not in current:
        return match.group(0)
    for segment in path:
        if isinstance(current, dict) and segment in current:
            current = current[segment]
        elif isinstance(current, list) and segment.isdigit() and int(segment) < len(current):
            current = current[int(segment)]
        else:
            break
    return current


def _as_text(value: Any) -> str:
    return "Array" if isinstance(value, (dict, list)) else php_string(value)


def _php_array(part: dict[str, Any]) -> Any:
    if not part:
        return []
    if list(part) == [str(i) for i in range(len(part))]:
        return list(part.values())
    return dict(part)
