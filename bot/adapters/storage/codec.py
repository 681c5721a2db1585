"""JSON columns to core types and back: what is stored is checked as it is read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.errors import StorageError
from bot.core.model import Epic, Sprint, SprintStatus

JsonObject = dict[str, Any]


def sprints_to_json(sprints: tuple[Sprint, ...]) -> list[JsonObject]:
    """Sprints as JSON objects (dates as ISO 8601 text, their zone kept)."""
    return [
        {
            "id": s.id,
            "name": s.name,
            "status": s.status.value,
            "sort": s.sort,
            "date_start": _date_to_json(s.date_start),
            "date_end": _date_to_json(s.date_end),
        }
        for s in sprints
    ]


def sprints_from_json(value: object) -> tuple[Sprint, ...]:
    """The cached sprints; StorageError when the stored JSON has another shape."""
    try:
        return tuple(
            Sprint(
                id=_int(item["id"]),
                name=_str(item["name"]),
                status=SprintStatus(item["status"]),
                sort=_int(item["sort"]),
                date_start=_date_from_json(item["date_start"]),
                date_end=_date_from_json(item["date_end"]),
            )
            for item in _objects(value)
        )
    except (KeyError, TypeError, ValueError) as e:
        raise StorageError(f"the cached sprints are damaged: {e!r}") from e


def epics_to_json(epics: tuple[Epic, ...]) -> list[JsonObject]:
    """Epics as JSON objects."""
    return [{"id": e.id, "name": e.name} for e in epics]


def epics_from_json(value: object) -> tuple[Epic, ...]:
    """The cached epics; StorageError when the stored JSON has another shape."""
    try:
        return tuple(Epic(id=_int(item["id"]), name=_str(item["name"])) for item in _objects(value))
    except (KeyError, TypeError, ValueError) as e:
        raise StorageError(f"the cached epics are damaged: {e!r}") from e


def settings_from_json(value: object) -> dict[str, str]:
    """A chat's settings as text keys and values; StorageError when they are not."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise StorageError("the chat settings are damaged: not an object of strings")
    return dict(value)


def _objects(value: object) -> list[JsonObject]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TypeError(f"expected a list of objects, got {type(value).__name__}")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _date_to_json(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_from_json(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(_str(value))
