"""The standup: members change tasks from the group chat, as their own Bitrix24 users."""

from __future__ import annotations

import pytest

from bot.sandbox.telegram import BotMessage
from tests.e2e.conftest import World


def _methods(world: World) -> list[str]:
    return [r.method for r in world.portal.requests]


async def test_sp_writes_a_string_in_one_request(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    assert reply.text == f"#{team.task} Fix login crash: story points 5 → 8"
    item = team.portal.item(team.task)
    assert item is not None and item.story_points == "8"
    assert item.modified_by == team.bob_id
    assert _methods(team) == ["batch"]


async def test_sp_clear_and_question_mark(team: World) -> None:
    await team.say(team.chat, team.bob, f"/sp #{team.task} ?")
    cleared = await team.say(team.chat, team.bob, f"/sp {team.task} -")
    assert cleared.text.endswith("story points ? → —")
    assert team.portal.item(team.task).story_points == ""  # type: ignore[union-attr]


async def test_command_addressed_to_the_bot_by_name(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/sp@{team.telegram.bot_username} {team.task} 3")
    assert reply.text.endswith("story points 5 → 3")


@pytest.mark.parametrize(
    ("target", "expected"),
    [("sprint-3", "Sprint 3"), ("SPRINT 4", "Sprint 4"), ("active", "Sprint 2"),
     ("current", "Sprint 2"), ("next", "Sprint 3")],
)
async def test_move_to_sprints(team: World, target: str, expected: str) -> None:
    reply = await team.say(team.chat, team.bob, f"/move {team.task} {target}")
    assert reply.text == f"#{team.task} Fix login crash: moved Backlog → {expected}"
    item = team.portal.item(team.task)
    assert item is not None and team.portal.entity(item.entity_id).name == expected
    assert _methods(team) == ["batch"]  # warm cache: one request


async def test_move_back_to_backlog_and_by_id(team: World) -> None:
    await team.say(team.chat, team.bob, f"/move {team.task} {team.sprint_active}")
    reply = await team.say(team.chat, team.bob, f"/move {team.task} backlog")
    assert reply.text.endswith("moved Sprint 2 → Backlog")
    assert team.portal.item(team.task).entity_id == team.backlog_id  # type: ignore[union-attr]


async def test_move_into_completed_sprint_is_refused(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/move {team.task} sprint 1")
    assert "completed" in reply.text
    assert team.portal.item(team.task).entity_id == team.backlog_id  # type: ignore[union-attr]
    assert team.portal.requests == []


def _labels(message: BotMessage) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def test_unknown_sprint_offers_names_after_one_reload(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/move {team.task} sprnt 3")
    assert "Sprint 3" in _labels(reply)
    assert _methods(team) == ["batch"]  # the reload; nothing written
    assert team.portal.item(team.task).entity_id == team.backlog_id  # type: ignore[union-attr]


async def test_new_sprint_is_found_after_reload(team: World) -> None:
    team.portal.add_sprint(team.group_id, "Hotfix week", "planned")
    reply = await team.say(team.chat, team.bob, f"/move {team.task} hotfix-week")
    assert reply.text.endswith("moved Backlog → Hotfix week")
    assert _methods(team) == ["batch", "batch"]  # reload, then the write


async def test_epic_by_name_and_none(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/epic {team.task} payments")
    assert reply.text.endswith("epic no epic → Payments")
    assert _methods(team) == ["batch"]
    assert team.portal.item(team.task).epic_id == team.epic_payments  # type: ignore[union-attr]
    reply = await team.say(team.chat, team.bob, f"/epic {team.task} none")
    assert reply.text.endswith("epic Payments → no epic")
    assert team.portal.item(team.task).epic_id == 0  # type: ignore[union-attr]


async def test_unknown_epic_offers_names(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/epic {team.task} Paymnts")
    assert "Payments" in _labels(reply)
    assert team.portal.item(team.task).epic_id == 0  # type: ignore[union-attr]


async def test_rank(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/rank {team.task} 100")
    assert reply.text.endswith("rank 0 → 100")
    assert _methods(team) == ["batch"]
    assert team.portal.item(team.task).sort == 100  # type: ignore[union-attr]


async def test_task_card(team: World) -> None:
    await team.say(team.chat, team.bob, f"/epic {team.task} Onboarding")
    team.portal.clear_log()
    card = await team.say(team.chat, team.bob, f"/task {team.task}")
    assert _methods(team) == ["batch"]
    for line in ("Fix login crash", "Status: Pending", "Responsible: Bob Jones",
                 "Sprint: Backlog", "Story points: 5", "Epic: Onboarding"):
        assert line in card.text


async def test_sprints_and_epics_lists(team: World) -> None:
    sprints = await team.say(team.chat, team.bob, "/sprints")
    assert "Sprint 2" in sprints.text and "Sprint 3" in sprints.text and "Sprint 1" in sprints.text
    epics = await team.say(team.chat, team.bob, "/epics")
    assert "Payments" in epics.text and "Onboarding" in epics.text
    assert team.portal.requests == []  # both from the cache
    refreshed = await team.say(team.chat, team.bob, "/refresh")
    assert "4 sprints, 2 epics" in refreshed.text


async def test_task_without_scrum_item_joins_the_backlog(team: World) -> None:
    loose = team.portal.add_task("Loose end", group_id=team.group_id,
                                 responsible_id=team.bob_id, created_by=team.bob_id)
    reply = await team.say(team.chat, team.bob, f"/sp {loose} 2")
    assert reply.text == f"#{loose} Loose end: story points — → 2"
    item = team.portal.item(loose)
    assert item is not None and item.entity_id == team.backlog_id and item.story_points == "2"


async def test_missing_task(team: World) -> None:
    reply = await team.say(team.chat, team.bob, "/sp 99999 8")
    assert reply.text == "#99999 does not exist or you cannot see it in Bitrix24."


async def test_task_the_member_cannot_access(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/sp {team.secret_task} 8")
    assert reply.text.startswith(f"Bitrix24 denied you access to #{team.secret_task}.")
    assert team.portal.item(team.secret_task).story_points == ""  # type: ignore[union-attr]


async def test_task_card_the_member_cannot_access(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/task {team.secret_task}")
    assert reply.text.startswith(f"Bitrix24 denied you access to #{team.secret_task}.")


async def test_unlinked_member_gets_a_link_button(team: World) -> None:
    reply = await team.say(team.chat, team.carol, f"/sp {team.task} 8")
    assert "Link your Bitrix24 account first" in reply.text
    button = reply.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert button["url"] == f"https://t.me/{team.telegram.bot_username}?start=link"
    assert team.portal.requests == []


async def test_revoked_webhook(team: World) -> None:
    team.portal.revoke_webhook(team.bob_hook.rstrip("/").rsplit("/", 1)[1])
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    assert "rejected your webhook" in reply.text and "/link" in reply.text


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 503}, "Bitrix24 is busy"),
        ({"status": 500, "error": "INTERNAL_SERVER_ERROR", "description": "Internal error"},
         "not answering"),
        ({"status": 502, "html": True}, "not answering"),
        ({"status": 200, "in_body_200": True, "error": "QUERY_LIMIT_EXCEEDED"},
         "Bitrix24 is busy"),
        ({"hang": True}, "not answering"),
    ],
)
async def test_portal_failures_become_one_short_message(
    team: World, fault: dict[str, object], expected: str
) -> None:
    team.portal.hang_seconds = 5.0
    team.portal.fail_always(**fault)  # type: ignore[arg-type]  # one failure is retried away
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 8", wait=20.0)
    assert expected in reply.text
    assert "{" not in reply.text and "Traceback" not in reply.text


async def test_portal_down(team: World) -> None:
    await team.portal.stop()
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    assert "not answering" in reply.text


async def test_title_full_of_markup_is_escaped(team: World) -> None:
    nasty = team.portal.add_task("<b>Bold & </i>broken" + "x" * 5000, group_id=team.group_id,
                                 responsible_id=team.bob_id, created_by=team.bob_id,
                                 entity_id=team.backlog_id)
    reply = await team.say(team.chat, team.bob, f"/sp {nasty} 3")
    assert reply.text.startswith(f"#{nasty} <b>Bold & </i>broken")
    assert "&lt;b&gt;Bold &amp; &lt;/i&gt;" in reply.html
    card = await team.say(team.chat, team.bob, f"/task {nasty}")
    assert len(card.text) <= 4096 and "Story points: 3" in card.text


async def test_edited_command_does_not_write_again(team: World) -> None:
    before = len(team.telegram.bot_messages(team.chat))
    sent = await team.telegram.send(team.chat, team.bob, f"/sp {team.task} 8")
    await team.telegram.wait_for_bot_messages(team.chat, before + 1)
    await team.telegram.edit(team.chat, sent, f"/sp {team.task} 3")
    card = await team.say(team.chat, team.bob, f"/task {team.task}")
    assert "Story points: 8" in card.text
    assert len(team.telegram.bot_messages(team.chat)) == before + 2


@pytest.mark.parametrize(
    "text",
    ["/sp", "/sp x 8", "/sp 42 lots", "/sp 42 8 42 5", "/move", "/move x y",
     "/epic", "/epic x", "/rank 42", "/rank 42 high", "/rank x 1", "/task", "/task abc",
     "/task 1 2", "/bind", "/sprints now", "/epics all", "/refresh please", "/unbind x",
     "/sp 0 3", "/sp 99999999999 3"],
)
async def test_bad_arguments_answer_with_usage(team: World, text: str) -> None:
    reply = await team.say(team.chat, team.alice, text)
    assert "Usage: /" in reply.text
    assert team.portal.requests == []
