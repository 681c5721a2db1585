"""The Bitrix24 portal emulator, exercised over loopback HTTP like a real client would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.sandbox.bitrix24 import LoggedRequest, PortalEmulator
from bot.sandbox.bitrix24.phpquery import parse_query

TIME_KEYS = {
    "start", "finish", "duration", "processing",
    "date_start", "date_finish", "operating_reset_at", "operating",
}  # fmt: skip


@dataclass
class Portal:
    """A seeded, running emulator plus the ids the tests need."""

    emu: PortalEmulator
    http: aiohttp.ClientSession
    ann: int  # owner and scrum master of `team`
    bob: int  # member of `team`
    eve: int  # outsider with her own scrum `other`
    code: str
    team: int
    other: int
    backlog: int
    sprint: int
    epic: int
    scrum_task: int
    plain_task: int
    foreign_task: int

    @property
    def url(self) -> str:
        return self.emu.webhook_url(self.ann, self.code)

    async def call(self, method: str, url: str | None = None, **kw: Any) -> tuple[int, Any]:
        async with self.http.post((url or self.url) + method, **kw) as response:
            return response.status, await response.json(content_type=None)

    async def ok(self, method: str, **kw: Any) -> Any:
        status, body = await self.call(method, **kw)
        assert status == 200, body
        return body["result"]


@pytest.fixture
async def portal() -> AsyncIterator[Portal]:
    emu = PortalEmulator()
    ann, bob, eve = emu.add_user("Ann", "Lee"), emu.add_user("Bob"), emu.add_user("Eve")
    team = emu.add_group("Team", owner_id=ann, scrum_master_id=ann, members=[bob])
    other = emu.add_group("Other", owner_id=eve, scrum_master_id=eve, members=[ann])
    sprint = emu.add_sprint(team, "Sprint 1", "active")
    backlog = emu.backlog_id(team)
    epic = emu.add_epic(team, "Payments")
    scrum_task = emu.add_task(
        "Pay", group_id=team, responsible_id=bob, entity_id=sprint, story_points="3"
    )
    plain_task = emu.add_task("Plain", group_id=team, responsible_id=bob)
    foreign_task = emu.add_task("Foreign", group_id=other, responsible_id=eve)
    await emu.start()
    async with aiohttp.ClientSession() as http:
        yield Portal(
            emu, http, ann, bob, eve, emu.add_webhook(ann), team, other, backlog, sprint,
            epic, scrum_task, plain_task, foreign_task,
        )  # fmt: skip
    await emu.stop()


async def test_envelope_carries_result_and_time_block(portal: Portal) -> None:
    status, body = await portal.call("user.current")
    assert status == 200
    assert set(body) == {"result", "time"}
    assert set(body["time"]) == TIME_KEYS
    assert body["result"]["ID"] == str(portal.ann)
    assert body["result"]["ACTIVE"] is True
    assert (body["result"]["NAME"], body["result"]["LAST_NAME"]) == ("Ann", "Lee")


async def test_method_names_are_case_insensitive_with_optional_json_suffix(
    portal: Portal,
) -> None:
    assert (await portal.ok("USER.Current.json"))["ID"] == str(portal.ann)
    async with portal.http.get(portal.url + "user.current") as response:
        assert response.status == 200


async def test_unknown_method_is_404(portal: Portal) -> None:
    status, body = await portal.call("tasks.api.scrum.nothing")
    assert status == 404
    assert body == {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}


@pytest.mark.parametrize("case", ["wrong code", "wrong user", "revoked", "missing scope", "none"])
async def test_auth_errors(portal: Portal, case: str) -> None:
    base = portal.emu.base_url
    user_only = portal.emu.add_webhook(portal.ann, ["user"])
    urls = {
        "wrong code": f"{base}/rest/{portal.ann}/0000000000000000/",
        "wrong user": f"{base}/rest/{portal.bob}/{portal.code}/",
        "revoked": portal.url,
        "missing scope": portal.emu.webhook_url(portal.ann, user_only),
        "none": f"{base}/rest/",
    }  # fmt: skip
    if case == "revoked":
        portal.emu.revoke_webhook(portal.code)
    status, body = await portal.call("tasks.api.scrum.sprint.list", url=urls[case])
    assert status == 401
    expected = {
        "missing scope": (
            "insufficient_scope",
            "The request requires higher privileges than provided by the webhook token",
        ),
        "none": ("NO_AUTH_FOUND", "Wrong authorization data"),
    }.get(case, ("INVALID_CREDENTIALS", "Invalid request credentials"))
    assert (body["error"], body["error_description"]) == expected
    assert "time" not in body


async def test_form_body_applies_story_points_and_json_number_is_ignored(portal: Portal) -> None:
    method = "tasks.api.scrum.task.update"
    form = {"id": str(portal.scrum_task), "fields[storyPoints]": "8"}
    assert await portal.ok(method, data=form) is True
    item = portal.emu.item(portal.scrum_task)
    assert item is not None
    assert item.story_points == "8"
    assert item.modified_by == portal.ann
    json_number = {"id": portal.scrum_task, "fields": {"storyPoints": 13}}
    assert await portal.ok(method, json=json_number) is True
    assert item.story_points == "8"
    json_string = {"id": portal.scrum_task, "fields": {"storyPoints": "13"}}
    assert await portal.ok(method, json=json_string) is True
    assert item.story_points == "13"


async def test_query_string_parameters_with_php_keys(portal: Portal) -> None:
    async with portal.http.get(
        portal.url + "tasks.api.scrum.sprint.list", params={"filter[GROUP_ID]": str(portal.team)}
    ) as response:
        body = await response.json()
    assert [s["id"] for s in body["result"]] == [portal.sprint]


def test_php_query_parser_builds_nested_dicts_and_lists() -> None:
    parsed = parse_query("fields[storyPoints]=8&select[0]=ID&select[1]=NAME&filter[>ID]=2&a[]=x")
    assert parsed == {
        "fields": {"storyPoints": "8"}, "select": ["ID", "NAME"],
        "filter": {">ID": "2"}, "a": ["x"],
    }  # fmt: skip


def _update_cases(p: Portal) -> dict[str, tuple[dict[str, Any], int, str]]:
    new = {"entityId": p.backlog, "createdBy": p.ann}
    plain = p.plain_task
    return {
        "id 0": ({"id": 0, "fields": new}, 0, "Task id not found"),
        "unknown task": ({"id": 999, "fields": new}, 0, "Task not found."),
        "no entity": ({"id": plain, "fields": {"createdBy": p.ann}}, 0, "Entity id not found"),
        "bad entity": ({"id": plain, "fields": {**new, "entityId": 999}}, 0, "Entity not found."),
        "other project": (
            {"id": p.plain_task, "fields": {**new, "entityId": p.emu.backlog_id(p.other)}}, 0,
            "Task not found. The task must be in the project of the entity",
        ),
        "no creator": ({"id": plain, "fields": {"entityId": p.backlog}}, 0, "Item not created"),
        "bad epic": ({"id": p.scrum_task, "fields": {"epicId": 999}}, 0, "Epic not found"),
        "no id": ({"fields": new}, 100, "Could not find value for parameter {id}"),
        "no fields": ({"id": p.plain_task}, 100, "Could not find value for parameter {fields}"),
        "text id": (
            {"id": "abc", "fields": new}, 100,
            "Invalid value abc to match with parameter {id}. Should be value of type int.",
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["id 0", "unknown task", "no entity", "bad entity", "other project", "no creator",
     "bad epic", "no id", "no fields", "text id"],
)  # fmt: skip
async def test_scrum_task_update_errors(portal: Portal, case: str) -> None:
    payload, code, text = _update_cases(portal)[case]
    status, body = await portal.call("tasks.api.scrum.task.update", json=payload)
    assert status == 400
    assert body == {"error": code, "error_description": text}
    assert portal.emu.item(portal.plain_task) is None


async def test_scrum_task_update_creates_item_moves_and_detaches_epic(portal: Portal) -> None:
    fields = {"entityId": portal.backlog, "createdBy": portal.bob, "epicId": portal.epic}
    await portal.ok("tasks.api.scrum.task.update", json={"id": portal.plain_task, "fields": fields})
    got = await portal.ok("tasks.api.scrum.task.get", json={"id": portal.plain_task})
    assert got == {
        "entityId": portal.backlog, "storyPoints": "", "epicId": portal.epic, "sort": 0,
        "sortFloat": 0.0, "createdBy": portal.bob, "modifiedBy": portal.ann, "groupId": portal.team,
    }  # fmt: skip
    detach = {"id": portal.plain_task, "fields": {"epicId": 0, "entityId": portal.sprint}}
    await portal.ok("tasks.api.scrum.task.update", json=detach)
    item = portal.emu.item(portal.plain_task)
    assert item is not None
    assert (item.epic_id, item.entity_id) == (0, portal.sprint)


async def test_scrum_task_get_errors(portal: Portal) -> None:
    status, body = await portal.call("tasks.api.scrum.task.get", json={"id": portal.plain_task})
    assert (status, body["error"], body["error_description"]) == (400, 0, "Task not found")
    status, body = await portal.call("tasks.api.scrum.task.get", json={"id": 0})
    assert body["error_description"] == "Task id not found"
    fields = await portal.ok("tasks.api.scrum.task.getFields")
    assert fields["fields"]["storyPoints"] == {"type": "string"}


async def test_sprint_list_pages_by_50_without_total(portal: Portal) -> None:
    for n in range(59):
        portal.emu.add_sprint(portal.team, f"S{n}", "completed")
    query = {"filter": {"GROUP_ID": portal.team}}
    status, first = await portal.call("tasks.api.scrum.sprint.list", json=query)
    assert status == 200
    assert set(first) == {"result", "time"}
    assert len(first["result"]) == 50
    second = await portal.ok("tasks.api.scrum.sprint.list", json={**query, "start": 50})
    assert len(second) == 10
    ids = [s["id"] for s in first["result"] + second]
    assert len(set(ids)) == 60


@pytest.mark.parametrize(
    "query",
    [{"filter": {"groupId": 1}}, {"filter": {">=DATE_END": "2020-01-01"}}, {"filter": {"GOAL": ""}},
     {"select": ["name"]}, {"order": {"id": "asc"}}],
)  # fmt: skip
async def test_sprint_list_wrong_fields_give_empty_list(
    portal: Portal, query: dict[str, Any]
) -> None:
    assert await portal.ok("tasks.api.scrum.sprint.list", json=query) == []


async def test_sprint_list_select_blanks_unselected_keys(portal: Portal) -> None:
    query = {"filter": {"STATUS": "active"}, "select": ["ID", "NAME"]}
    (sprint,) = await portal.ok("tasks.api.scrum.sprint.list", json=query)
    assert (sprint["id"], sprint["name"], sprint["groupId"], sprint["status"]) == (
        portal.sprint, "Sprint 1", 0, "",
    )  # fmt: skip


async def test_membership_filters_lists_and_denies_access(portal: Portal) -> None:
    eve_url = portal.emu.webhook_url(portal.eve, portal.emu.add_webhook(portal.eve))
    for method in ("tasks.api.scrum.sprint.list", "tasks.api.scrum.epic.list"):
        status, body = await portal.call(method, url=eve_url)
        assert (status, body["result"]) == (200, [])
    status, body = await portal.call(
        "tasks.api.scrum.sprint.get", url=eve_url, json={"id": portal.sprint}
    )
    assert (status, body) == (400, {"error": 0, "error_description": "Access denied"})
    status, body = await portal.call(
        "tasks.task.get", url=eve_url, json={"taskId": portal.scrum_task}
    )
    assert (status, body["result"]) == (200, [])
    epics = await portal.ok("tasks.api.scrum.epic.list", json={"filter": {"%NAME": "pay"}})
    assert [e["id"] for e in epics] == [portal.epic]


async def test_sprint_complete_moves_unfinished_tasks_to_backlog(portal: Portal) -> None:
    done = portal.emu.add_task("Done", group_id=portal.team, responsible_id=portal.bob,
                               entity_id=portal.sprint, status=5)  # fmt: skip
    result = await portal.ok("tasks.api.scrum.sprint.complete", json={"id": portal.team})
    assert (result["id"], result["status"]) == (portal.sprint, "completed")
    assert portal.emu.item(portal.scrum_task).entity_id == portal.backlog  # type: ignore[union-attr]
    assert portal.emu.item(done).entity_id == portal.sprint  # type: ignore[union-attr]
    status, body = await portal.call("tasks.api.scrum.sprint.complete", json={"id": portal.team})
    assert (status, body["error_description"]) == (400, "Sprint not found")
    added = await portal.ok("tasks.api.scrum.sprint.add", json={"fields": {
        "groupId": portal.team, "name": "Next", "status": "planned", "createdBy": portal.ann,
        "dateStart": "2026-01-01T00:00:00+00:00", "dateEnd": 1767225600 + 14 * 86400,
    }})  # fmt: skip
    started = await portal.ok("tasks.api.scrum.sprint.start", json={"id": added["id"]})
    assert started["status"] == "active"
    assert started["dateEnd"] == "2026-01-15T00:00:00+00:00"


async def test_classic_methods_shapes(portal: Portal) -> None:
    task = (await portal.ok("tasks.task.get", json={"taskId": portal.scrum_task}))["task"]
    assert (task["id"], task["groupId"], task["status"]) == (str(portal.scrum_task), "1", "2")
    assert task["responsible"]["name"] == "Bob"
    status, page = await portal.call("tasks.task.list", json={"filter": {"GROUP_ID": portal.team}})
    assert (page["total"], len(page["result"]["tasks"])) == (2, 2)
    group = await portal.ok("socialnetwork.api.workgroup.get", json={"params": {"groupId": 1}})
    assert (group["ID"], group["SCRUM_MASTER_ID"], group["TYPE"]) == (1, portal.ann, "scrum")
    status, listed = await portal.call("socialnetwork.api.workgroup.list", json={
        "filter": {"!SCRUM_MASTER_ID": False, "%NAME": "tea"}, "select": ["NAME", "TYPE"],
    })  # fmt: skip
    assert listed["result"] == {"workgroups": [{"id": "1", "name": "Team", "type": "scrum"}]}
    assert listed["total"] == 1
    status, sonet = await portal.call("sonet_group.get", json={"FILTER": {"ID": portal.other}})
    assert (status, [g["NAME"] for g in sonet["result"]], sonet["total"]) == (200, ["Other"], 1)
    assert (await portal.ok("user.get", json={"FILTER": {"ID": portal.bob}}))[0]["NAME"] == "Bob"
    assert (await portal.ok("tasks.api.scrum.backlog.get", json={"id": portal.team}))["id"] == 1


def _batch_parts(body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = body["result"]
    assert set(result) == {"result", "result_error", "result_total", "result_next", "result_time"}
    return result


async def test_batch_substitution_and_empty_parts(portal: Portal) -> None:
    cmd = {
        "item": f"tasks.api.scrum.task.get?id={portal.scrum_task}",
        "sprint": "tasks.api.scrum.sprint.get?id=$result[item][entityId]",
    }
    status, body = await portal.call("batch", json={"halt": 0, "cmd": cmd})
    parts = _batch_parts(body)
    assert status == 200
    assert parts["result"]["sprint"]["name"] == "Sprint 1"
    assert parts["result_error"] == parts["result_total"] == parts["result_next"] == []
    assert set(parts["result_time"]["item"]) == TIME_KEYS


async def test_batch_list_form_gives_arrays(portal: Portal) -> None:
    data = {"cmd[0]": "user.current", "cmd[1]": "tasks.api.scrum.epic.list?filter[GROUP_ID]=1"}
    status, body = await portal.call("batch", data=data)
    parts = _batch_parts(body)
    assert status == 200
    assert isinstance(parts["result"], list)
    assert parts["result"][1][0]["name"] == "Payments"
    assert isinstance(parts["result_time"], list)


async def test_batch_halt_stops_after_first_error(portal: Portal) -> None:
    cmd = {"a": "tasks.api.scrum.task.get?id=0", "b": "user.current"}
    for halt, expected in ((1, []), (0, ["b"])):
        body = (await portal.call("batch", json={"halt": halt, "cmd": cmd}))[1]
        parts = _batch_parts(body)
        assert parts["result_error"]["a"] == {"error": 0, "error_description": "Task id not found"}
        assert (list(parts["result"]) if parts["result"] else []) == expected


async def test_batch_limits_nesting_and_scopes(portal: Portal) -> None:
    cmd = {f"c{n}": "user.current" for n in range(52)} | {"nested": "batch?cmd[x]=user.current"}
    parts = _batch_parts((await portal.call("batch", json={"cmd": cmd}))[1])
    assert len(parts["result"]) == 50
    assert parts["result_error"]["c51"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    assert parts["result_error"]["nested"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    small = {"nested": "batch?cmd[x]=user.current", "scrum": "tasks.api.scrum.sprint.list"}
    user_only = portal.emu.webhook_url(portal.ann, portal.emu.add_webhook(portal.ann, ["user"]))
    parts = _batch_parts((await portal.call("batch", url=user_only, json={"cmd": small}))[1])
    assert parts["result_error"]["nested"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"
    assert parts["result_error"]["scrum"]["error"] == "insufficient_scope"


async def test_rate_limit_rejects_after_burst(portal: Portal) -> None:
    portal.emu.set_rate_limit(True, burst=3, per_second=0.01)
    statuses = [(await portal.call("user.current"))[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 503]
    body = (await portal.call("user.current"))[1]
    assert body == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
    portal.emu.set_rate_limit(False)
    assert (await portal.call("user.current"))[0] == 200


async def test_fail_next_variants(portal: Portal) -> None:
    portal.emu.fail_next(2)
    portal.emu.fail_next(status=500, error="INTERNAL_SERVER_ERROR", description="Internal")
    portal.emu.fail_next(in_body_200=True)
    portal.emu.fail_next(status=502, html=True)
    assert (await portal.call("user.current"))[0] == 503
    assert (await portal.call("user.current"))[1]["error"] == "QUERY_LIMIT_EXCEEDED"
    assert (await portal.call("user.current"))[0] == 500
    assert await portal.call("user.current") == (
        200, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"},
    )  # fmt: skip
    async with portal.http.post(portal.url + "user.current") as response:
        assert (response.status, response.content_type) == (502, "text/html")
    assert (await portal.call("user.current"))[0] == 200


async def test_hang_makes_the_client_time_out(portal: Portal) -> None:
    portal.emu.hang_seconds = 0.5
    portal.emu.fail_next(hang=True)
    timeout = aiohttp.ClientTimeout(total=0.1)
    with pytest.raises(asyncio.TimeoutError):
        await portal.http.post(portal.url + "user.current", timeout=timeout)
    await asyncio.sleep(0.5)
    assert portal.emu.requests[-1].status == 503


async def test_latency_delays_answers(portal: Portal) -> None:
    portal.emu.latency = 0.05
    started = asyncio.get_running_loop().time()
    await portal.ok("user.current")
    assert asyncio.get_running_loop().time() - started >= 0.05


async def test_request_log_records_every_request(portal: Portal) -> None:
    portal.emu.clear_log()
    await portal.call("user.current")
    portal.emu.fail_next()
    await portal.call("Tasks.Task.Get")
    await portal.call("batch", json={"cmd": ["User.Current", "tasks.task.get?taskId=1"]})
    await portal.call("user.current", url=f"{portal.emu.base_url}/rest/{portal.ann}/nope/")
    assert portal.emu.requests == [
        LoggedRequest("user.current", (), portal.ann, 200),
        LoggedRequest("tasks.task.get", (), portal.ann, 503),
        LoggedRequest("batch", ("user.current", "tasks.task.get"), portal.ann, 200),
        LoggedRequest("user.current", (), portal.ann, 401),
    ]
