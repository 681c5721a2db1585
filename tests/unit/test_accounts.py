"""`/link`, `/unlink`, `/whoami`, `/bind`, `/unbind` over the fake portal and the store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.errors import (
    CredentialsRejected,
    GroupNotFound,
    InvalidWebhook,
    NotAdmin,
    NotAScrum,
    NotBound,
    NotLinked,
)
from bot.core.grammar import parse_sp
from bot.core.model import ChatBinding, Credential
from bot.core.render import bound, linked, whoami
from bot.services.accounts import Accounts
from tests.unit.fakes import PORTAL
from tests.unit.team import ANNA, BORIS, CHAT, MOBILE, NOBODY, UNBOUND_CHAT, WEB, Team

VERA_URL = "https://team.bitrix24.com/rest/3/veraSecret03/"
NEWCOMER = 600

# -- /link ----------------------------------------------------------------------------------


async def test_link_checks_the_webhook_and_stores_the_member(team: Team) -> None:
    outcome = await team.accounts.link(NEWCOMER, f"  {VERA_URL}  ", language="ru")

    assert linked(outcome) == "Linked as <b>Vera Ivanova</b> on team.bitrix24.com"
    member = team.store.members[NEWCOMER]
    assert member.credential == Credential(PORTAL, 3, "veraSecret03")
    assert (member.name, member.language) == ("Vera Ivanova", "ru")
    assert team.tracker.calls == ["current_user"]
    assert team.store.commits == 1


async def test_link_accepts_the_url_with_a_method_name_and_a_capitalised_host(
    team: Team,
) -> None:
    await team.accounts.link(NEWCOMER, "https://Team.Bitrix24.com/rest/3/veraSecret03/user.current")

    assert team.store.members[NEWCOMER].credential.portal == PORTAL


async def test_relinking_replaces_the_account(team: Team) -> None:
    await team.accounts.link(BORIS, VERA_URL)

    assert team.store.members[BORIS].credential.user_id == 3
    assert team.store.members[BORIS].name == "Vera Ivanova"


@pytest.mark.parametrize(
    "url",
    [
        "hello",
        "team.bitrix24.com/rest/3/veraSecret03/",
        "https://team.bitrix24.com/rest/3/",
        "https://team.bitrix24.com/rest/x/veraSecret03/",
        "https://team.bitrix24.com/rest/0/veraSecret03/",
        "https://team.bitrix24.com/rest/3/veraSecret03/?auth=1",
        "https://team.bitrix24.com/rest/3/veraSecret03/#top",
        "https://me:pw@team.bitrix24.com/rest/3/veraSecret03/",
        "ftp://team.bitrix24.com/rest/3/veraSecret03/",
        "https:///rest/3/veraSecret03/",
    ],
)
async def test_link_refuses_a_url_of_the_wrong_shape_without_asking_bitrix(
    team: Team, url: str
) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        await team.accounts.link(NEWCOMER, url)

    assert caught.value.reason == "shape"
    assert team.tracker.calls == []
    assert NEWCOMER not in team.store.members


async def test_link_refuses_plain_http_by_default(team: Team) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        await team.accounts.link(NEWCOMER, "http://team.bitrix24.com/rest/3/veraSecret03/")

    assert caught.value.reason == "http"
    assert team.tracker.calls == []
    assert NEWCOMER not in team.store.members


async def test_link_over_http_when_allowed(team: Team) -> None:
    team.tracker.add_user(3, "Vera Ivanova", "veraSecret03", portal="http://127.0.0.1:8081")
    accounts = Accounts(team.store.unit_of_work, team.tracker, allow_http=True)

    outcome = await accounts.link(NEWCOMER, "http://127.0.0.1:8081/rest/3/veraSecret03/")

    assert linked(outcome) == "Linked as <b>Vera Ivanova</b> on 127.0.0.1:8081"
    assert team.store.members[NEWCOMER].credential.portal == "http://127.0.0.1:8081"


async def test_link_refuses_a_webhook_of_another_user_than_its_url_says(team: Team) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        await team.accounts.link(NEWCOMER, "https://team.bitrix24.com/rest/5/veraSecret03/")

    assert caught.value.reason == "user_mismatch"
    assert NEWCOMER not in team.store.members


async def test_link_with_a_revoked_webhook_stores_nothing(team: Team) -> None:
    with pytest.raises(CredentialsRejected):
        await team.accounts.link(NEWCOMER, "https://team.bitrix24.com/rest/3/revoked123/")

    assert NEWCOMER not in team.store.members
    assert team.store.commits == 0


# -- /unlink and /whoami --------------------------------------------------------------------


async def test_unlink_forgets_the_member_who_can_then_no_longer_write(team: Team) -> None:
    assert await team.accounts.unlink(BORIS) is True
    assert BORIS not in team.store.members
    assert await team.accounts.unlink(BORIS) is False

    with pytest.raises(NotLinked):
        await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "8"]))


async def test_whoami_in_a_bound_chat(team: Team) -> None:
    outcome = await team.accounts.whoami(BORIS, CHAT)

    assert whoami(outcome) == (
        "You are <b>Boris Petrov</b> (Bitrix24 user 2) on team.bitrix24.com.\n"
        "This chat is bound to the Scrum <b>Mobile team</b>."
    )


async def test_whoami_when_not_linked(team: Team) -> None:
    outcome = await team.accounts.whoami(NOBODY, UNBOUND_CHAT)

    assert whoami(outcome) == (
        "You have not linked a Bitrix24 account yet. Send /link to me in private."
    )


# -- /bind and /unbind ----------------------------------------------------------------------


async def test_bind_by_a_non_admin_is_refused_before_asking_bitrix(team: Team) -> None:
    with pytest.raises(NotAdmin):
        await team.accounts.bind(UNBOUND_CHAT, BORIS, False, "7")

    assert team.tracker.calls == []
    assert UNBOUND_CHAT not in team.store.chats


async def test_bind_by_an_unlinked_admin(team: Team) -> None:
    with pytest.raises(NotLinked):
        await team.accounts.bind(UNBOUND_CHAT, NOBODY, True, "7")

    assert UNBOUND_CHAT not in team.store.chats


async def test_bind_of_a_plain_project_is_refused(team: Team) -> None:
    with pytest.raises(NotAScrum) as caught:
        await team.accounts.bind(UNBOUND_CHAT, BORIS, True, "Marketing")

    assert caught.value.group_name == "Marketing"
    assert UNBOUND_CHAT not in team.store.chats
    assert team.calls("load_scrum") == 0


async def test_bind_of_an_unknown_or_invisible_group(team: Team) -> None:
    with pytest.raises(GroupNotFound):
        await team.accounts.bind(UNBOUND_CHAT, BORIS, True, str(WEB))  # Boris is not in it

    assert UNBOUND_CHAT not in team.store.chats


async def test_bind_stores_the_binding_and_the_scrum_cache(team: Team) -> None:
    outcome = await team.accounts.bind(UNBOUND_CHAT, ANNA, True, "mobile TEAM")

    assert bound(outcome).startswith(
        "This chat now works with the Scrum <b>Mobile team</b> (group 7): 4 sprints, 2 epics.")
    binding = team.store.chats[UNBOUND_CHAT]
    assert (binding.portal, binding.group_id, binding.group_name, binding.bound_by) == (
        PORTAL, MOBILE, "Mobile team", ANNA)
    assert team.store.scrum_cache[(PORTAL, MOBILE)].backlog_id == 100

    await team.reads.sprints(UNBOUND_CHAT, BORIS)  # served from the stored cache
    assert team.tracker.calls == ["find_group", "load_scrum"]


async def test_rebinding_moves_the_chat_and_keeps_its_language(team: Team) -> None:
    team.store.chats[CHAT] = replace(team.store.chats[CHAT], language="de")

    outcome = await team.accounts.bind(CHAT, ANNA, True, str(WEB))

    assert (outcome.group_name, outcome.sprints, outcome.epics) == ("Web team", 1, 0)
    assert team.store.chats[CHAT] == ChatBinding(CHAT, PORTAL, WEB, "Web team", ANNA, "de")


async def test_unbind_by_a_non_admin_is_refused(team: Team) -> None:
    with pytest.raises(NotAdmin):
        await team.accounts.unbind(CHAT, False)

    assert CHAT in team.store.chats


async def test_unbind_of_an_unbound_chat(team: Team) -> None:
    with pytest.raises(NotBound):
        await team.accounts.unbind(UNBOUND_CHAT, True)


async def test_unbind_forgets_the_scrum_and_commands_then_say_not_bound(team: Team) -> None:
    assert await team.accounts.unbind(CHAT, True) == "Mobile team"
    assert CHAT not in team.store.chats

    with pytest.raises(NotBound):
        await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "8"]))
    assert team.tracker.items[42].story_points == "5"
