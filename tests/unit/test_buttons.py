"""Stored keyboards: offering pickers, and who may press a button where, and how often."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.buttons import (
    ButtonElsewhere,
    ButtonExpired,
    Choice,
    NotYourButton,
    parse_callback_data,
)
from bot.core.errors import NotBound, NotLinked
from bot.core.model import Epic
from bot.core.render_buttons import alert, points_rows
from bot.services.buttons import Buttons
from tests.unit.team import (
    ANNA,
    BACKLOG,
    BORIS,
    CHAT,
    MOBILE,
    NOBODY,
    SPRINT_2,
    SPRINT_3,
    SPRINT_4,
    UNBOUND_CHAT,
    Team,
)


@pytest.fixture
def buttons(team: Team) -> Buttons:
    return Buttons(team.store.unit_of_work, team.catalog, team.clock)


async def test_a_points_picker_is_stored_with_its_actions_and_expiry(
    team: Team, buttons: Buttons
) -> None:
    keyboard = await buttons.offer(CHAT, BORIS, points_rows([42, 43]))

    stored = team.store.buttons[keyboard.key]
    assert stored.chat_id == CHAT and stored.owner_id is None
    assert stored.expires_at == team.clock() + timedelta(hours=24)
    assert [c.label for c in stored.rows[0] + stored.rows[1]] == [
        "1", "2", "3", "5", "8", "13", "21", "?"]
    assert stored.choice(4) == Choice("8", "sp 42,43 8")
    assert stored.rows[-1] == (Choice("Cancel", "cancel"),)
    assert len(keyboard.callback_data(11).encode()) <= 64
    assert parse_callback_data(keyboard.callback_data(4)) == (keyboard.key, 4)


@pytest.mark.parametrize(("chat", "user", "error"),
                         [(CHAT, NOBODY, NotLinked), (UNBOUND_CHAT, BORIS, NotBound)])
async def test_pickers_are_offered_only_where_the_command_could_run(
    team: Team, buttons: Buttons, chat: int, user: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await buttons.offer(chat, user, points_rows([42]))
    assert team.store.buttons == {}


async def test_a_press_returns_the_choice_once(team: Team, buttons: Buttons) -> None:
    keyboard = await buttons.offer(CHAT, BORIS, points_rows([42]))

    assert await buttons.press(CHAT, ANNA, keyboard.key, 4) == Choice("8", "sp 42 8")
    with pytest.raises(ButtonExpired):
        await buttons.press(CHAT, BORIS, keyboard.key, 3)
    assert team.store.buttons == {}


async def test_an_unlinked_presser_changes_nothing(team: Team, buttons: Buttons) -> None:
    keyboard = await buttons.offer(CHAT, BORIS, points_rows([42]))

    with pytest.raises(NotLinked) as caught:
        await buttons.press(CHAT, NOBODY, keyboard.key, 4)

    assert "Link your Bitrix24 account first" in alert(caught.value)
    assert keyboard.key in team.store.buttons  # still there for the team
    assert await buttons.press(CHAT, BORIS, keyboard.key, 4) == Choice("8", "sp 42 8")


async def test_expired_unknown_and_foreign_buttons(team: Team, buttons: Buttons) -> None:
    keyboard = await buttons.offer(CHAT, BORIS, points_rows([42]))
    with pytest.raises(ButtonElsewhere):
        await buttons.press(UNBOUND_CHAT, BORIS, keyboard.key, 4)
    with pytest.raises(ButtonExpired):
        await buttons.press(CHAT, BORIS, "nosuchkey", 0)
    with pytest.raises(ButtonExpired):
        await buttons.press(CHAT, BORIS, keyboard.key, 99)
    team.clock.advance(hours=24)
    with pytest.raises(ButtonExpired) as caught:
        await buttons.press(CHAT, BORIS, keyboard.key, 4)
    assert "expired" in alert(caught.value)


async def test_saving_a_keyboard_prunes_expired_ones(team: Team, buttons: Buttons) -> None:
    old = await buttons.offer(CHAT, BORIS, points_rows([42]))
    team.clock.advance(hours=25)
    new = await buttons.offer(CHAT, BORIS, points_rows([43]))
    assert set(team.store.buttons) == {new.key}
    assert old.key != new.key


async def test_a_button_for_one_member_alerts_the_others(team: Team, buttons: Buttons) -> None:
    keyboard = await buttons.offer(CHAT, BORIS, points_rows([42]), owner_id=BORIS)
    with pytest.raises(NotYourButton):
        await buttons.press(CHAT, ANNA, keyboard.key, 4)
    assert await buttons.press(CHAT, BORIS, keyboard.key, 4) == Choice("8", "sp 42 8")


async def test_targets_are_backlog_active_and_planned_by_entity_id(
    team: Team, buttons: Buttons
) -> None:
    team.warm_cache()
    keyboard = await buttons.offer_targets(CHAT, BORIS, [42, 43])

    choices = [c for row in keyboard.rows for c in row]
    assert choices == [
        Choice("Backlog", f"move 42,43 {BACKLOG}"), Choice("Sprint 2", f"move 42,43 {SPRINT_2}"),
        Choice("Sprint 3", f"move 42,43 {SPRINT_3}"), Choice("Sprint 4", f"move 42,43 {SPRINT_4}"),
        Choice("Cancel", "cancel")]
    assert team.tracker.calls == []  # names from the cache


async def test_epics_come_eight_to_a_page(team: Team, buttons: Buttons) -> None:
    for number in range(10):
        team.tracker.add_epic(MOBILE, Epic(300 + number, f"Epic {number:02}"))
    first, page = await buttons.offer_epics(CHAT, BORIS, [42])
    labels = [c.label for row in first.rows for c in row]
    assert (page.page, page.pages) == (0, 2)
    assert labels[:8] == [f"Epic {n:02}" for n in range(8)]
    assert labels[8:] == ["▶", "No epic", "Cancel"]
    assert first.choice(9) == Choice("No epic", "epic 42 none")
    assert first.choice(8) == Choice("▶", "epicpage 42 1")

    second, page = await buttons.offer_epics(CHAT, BORIS, [42], 5)  # past the end: the last
    labels = [c.label for row in second.rows for c in row]
    assert (page.page, page.pages) == (1, 2)
    assert labels == ["Epic 08", "Epic 09", "Onboarding", "Payments", "◀", "No epic", "Cancel"]
    assert second.choice(2) == Choice("Onboarding", "epic 42 202")
