"""Linking accounts and binding chats, as members live it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.conftest import World


def _secret(hook: str) -> str:
    return hook.rstrip("/").rsplit("/", 1)[1]


async def test_link_in_private_stores_encrypted_and_deletes_message(
    world: World, tmp_path: Path
) -> None:
    world.telegram.add_private_chat(world.bob)
    sent = await world.telegram.send(world.bob.id, world.bob, f"/link {world.bob_hook}")
    reply = (await world.telegram.wait_for_bot_messages(world.bob.id, 1))[0]
    assert reply.text.startswith("Linked as Bob Jones on 127.0.0.1:")
    assert not world.telegram.message_exists(world.bob.id, sent)
    raw = (tmp_path / "bot.db").read_bytes() + _wal(tmp_path)
    assert _secret(world.bob_hook).encode() not in raw
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select count(*) from members").fetchone() == (1,)


def _wal(tmp_path: Path) -> bytes:
    wal = tmp_path / "bot.db-wal"
    return wal.read_bytes() if wal.exists() else b""


async def test_link_asks_for_the_url_then_takes_it_alone(world: World) -> None:
    world.telegram.add_private_chat(world.alice)
    prompt = await world.say(world.alice.id, world.alice, "/link")
    assert "webhook URL" in prompt.text
    reply = await world.say(world.alice.id, world.alice, world.alice_hook)
    assert reply.text.startswith("Linked as Alice Smith")
    whoami = await world.say(world.alice.id, world.alice, "/whoami")
    assert f"Bitrix24 user {world.alice_id}" in whoami.text


async def test_deep_link_start_prompts_for_the_url(world: World) -> None:
    world.telegram.add_private_chat(world.bob)
    reply = await world.say(world.bob.id, world.bob, "/start link")
    assert "webhook URL" in reply.text


async def test_webhook_in_group_is_deleted_and_never_stored(world: World) -> None:
    sent = await world.telegram.send(world.chat, world.bob, f"/link {world.bob_hook}")
    warning = (await world.telegram.wait_for_bot_messages(world.chat, 1))[0]
    assert "exposed" in warning.text and "create a new one" in warning.text
    assert not world.telegram.message_exists(world.chat, sent)
    world.telegram.add_private_chat(world.bob)
    whoami = await world.say(world.bob.id, world.bob, "/whoami")
    assert "not linked" in whoami.text


async def test_webhook_pasted_in_group_text_is_deleted(world: World) -> None:
    sent = await world.telegram.send(world.chat, world.bob,
                                     f"/help here is mine {world.bob_hook}")
    warning = (await world.telegram.wait_for_bot_messages(world.chat, 1))[0]
    assert "exposed" in warning.text
    assert not world.telegram.message_exists(world.chat, sent)


async def test_link_without_url_in_group_offers_private_button(world: World) -> None:
    reply = await world.say(world.chat, world.bob, "/link")
    assert "private chat" in reply.text
    button = reply.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert button["url"].endswith("?start=link")


async def test_bad_webhook_urls_are_explained(world: World) -> None:
    world.telegram.add_private_chat(world.bob)
    shape = await world.say(world.bob.id, world.bob, "/link https://example.com/not/a/hook")
    assert "does not look like a Bitrix24 webhook" in shape.text
    wrong_user = world.bob_hook.replace(f"/rest/{world.bob_id}/", f"/rest/{world.alice_id}/")
    rejected = await world.say(world.bob.id, world.bob, f"/link {wrong_user}")
    assert "rejected your webhook" in rejected.text


async def test_bind_by_admin_and_refused_for_member(world: World) -> None:
    await world.link(world.alice, world.alice_hook)
    await world.link(world.bob, world.bob_hook)
    refused = await world.say(world.chat, world.bob, f"/bind {world.group_id}")
    assert "Only a chat administrator" in refused.text
    bound = await world.say(world.chat, world.alice, "/bind mobile TEAM")
    assert "Mobile team" in bound.text and "4 sprints, 2 epics" in bound.text
    card = await world.say(world.chat, world.bob, f"/task {world.task}")
    assert "Fix login crash" in card.text


async def test_bind_refuses_a_project_that_is_not_a_scrum(world: World) -> None:
    plain = world.portal.add_group("Office move", owner_id=world.alice_id)
    await world.link(world.alice, world.alice_hook)
    reply = await world.say(world.chat, world.alice, f"/bind {plain}")
    assert "not a Scrum" in reply.text


async def test_bind_a_scrum_the_admin_cannot_read(world: World) -> None:
    await world.link(world.alice, world.alice_hook)
    reply = await world.say(world.chat, world.alice, f"/bind {world.other_group}")
    assert "denied you access to this Scrum" in reply.text


async def test_unbound_chat_says_how_to_bind(world: World) -> None:
    await world.link(world.bob, world.bob_hook)
    reply = await world.say(world.chat, world.bob, f"/sp {world.task} 3")
    assert "not bound" in reply.text and "/bind" in reply.text


async def test_unbind_and_unlink(team: World) -> None:
    refused = await team.say(team.chat, team.bob, "/unbind")
    assert "Only a chat administrator" in refused.text
    done = await team.say(team.chat, team.alice, "/unbind")
    assert "no longer works with the Scrum" in done.text
    gone = await team.say(team.bob.id, team.bob, "/unlink")
    assert "forgotten" in gone.text


async def test_command_menu_is_published_for_groups_and_private_chats(world: World) -> None:
    scopes = " ".join(world.telegram.my_commands)
    assert "all_group_chats" in scopes and "all_private_chats" in scopes


async def test_webhook_in_group_without_delete_right_asks_to_delete_it(world: World) -> None:
    chat = world.telegram.add_group("No rights", admins=[world.alice.id],
                                    members=[world.alice, world.bob])
    sent = await world.telegram.send(chat, world.bob, f"/link {world.bob_hook}")
    warning = (await world.telegram.wait_for_bot_messages(chat, 1))[0]
    assert "exposed" in warning.text and "please delete it yourself" in warning.text
    assert world.telegram.message_exists(chat, sent)


async def test_private_chat_never_answers_with_silence(world: World) -> None:
    world.telegram.add_private_chat(world.bob)
    unknown = await world.say(world.bob.id, world.bob, "/frobnicate 42")
    assert unknown.text == "I do not know /frobnicate. See /help."
    chatter = await world.say(world.bob.id, world.bob, "hello there")
    assert "/help" in chatter.text and "/link" in chatter.text
    sent = await world.telegram.send(world.bob.id, world.bob, "https://x.bitrix24.com/rest/")
    broken = (await world.telegram.wait_for_bot_messages(world.bob.id, 3))[2]
    assert "does not look like a Bitrix24 webhook URL" in broken.text
    assert not world.telegram.message_exists(world.bob.id, sent)
