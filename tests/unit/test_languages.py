"""`/lang` choices: stored for linked members and bound chats, cached, remembered otherwise."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.errors import NotBound
from bot.services.languages import Choices, Languages
from tests.unit.team import ANNA, CHAT, NOBODY, UNBOUND_CHAT, Team

VERA_URL = "https://team.bitrix24.com/rest/3/veraSecret03/"


@pytest.fixture
def languages(team: Team) -> Languages:
    return Languages(team.store.unit_of_work, team.clock)


async def test_a_linked_members_choice_is_stored_in_their_row(
    team: Team, languages: Languages
) -> None:
    kept = await languages.choose_for_member(ANNA, "ru")

    assert kept is True
    assert team.store.members[ANNA].language == "ru"
    assert await languages.choices(ANNA, CHAT) == Choices("ru", None)


async def test_a_bound_chats_choice_is_stored_and_reset(team: Team, languages: Languages) -> None:
    await languages.choose_for_chat(CHAT, "ru")
    assert team.store.chats[CHAT].language == "ru"

    await languages.choose_for_chat(CHAT, None)

    assert team.store.chats[CHAT].language is None
    assert await languages.choices(ANNA, CHAT) == Choices(None, None)


async def test_an_unbound_chat_cannot_choose(languages: Languages) -> None:
    with pytest.raises(NotBound):
        await languages.choose_for_chat(UNBOUND_CHAT, "ru")


async def test_an_unlinked_members_choice_lives_in_memory_until_they_link(
    team: Team, languages: Languages
) -> None:
    kept = await languages.choose_for_member(NOBODY, "ru")

    assert kept is False
    assert NOBODY not in team.store.members
    assert await languages.choices(NOBODY, None) == Choices("ru", None)

    await team.accounts.link(NOBODY, VERA_URL, languages.remembered(NOBODY))
    languages.forget_member(NOBODY)

    assert team.store.members[NOBODY].language == "ru"
    assert await languages.choices(NOBODY, None) == Choices("ru", None)


async def test_relinking_keeps_the_stored_choice(team: Team) -> None:
    team.store.members[ANNA] = replace(team.store.members[ANNA], language="en")

    await team.accounts.link(ANNA, "https://team.bitrix24.com/rest/1/annaSecret01/")

    assert team.store.members[ANNA].language == "en"


async def test_choices_are_cached_for_a_while(team: Team, languages: Languages) -> None:
    """A change made behind the cache's back shows only once the entry expires."""
    assert await languages.choices(ANNA, CHAT) == Choices(None, None)
    team.store.members[ANNA] = replace(team.store.members[ANNA], language="ru")
    team.store.chats[CHAT] = replace(team.store.chats[CHAT], language="en")
    commits = team.store.commits

    team.clock.advance(minutes=4)
    assert await languages.choices(ANNA, CHAT) == Choices(None, None)
    team.clock.advance(minutes=2)
    assert await languages.choices(ANNA, CHAT) == Choices("ru", "en")
    assert team.store.commits == commits  # reading never writes


async def test_private_chats_read_no_chat_choice(team: Team, languages: Languages) -> None:
    team.store.chats[CHAT] = replace(team.store.chats[CHAT], language="ru")

    assert await languages.choices(ANNA, None) == Choices(None, None)


async def test_an_unknown_code_is_refused(languages: Languages) -> None:
    with pytest.raises(ValueError, match="de"):
        await languages.choose_for_member(ANNA, "de")
