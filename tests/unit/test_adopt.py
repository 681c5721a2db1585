"""Adopting a task of another project into the chat's Scrum."""

from __future__ import annotations

import pytest

from bot.core.errors import AccessDenied
from bot.core.render_buttons import adopt_prompt, adopted
from bot.services.adopt import Adopt
from bot.services.buttons import Buttons
from tests.unit.team import ANNA, BACKLOG, BORIS, CHAT, MOBILE, SPRINT_3, Team


@pytest.fixture
def adopt(team: Team) -> Adopt:
    buttons = Buttons(team.store.unit_of_work, team.catalog, team.clock)
    return Adopt(team.store.unit_of_work, team.tracker, team.catalog, buttons, team.clock)


async def test_the_offer_names_both_projects(team: Team, adopt: Adopt) -> None:
    keyboard, offer = await adopt.offer(CHAT, ANNA, team.tracker.tasks[45], "sprint-3")

    assert adopt_prompt(offer) == (
        "Task <b>#45</b> Landing page is in project «Web team», not in this Scrum «Mobile "
        "team». Move it into this Scrum?")
    assert [(c.label, c.action) for c in keyboard.rows[0]] == [
        ("Move into Mobile team", "adopt 45 sprint-3"), ("Cancel", "cancel")]
    assert keyboard.key in team.store.buttons


async def test_a_project_the_member_cannot_see_is_another_project(
    team: Team, adopt: Adopt
) -> None:
    _, offer = await adopt.offer(CHAT, BORIS, team.tracker.tasks[45], "")
    assert offer.project is None
    assert "is in another project" in adopt_prompt(offer)


@pytest.mark.parametrize(("words", "entity", "place"),
                         [([], BACKLOG, "Backlog"), (["sprint", "3"], SPRINT_3, "Sprint 3")])
async def test_adopting_moves_the_task_and_makes_it_an_item(
    team: Team, adopt: Adopt, words: list[str], entity: int, place: str
) -> None:
    team.warm_cache()
    outcome = await adopt.adopt(CHAT, ANNA, 45, words)

    assert team.tracker.tasks[45].group_id == MOBILE
    assert team.tracker.items[45].entity_id == entity
    assert team.tracker.calls == ["move_to_group", "update_item"]
    assert adopted(outcome) == f"<b>#45</b> Landing page: moved into this Scrum, {place}"


async def test_a_member_outside_the_project_is_refused(team: Team, adopt: Adopt) -> None:
    team.warm_cache()
    with pytest.raises(AccessDenied):
        await adopt.adopt(CHAT, BORIS, 45, [])
    assert team.tracker.tasks[45].group_id != MOBILE and 45 not in team.tracker.items
