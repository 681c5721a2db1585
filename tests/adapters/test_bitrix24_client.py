"""Bitrix24Client over loopback HTTP: error shapes, batch parsing, php_query, secrecy.

Most answers come from a tiny canned-answer server defined here (a fake at the network seam:
it lets a test choose the exact bytes a portal or a proxy sends back).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.bitrix24 import Bitrix24Client, php_query
from bot.adapters.bitrix24.errors import tracker_error
from bot.adapters.bitrix24.retry import RetryPolicy
from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    EntityNotFound,
    EpicNotFound,
    GroupNotFound,
    ItemNotCreated,
    NotInScrum,
    PortalUnavailable,
    RateLimited,
    TaskNotFound,
    TrackerError,
    TrackerRefused,
)
from bot.core.model import Credential

SECRET = "s3cr3tw3bh00kcode"
FAST = RetryPolicy(busy_delay=0.01, transient_delay=0.01, max_delay=0.02)  # same tries, no waits


@dataclass
class Reply:
    """One canned HTTP answer."""

    body: object = None
    status: int = 200
    raw: str | None = None  # sent as-is instead of JSON
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class CannedPortal:
    """Answers each request with the next queued Reply (the last one repeats), recording asks."""

    replies: list[Reply] = field(default_factory=list)
    received: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((request.match_info["method"], await request.json()))
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        text = reply.raw if reply.raw is not None else json.dumps(reply.body)
        return web.Response(status=reply.status, text=text, content_type=reply.content_type)


@pytest.fixture
async def portal() -> AsyncIterator[tuple[CannedPortal, str]]:
    canned = CannedPortal()
    app = web.Application()
    app.router.add_post("/rest/{uid}/{code}/{method}", canned.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield canned, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def credential(base_url: str) -> Credential:
    return Credential(portal=base_url, user_id=7, secret=SECRET)


async def failure(
    client: Bitrix24Client, base_url: str, method: str = "user.current"
) -> TrackerError:
    with pytest.raises(TrackerError) as caught:
        await client.call(credential(base_url), method)
    return caught.value


# --- php_query -------------------------------------------------------------------------------


def test_php_query_encodes_nested_params_php_style() -> None:
    query = php_query(
        {"id": 42, "fields": {"storyPoints": "8", "epicId": 0}, "select": ["ID", "TITLE"]}
    )
    assert query == "id=42&fields[storyPoints]=8&fields[epicId]=0&select[0]=ID&select[1]=TITLE"


def test_php_query_url_encodes_keys_and_values() -> None:
    query = php_query({"filter": {"%NAME": "R&D team", "!ID": 3}, "flag": True, "skip": None})
    assert query == "filter[%25NAME]=R%26D%20team&filter[%21ID]=3&flag=1"
    assert parse_qsl(query) == [("filter[%NAME]", "R&D team"), ("filter[!ID]", "3"), ("flag", "1")]


def test_php_query_keeps_unicode_values_round_trip() -> None:
    query = php_query({"fields": {"name": 'Спринт 5 / "final"'}})
    assert parse_qsl(query) == [("fields[name]", 'Спринт 5 / "final"')]


# --- the error table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "description", "kind"),
    [
        (0, "Task not found.", TaskNotFound),
        ("0", "Task not found", TaskNotFound),
        (0, "Task id not found", TaskNotFound),
        (0, "Task not found. The task must be in the project of the entity", NotInScrum),
        (0, "Epic not found", EpicNotFound),
        (0, "Entity not found.", EntityNotFound),
        (0, "Entity id not found", EntityNotFound),
        (0, "Access denied", AccessDenied),
        (0, "Item not created", ItemNotCreated),
        (0, "Group id not found", GroupNotFound),
        (0, "Backlog not found", GroupNotFound),
        (0, "Unable to update task", TrackerRefused),
        (100, "Could not find value for parameter {id}", TrackerRefused),
        ("ERROR_CORE", "Invalid status<br>", TrackerRefused),
        ("QUERY_LIMIT_EXCEEDED", "Too many requests", RateLimited),
        ("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", RateLimited),
        ("NO_AUTH_FOUND", "Wrong authorization data", CredentialsRejected),
        ("INVALID_CREDENTIALS", "Invalid request credentials", CredentialsRejected),
        ("insufficient_scope", "The request requires higher privileges", CredentialsRejected),
        ("expired_token", "The access token provided has expired", CredentialsRejected),
        ("invalid_token", "", CredentialsRejected),
        ("WRONG_AUTH_TYPE", "Application context required", CredentialsRejected),
        ("user_access_error", "", CredentialsRejected),
        ("authorization_error", "Unable to authorize user", CredentialsRejected),
        ("INVALID_REQUEST", "Https required.", CredentialsRejected),
        ("ERROR_METHOD_NOT_FOUND", "Method not found!", CredentialsRejected),
        ("ACCESS_DENIED", "REST is available only on commercial plans.", PortalUnavailable),
        ("PORTAL_DELETED", "Portal was deleted", PortalUnavailable),
        ("OVERLOAD_LIMIT", "REST API is blocked due to overload", PortalUnavailable),
        ("INTERNAL_SERVER_ERROR", "Internal server error", PortalUnavailable),
        ("ERROR_UNEXPECTED_ANSWER", "Server returned an unexpected response", PortalUnavailable),
    ],
)
def test_each_bitrix24_error_has_one_place_in_the_tree(
    code: object, description: str, kind: type[TrackerError]
) -> None:
    error = tracker_error(code, description)
    assert type(error) is kind
    assert error.code == str(code)


def test_rate_limit_knows_when_the_budget_frees_up() -> None:
    error = tracker_error("OPERATION_TIME_LIMIT", "blocked", {"operating_reset_at": 1_900_000_000})
    assert isinstance(error, RateLimited)
    assert error.retry_at == datetime.fromtimestamp(1_900_000_000, UTC)
    assert isinstance(plain := tracker_error("QUERY_LIMIT_EXCEEDED", "x"), RateLimited)
    assert plain.retry_at is None


# --- error shapes over HTTP -----------------------------------------------------------------


async def test_business_error_with_400_keeps_code_and_clean_description(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    canned.replies.append(Reply({"error": 0, "error_description": "  Epic not found "}, 400))
    error = await failure(Bitrix24Client(session), base, "tasks.api.scrum.task.update")
    assert isinstance(error, EpicNotFound)
    assert (error.code, error.description) == ("0", "Epic not found")


async def test_auth_error_with_401_rejects_the_credentials(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    body = {"error": "INVALID_CREDENTIALS", "error_description": "Invalid request credentials"}
    canned.replies.append(Reply(body, 401))
    error = await failure(Bitrix24Client(session), base)
    assert isinstance(error, CredentialsRejected)
    assert error.code == "INVALID_CREDENTIALS"


async def test_limit_with_503_is_rate_limited(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    body = {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
    canned.replies.append(Reply(body, 503))
    error = await failure(Bitrix24Client(session, retry=FAST), base)
    assert isinstance(error, RateLimited)
    assert (error.code, error.description, error.retry_at) == (
        "QUERY_LIMIT_EXCEEDED",
        "Too many requests",
        None,
    )
    assert len(canned.received) == FAST.busy_attempts  # asked again, then gave up


async def test_operating_limit_with_429_carries_retry_at(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    body = {
        "error": "OPERATION_TIME_LIMIT",
        "error_description": "Method is blocked due to operation time limit.",
        "time": {"operating": 481.2, "operating_reset_at": 1_900_000_060},
    }
    canned.replies.append(Reply(body, 429))
    error = await failure(Bitrix24Client(session), base)
    assert isinstance(error, RateLimited)
    assert error.retry_at == datetime.fromtimestamp(1_900_000_060, UTC)


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply({"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal"}, 500),
         "INTERNAL_SERVER_ERROR"),
        (Reply(raw="<html><body>502 Bad Gateway</body></html>", status=502,
               content_type="text/html"), "HTTP_502"),
        (Reply(raw="", status=500, content_type="text/plain"), "HTTP_500"),
        (Reply(raw="<html>maintenance</html>", content_type="text/html"), "NOT_JSON"),
        (Reply({"unexpected": True}), "ERROR_UNEXPECTED_ANSWER"),
        (Reply(["not", "an", "envelope"]), "ERROR_UNEXPECTED_ANSWER"),
        (Reply({"detail": "gateway"}, 504), "HTTP_504"),
    ],
)  # fmt: skip
async def test_server_failures_and_foreign_pages_are_portal_unavailable(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession, reply: Reply, code: str
) -> None:
    canned, base = portal
    canned.replies.append(reply)
    error = await failure(Bitrix24Client(session, retry=FAST), base)
    assert isinstance(error, PortalUnavailable)
    assert error.code == code
    assert "<html" not in error.description
    tries = 1 if code == "ERROR_UNEXPECTED_ANSWER" else 1 + FAST.transient_retries
    assert len(canned.received) == tries


async def test_error_inside_http_200_is_still_an_error(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    canned.replies.append(Reply({"error": "0", "error_description": "Task not found"}, 200))
    error = await failure(Bitrix24Client(session), base, "tasks.api.scrum.task.get")
    assert isinstance(error, TaskNotFound)
    assert (error.code, error.description) == ("0", "Task not found")


async def test_br_tags_are_stripped_from_descriptions(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    body = {"error": "ERROR_CORE", "error_description": "Invalid status<br>"}
    canned.replies.append(Reply(body, 400))
    error = await failure(Bitrix24Client(session), base, "tasks.task.update")
    assert isinstance(error, TrackerRefused)
    assert error.description == "Invalid status"


async def test_result_false_is_a_refusal(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    canned.replies.append(Reply({"result": False, "time": {}}))
    error = await failure(Bitrix24Client(session), base, "tasks.api.scrum.kanban.addTask")
    assert isinstance(error, TrackerRefused)
    assert error.code == "RESULT_FALSE"


async def test_slow_portal_times_out(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    canned.replies.append(Reply({"result": {}}, delay=1.0))
    error = await failure(Bitrix24Client(session, timeout=0.2, retry=FAST), base)
    assert isinstance(error, PortalUnavailable)
    assert error.code == "TIMEOUT"


async def test_closed_port_is_a_connection_failure(session: aiohttp.ClientSession) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = await failure(
        Bitrix24Client(session, timeout=2.0, retry=FAST), f"http://127.0.0.1:{port}"
    )
    assert isinstance(error, PortalUnavailable)
    assert error.code == "CONNECTION"
    assert SECRET not in str(error)


async def test_unknown_host_is_unavailable(session: aiohttp.ClientSession) -> None:
    error = await failure(Bitrix24Client(session, timeout=3.0), "http://portal.invalid")
    assert isinstance(error, PortalUnavailable)
    # .invalid never resolves; a sandbox without any resolver may run into the timeout first
    assert error.code in {"DNS", "TIMEOUT"}
    assert SECRET not in str(error)


async def test_secret_never_reaches_descriptions_or_logs(
    portal: tuple[CannedPortal, str],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    canned, base = portal
    echo = f"No webhook /rest/7/{SECRET}/ here"
    canned.replies.append(Reply({"error": "INVALID_CREDENTIALS", "error_description": echo}, 401))
    with caplog.at_level(logging.DEBUG, logger="bot.adapters.bitrix24"):
        error = await failure(Bitrix24Client(session), base)
    assert isinstance(error, CredentialsRejected)
    assert SECRET not in error.description
    assert SECRET not in str(error)
    assert "***" in error.description
    assert caplog.records, "calls and failures are logged"
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert any("user.current" in record.getMessage() for record in caplog.records)


async def test_call_posts_json_params_to_the_method(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    canned.replies.append(Reply({"result": {"ID": "7"}, "time": {}}))
    result = await Bitrix24Client(session).call(credential(base), "user.get", {"ID": 7})
    assert result == {"ID": "7"}
    assert canned.received == [("user.get", {"ID": 7})]


# --- batch ----------------------------------------------------------------------------------


async def test_batch_sends_php_encoded_commands_and_halt(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    parts = {"result": {"a": True}, "result_error": [], "result_total": [], "result_next": []}
    canned.replies.append(Reply({"result": parts | {"result_time": []}, "time": {}}))
    commands = {"a": ("tasks.api.scrum.task.update", {"id": 5, "fields": {"storyPoints": "8"}})}
    answer = await Bitrix24Client(session).batch(credential(base), commands, halt=True)
    assert (answer.results, answer.errors) == ({"a": True}, {})
    method, sent = canned.received[0]
    assert method == "batch"
    query = "id=5&fields[storyPoints]=8"
    assert sent == {"halt": 1, "cmd": {"a": f"tasks.api.scrum.task.update?{query}"}}


async def test_batch_splits_results_from_mapped_errors(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    parts = {
        "result": {"task": []},
        "result_error": {"item": {"error": 0, "error_description": "Task not found"}},
        "result_total": [],
        "result_next": [],
        "result_time": {"task": {"operating": 0}},
    }
    canned.replies.append(Reply({"result": parts, "time": {}}))
    commands = {"task": ("tasks.task.get", {"taskId": 1}), "item": ("x.get", {"id": 1})}
    answer = await Bitrix24Client(session).batch(credential(base), commands, halt=False)
    assert answer.results == {"task": []}
    assert list(answer.errors) == ["item"]
    assert isinstance(answer.errors["item"], TaskNotFound)


async def test_batch_reads_list_form_maps_and_false_results(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    parts = {"result": [{"id": 1}, False], "result_error": [], "result_time": [{}, {}]}
    canned.replies.append(Reply({"result": parts, "time": {}}))
    commands: dict[str, tuple[str, dict[str, object]]] = {"0": ("a.get", {}), "1": ("k.add", {})}
    answer = await Bitrix24Client(session).batch(credential(base), commands, halt=False)
    assert answer.results == {"0": {"id": 1}}
    assert isinstance(answer.errors["1"], TrackerRefused)


async def test_batch_with_an_auth_failure_raises_for_the_whole_batch(
    portal: tuple[CannedPortal, str], session: aiohttp.ClientSession
) -> None:
    canned, base = portal
    body = {"error": "expired_token", "error_description": "The access token provided has expired"}
    canned.replies.append(Reply(body, 401))
    with pytest.raises(CredentialsRejected):
        await Bitrix24Client(session).batch(credential(base), {"a": ("x", {})}, halt=False)


async def test_batch_refuses_more_than_fifty_commands(session: aiohttp.ClientSession) -> None:
    commands: dict[str, tuple[str, dict[str, object]]] = {
        f"c{i}": ("user.current", {}) for i in range(51)
    }
    with pytest.raises(ValueError, match="50"):
        await Bitrix24Client(session).batch(credential("http://127.0.0.1:9"), commands, halt=False)
