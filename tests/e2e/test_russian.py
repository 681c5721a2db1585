"""A Russian-speaking team: replies in the member's language, `/lang` for members and chats."""

from __future__ import annotations

from dataclasses import replace

from bot.sandbox.telegram import TgUser
from tests.e2e.conftest import World


def _russian(user: TgUser) -> TgUser:
    """The same member with their Telegram app set to Russian."""
    return replace(user, language_code="ru")


async def test_a_russian_member_gets_russian_replies(team: World) -> None:
    bob = _russian(team.bob)

    points = await team.say(team.chat, bob, f"/sp {team.task} 8")
    usage = await team.say(team.chat, bob, f"/rank {team.task} много")
    missing = await team.say(team.chat, bob, "/task 999999")
    english = await team.say(team.chat, team.alice, f"/sp {team.task} 3")

    assert points.text == f"#{team.task} Fix login crash: стори поинты 5 → 8"
    assert usage.text == ("«много» — не целое число.\n"
                          "Формат: /rank <задача> <целое число>  например /rank 42 100")
    assert missing.text == "Задачи #999999 нет, или она вам не видна в Битрикс24."
    assert english.text == f"#{team.task} Fix login crash: story points 8 → 3"


async def test_help_in_russian_in_a_private_chat(world: World) -> None:
    dima = TgUser(1009, "Дима", "dima", language_code="ru-RU")
    world.telegram.add_private_chat(dima)

    shown = await world.say(dima.id, dima, "/help")
    unknown = await world.say(dima.id, dima, "/poker")

    assert shown.text.startswith("Скрам-бот для Битрикс24")
    assert unknown.text == "Я не знаю команды /poker. Список команд — /help."


async def test_move_accepts_russian_words(team: World) -> None:
    bob = _russian(team.bob)

    to_next = await team.say(team.chat, bob, f"/move {team.task} следующий")
    back = await team.say(team.chat, bob, f"/move {team.task} бэклог")

    assert to_next.text == f"#{team.task} Fix login crash: перенесена Бэклог → Sprint 3"
    assert back.text == f"#{team.task} Fix login crash: перенесена Sprint 3 → Бэклог"
    assert team.portal.item(team.task).entity_id == team.backlog_id  # type: ignore[union-attr]


async def test_lang_en_switches_a_russian_member_to_english(team: World) -> None:
    bob = _russian(team.bob)

    chosen = await team.say(bob.id, bob, "/lang en")
    shown = await team.say(bob.id, bob, "/lang")
    in_group = await team.say(team.chat, bob, f"/sp {team.task} 8")

    assert chosen.text == "I will answer you in English."
    assert shown.text.startswith("I answer you in English: you chose it with /lang.")
    assert in_group.text.endswith("story points 5 → 8")


async def test_lang_ru_in_a_group_switches_the_chat(team: World) -> None:
    """Members without a choice of their own follow the chat; Alice's own choice wins."""
    await team.say(team.alice.id, team.alice, "/lang en")

    chosen = await team.say(team.chat, team.bob, "/lang ru")
    bob = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    alice = await team.say(team.chat, team.alice, f"/sp {team.task} 3")
    reset = await team.say(team.chat, team.bob, "/lang auto")
    after = await team.say(team.chat, team.bob, f"/sp {team.task} 2")

    assert chosen.text.startswith("В этом чате буду отвечать по-русски.")
    assert bob.text.endswith("стори поинты 5 → 8")
    assert alice.text.endswith("story points 8 → 3")
    assert reset.text.startswith("This chat's language choice is cleared")
    assert after.text.endswith("story points 3 → 2")


async def test_lang_in_an_unbound_group_and_with_a_wrong_word(world: World) -> None:
    refused = await world.say(world.chat, world.bob, "/lang ru")
    wrong = await world.say(world.chat, world.bob, "/lang klingon")

    assert refused.text.startswith("This chat is not bound to a Scrum yet.")
    assert wrong.text.startswith("Usage: /lang <ru | en | auto>")


async def test_an_unlinked_members_choice_follows_them_into_linking(world: World) -> None:
    world.telegram.add_private_chat(world.bob)

    chosen = await world.say(world.bob.id, world.bob, "/lang ru")
    linked = await world.say(world.bob.id, world.bob, f"/link {world.bob_hook}")
    later = await world.say(world.bob.id, world.bob, "/whoami")

    assert chosen.text.startswith("Буду отвечать вам по-русски. Запомню до моего перезапуска")
    assert linked.text.startswith("Аккаунт привязан: Bob Jones")
    assert later.text.startswith("Вы — Bob Jones")


async def test_the_russian_command_menu_is_published(world: World) -> None:
    menus = world.telegram.my_commands
    russian = {key: commands for key, commands in menus.items() if key.endswith("|ru")}
    english = {key: commands for key, commands in menus.items() if "|" not in key}

    assert len(russian) == 2 and len(english) == 2
    descriptions = {c["command"]: c["description"] for cs in russian.values() for c in cs}
    assert descriptions["lang"] == "Язык: /lang ru, /lang en"
    assert descriptions["sp"] == "Оценить в стори поинтах: /sp 42 8"
    assert all(c["command"] != "link" for key, cs in russian.items() if "group" in key
               for c in cs)
