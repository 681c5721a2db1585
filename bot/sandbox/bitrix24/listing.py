"""The list semantics shared by ``sprint.list`` and ``epic.list``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import business
from .filters import UnknownFieldError, check_select, filter_rows, sort_rows
from .params import PAGE_SIZE, page_offset
from .views import as_row, blank_unselected, camel

_UNFILTERABLE = {"DATE_START", "DATE_END"}


def scrum_list(
    params: dict[str, Any], objects: Iterable[dict[str, Any]], fields: set[str]
) -> list[dict[str, Any]]:
    """Filter/order/select/page camelCase objects; unknown fields give ``[]``, no total/next."""
    conditions = _mapping(params, "filter")
    order = _mapping(params, "order") or {"ID": "ASC"}
    select = _mapping(params, "select")
    if any(key.lstrip("!=<>%@") in _UNFILTERABLE for key in conditions):
        return []
    try:
        rows = [as_row(obj) | {"INFO": ""} for obj in objects]
        rows = sort_rows(filter_rows(rows, conditions, fields), order, fields)
        selected = check_select(select.values(), fields)
    except UnknownFieldError:
        return []
    offset = page_offset(params)
    chunk = rows[offset : offset + PAGE_SIZE]
    return [blank_unselected(_object(row), selected) for row in chunk]


def _object(row: dict[str, Any]) -> dict[str, Any]:
    return {camel(key): value for key, value in row.items() if key != "INFO"}


def _mapping(params: dict[str, Any], name: str) -> dict[str, Any]:
    value = params.get(name)
    if value is None or value == "":
        return {}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        kind = "string" if isinstance(value, str) else "int"
        raise business(f"Argument #1 ($array) must be of type array, {kind} given")
    return value
