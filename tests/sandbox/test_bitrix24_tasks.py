"""The emulator's `tasks.task.list|add|update`, over loopback HTTP as a client would call them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.adapters.bitrix24 import php_query
from bot.sandbox.bitrix24 import PortalEmulator

NOT_ALLOWED = "Action on the task is not allowed"
NO_RESPONSIBLE = 'The user specified in the "Responsible" field was not found<br>'


@dataclass
class Portal:
    """A running emulator: Ann works in `team`; Eve runs `other`, which Ann is not in."""

    emu: PortalEmulator
    http: aiohttp.ClientSession
    ann: int
    eve: int
    code: str
    team: int
    other: int

    async def call(self, method: str, payload: dict[str, Any]) -> tuple[int, Any]:
        url = self.emu.webhook_url(self.ann, self.code) + method
        async with self.http.post(url, json=payload) as response:
            return response.status, await response.json(content_type=None)

    async def ok(self, method: str, payload: dict[str, Any]) -> Any:
        status, body = await self.call(method, payload)
        assert status == 200, body
        return body


@pytest.fixture
async def portal() -> AsyncIterator[Portal]:
    emu = PortalEmulator()
    ann, eve = emu.add_user("Ann", "Lee"), emu.add_user("Eve")
    team = emu.add_group("Team", owner_id=ann, scrum_master_id=ann)
    other = emu.add_group("Other", owner_id=eve, scrum_master_id=eve)
    await emu.start()
    async with aiohttp.ClientSession() as http:
        yield Portal(emu, http, ann, eve, emu.add_webhook(ann), team, other)
    await emu.stop()


def seed(portal: Portal, count: int, group_id: int | None = None) -> list[int]:
    """`count` tasks of Ann's in a group (the team by default)."""
    group = portal.team if group_id is None else group_id
    owner = portal.ann if group == portal.team else portal.eve
    return [
        portal.emu.add_task(f"Task {n}", group_id=group, responsible_id=owner) for n in range(count)
    ]


# --- tasks.task.list by a list of ids --------------------------------------------------------


async def test_list_filters_by_a_list_of_ids(portal: Portal) -> None:
    ids = seed(portal, 5)
    query = {"filter": {"ID": [ids[1], ids[3], 999]}, "select": ["ID", "TITLE"]}
    body = await portal.ok("tasks.task.list", query)
    assert [t["id"] for t in body["result"]["tasks"]] == [str(ids[3]), str(ids[1])]
    assert body["total"] == 2
    assert "next" not in body


async def test_list_by_ids_leaves_out_tasks_the_caller_cannot_read(portal: Portal) -> None:
    (mine,) = seed(portal, 1)
    (hidden,) = seed(portal, 1, portal.other)
    body = await portal.ok("tasks.task.list", {"filter": {"ID": [mine, hidden]}})
    assert [t["id"] for t in body["result"]["tasks"]] == [str(mine)]


async def test_list_pages_by_fifty_with_total_and_next(portal: Portal) -> None:
    ids = seed(portal, 60)
    query: dict[str, Any] = {"filter": {"ID": ids}, "order": {"ID": "ASC"}, "select": ["ID"]}
    first = await portal.ok("tasks.task.list", query)
    second = await portal.ok("tasks.task.list", {**query, "start": 50})
    assert [len(first["result"]["tasks"]), first["total"], first["next"]] == [50, 60, 50]
    assert [int(t["id"]) for t in second["result"]["tasks"]] == ids[50:]
    assert "next" not in second


async def test_list_by_ids_inside_a_batch(portal: Portal) -> None:
    ids = seed(portal, 3)
    command = "tasks.task.list?" + php_query(
        {"filter": {"ID": ids[:2]}, "select": ["ID", "TITLE", "RESPONSIBLE_ID"]}
    )
    body = await portal.ok("batch", {"halt": 0, "cmd": {"page": command}})
    tasks = body["result"]["result"]["page"]["tasks"]
    assert sorted(int(t["id"]) for t in tasks) == ids[:2]
    assert tasks[0]["responsible"]["name"] == "Ann Lee"
    assert body["result"]["result_total"] == {"page": 2}


# --- tasks.task.add -------------------------------------------------------------------------


async def test_add_creates_the_task_in_the_group_without_a_scrum_item(portal: Portal) -> None:
    fields = {"TITLE": "Dark mode", "RESPONSIBLE_ID": portal.ann, "GROUP_ID": portal.team}
    body = await portal.ok("tasks.task.add", {"fields": fields})
    task = body["result"]["task"]
    assert (task["title"], task["groupId"], task["responsibleId"]) == (
        "Dark mode", str(portal.team), str(portal.ann),
    )  # fmt: skip
    assert task["createdBy"] == str(portal.ann)
    assert [t.id for t in portal.emu.tasks_created()] == [int(task["id"])]
    assert portal.emu.item(int(task["id"])) is None
    got = await portal.ok("tasks.task.get", {"taskId": task["id"]})
    assert got["result"]["task"]["title"] == "Dark mode"


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        ({"RESPONSIBLE_ID": 1}, "ERROR_CORE", "The task title is not specified<br>"),
        ({"TITLE": "X"}, "ERROR_CORE", NO_RESPONSIBLE),
        ({"TITLE": "X", "RESPONSIBLE_ID": 1, "GROUP_ID": 2}, 0, NOT_ALLOWED),
        ({}, 100, "Could not find value for parameter {fields}"),
    ],
    ids=["no title", "no responsible", "group not joined", "no fields"],
)  # fmt: skip
async def test_add_errors_create_nothing(
    portal: Portal, fields: dict[str, Any], code: object, text: str
) -> None:
    status, body = await portal.call("tasks.task.add", {"fields": fields})
    assert (status, body) == (400, {"error": code, "error_description": text})
    assert portal.emu.tasks_created() == []


# --- tasks.task.update ----------------------------------------------------------------------


async def test_update_moves_the_task_to_another_group(portal: Portal) -> None:
    (task_id,) = seed(portal, 1)
    portal.emu.add_member(portal.other, portal.ann)
    body = await portal.ok(
        "tasks.task.update", {"taskId": task_id, "fields": {"GROUP_ID": portal.other}}
    )
    assert body["result"]["task"]["groupId"] == str(portal.other)
    assert portal.emu.task(task_id).group_id == portal.other


@pytest.mark.parametrize(
    ("case", "code", "text"),
    [
        ("foreign group", 0, NOT_ALLOWED),
        ("hidden task", 0, NOT_ALLOWED),
        ("missing task", 0, NOT_ALLOWED),
        ("no fields", 100, "Could not find value for parameter {fields}"),
        ("bad id", 0, "wrong task id"),
    ],
)
async def test_update_errors_change_nothing(
    portal: Portal, case: str, code: object, text: str
) -> None:
    (mine,) = seed(portal, 1)
    (hidden,) = seed(portal, 1, portal.other)
    payloads: dict[str, dict[str, Any]] = {
        "foreign group": {"taskId": mine, "fields": {"GROUP_ID": portal.other}},
        "hidden task": {"taskId": hidden, "fields": {"GROUP_ID": portal.team}},
        "missing task": {"taskId": 999, "fields": {"GROUP_ID": portal.team}},
        "no fields": {"taskId": mine, "fields": {}},
        "bad id": {"taskId": "abc", "fields": {"GROUP_ID": portal.team}},
    }
    status, body = await portal.call("tasks.task.update", payloads[case])
    assert (status, body) == (400, {"error": code, "error_description": text})
    assert (portal.emu.task(mine).group_id, portal.emu.task(hidden).group_id) == (
        portal.team, portal.other,
    )  # fmt: skip
