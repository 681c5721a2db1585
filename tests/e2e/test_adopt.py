"""A task of another project: the bot offers to move it into the chat's Scrum."""

from __future__ import annotations

import pytest

from bot.sandbox.telegram import BotMessage
from tests.e2e.conftest import World


def buttons(message: BotMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


@pytest.fixture
def website_task(team: World) -> int:
    """"Landing page" in the plain project "Website", which Alice and Bob belong to."""
    website = team.portal.add_group("Website", owner_id=team.alice_id, members=[team.bob_id])
    return team.portal.add_task("Landing page", group_id=website, responsible_id=team.bob_id)


@pytest.mark.parametrize(("target", "place"), [("backlog", "Backlog"), ("sprint-3", "Sprint 3")])
async def test_a_task_of_another_project_is_moved_in_on_confirm(
    team: World, website_task: int, target: str, place: str
) -> None:
    offer = await team.say(team.chat, team.bob, f"/move {website_task} {target}")
    assert offer.text == (f"Task #{website_task} Landing page is in project «Website», not in "
                          "this Scrum «Mobile team». Move it into this Scrum?")
    assert list(buttons(offer)) == ["Move into Mobile team", "Cancel"]
    assert team.portal.task(website_task).group_id != team.group_id  # nothing yet

    sent = len(team.telegram.bot_messages(team.chat))
    await team.telegram.press(team.chat, offer.message_id, team.alice,
                              buttons(offer)["Move into Mobile team"])
    [answer] = await team.telegram.wait_for_callback_answers(1)
    result = (await team.telegram.wait_for_bot_messages(team.chat, sent + 1))[sent]

    assert answer.show_alert is False
    assert result.text == f"#{website_task} Landing page: moved into this Scrum, {place}"
    assert team.portal.task(website_task).group_id == team.group_id
    item = team.portal.item(website_task)
    expected = team.backlog_id if target == "backlog" else team.sprint_next
    assert item is not None and item.entity_id == expected and item.created_by == team.alice_id


async def test_cancel_leaves_the_task_where_it_is(team: World, website_task: int) -> None:
    offer = await team.say(team.chat, team.bob, f"/move {website_task} backlog")
    group = team.portal.task(website_task).group_id
    team.portal.clear_log()

    await team.telegram.press(team.chat, offer.message_id, team.bob, buttons(offer)["Cancel"])
    await team.telegram.wait_for_callback_answers(1)

    assert team.portal.requests == []
    assert team.portal.task(website_task).group_id == group
    assert team.portal.item(website_task) is None
