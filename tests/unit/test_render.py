"""What members read: outcomes and errors as Telegram HTML, escaped, within 4096 characters."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

import pytest

from bot.core import errors as e
from bot.core.grammar import parse_sp
from bot.core.model import Epic, ScrumItem, Sprint, SprintStatus, TaskInfo
from bot.core.outcomes import (
    Bound,
    EpicList,
    FieldChanged,
    Linked,
    Refreshed,
    SprintOverview,
    TaskCard,
    Whoami,
)
from bot.core.render import (
    MAX_MESSAGE,
    bound,
    epic_list,
    field_changed,
    fit,
    linked,
    refreshed,
    sprint_overview,
    task_card,
    whoami,
)
from bot.core.render_errors import render_error
from bot.core.usage import COMMANDS, HELP_TEXT, CommandSpec, usage_line

NASTY = "<b>&"  # a title a member could give a task in Bitrix24
NASTY_HTML = "&lt;b&gt;&amp;"
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27|#\d+);)")


class _TelegramHtml(HTMLParser):
    """Collects what Telegram's HTML parse mode would choke on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "b" or attrs:
            self.problems.append(f"tag <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def assert_telegram_html(text: str) -> None:
    """Only <b> tags, balanced; every `&` starts a whole entity; no stray `<`."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    assert parser.problems == []
    assert parser.open == []
    assert _ENTITY.search(text) is None, f"a bare or cut entity in {text[-40:]!r}"
    assert "<" not in re.sub(r"</?b>", "", text)


# -- outcomes -------------------------------------------------------------------------------


def test_a_change_is_shown_as_before_and_after() -> None:
    text = field_changed(FieldChanged(42, "Fix login crash", "story points", "5", "8"))

    assert text == "<b>#42</b> Fix login crash: story points 5 → 8"


def test_an_unchanged_field_and_an_unchanged_place() -> None:
    same_points = FieldChanged(42, "Fix", "story points", "8", "8")
    same_place = FieldChanged(42, "Fix", "moved", "Sprint 3", "Sprint 3")

    assert field_changed(same_points) == "<b>#42</b> Fix: story points already 8"
    assert field_changed(same_place) == "<b>#42</b> Fix: already in Sprint 3"


def test_titles_and_values_are_escaped() -> None:
    text = field_changed(FieldChanged(42, NASTY, "epic", NASTY, "R&D <new>"))

    assert text == (f"<b>#42</b> {NASTY_HTML}: epic {NASTY_HTML} → R&amp;D &lt;new&gt;")
    assert_telegram_html(text)


def test_a_long_title_is_shortened_before_escaping() -> None:
    text = field_changed(FieldChanged(42, "&" * 500, "rank", "1", "2"))

    assert text.count("&amp;") == 199
    assert "…" in text
    assert_telegram_html(text)


def test_the_task_card_escapes_every_field_from_bitrix() -> None:
    card = TaskCard(
        TaskInfo(42, NASTY, 3, "Tom & <Jerry>", 7),
        ScrumItem(103, "<1>", 201, 10),
        place=NASTY,
        epic=NASTY,
    )

    text = task_card(card)

    assert text == (
        f"<b>#42</b> {NASTY_HTML}\n"
        "Status: In progress\n"
        "Responsible: Tom &amp; &lt;Jerry&gt;\n"
        f"Sprint: {NASTY_HTML}\n"
        "Story points: &lt;1&gt;\n"
        f"Epic: {NASTY_HTML}\n"
        "Rank: 10"
    )
    assert_telegram_html(text)


def test_the_card_of_a_bare_task() -> None:
    card = TaskCard(TaskInfo(7, "Spike", 9, "", 7), None, None, None)

    assert task_card(card) == (
        "<b>#7</b> Spike\nStatus: 9\nResponsible: —\nNot in this Scrum's backlog or sprints"
    )


def test_the_card_of_an_item_without_points_epic_or_known_place() -> None:
    card = TaskCard(TaskInfo(7, "Spike", 5, "Anna", 7), ScrumItem(555, "", 0, 0), None, None)

    text = task_card(card)

    assert "Status: Completed" in text
    assert "Sprint: entity 555\nStory points: —\nEpic: —\nRank: 0" in text


def test_linked_whoami_and_bound_escape_names() -> None:
    texts = [
        linked(Linked(NASTY, "https://team.bitrix24.com")),
        whoami(Whoami(NASTY, "https://team.bitrix24.com", 3, NASTY)),
        bound(Bound(NASTY, 7, 4, 2)),
    ]

    assert texts[0] == f"Linked as <b>{NASTY_HTML}</b> on team.bitrix24.com"
    assert texts[1] == (f"You are <b>{NASTY_HTML}</b> (Bitrix24 user 3) on team.bitrix24.com.\n"
                        f"This chat is bound to the Scrum <b>{NASTY_HTML}</b>.")
    assert texts[2].startswith(
        f"This chat now works with the Scrum <b>{NASTY_HTML}</b> (group 7): 4 sprints, 2 epics.")
    for text in texts:
        assert_telegram_html(text)


def test_whoami_in_an_unbound_chat_says_nothing_about_a_scrum() -> None:
    text = whoami(Whoami("Anna", "https://team.bitrix24.com", 1, None))

    assert text == "You are <b>Anna</b> (Bitrix24 user 1) on team.bitrix24.com."


def test_sprint_overview() -> None:
    day = datetime(2025, 3, 3, tzinfo=UTC)
    overview = SprintOverview(
        active=Sprint(102, "Sprint 2", SprintStatus.ACTIVE, 2, day, day.replace(day=14)),
        planned=(Sprint(103, NASTY, SprintStatus.PLANNED, 3),),
        last_completed=Sprint(101, "Sprint 1", SprintStatus.COMPLETED, 1),
    )

    text = sprint_overview(overview)

    assert text.startswith(
        "<b>Active</b>\n• Sprint 2 (03 Mar – 14 Mar)\n"
        f"<b>Planned</b>\n• {NASTY_HTML}\n"
        "<b>Last completed</b>\n• Sprint 1\n"
    )
    assert "/move 42 next" in text
    assert_telegram_html(text)


def test_an_empty_sprint_overview() -> None:
    text = sprint_overview(SprintOverview(None, (), None))

    assert text.startswith("<b>Active</b>\n• none\n<b>Planned</b>\n• none\n")
    assert "Last completed" not in text


def test_long_lists_are_capped_with_a_count_of_the_rest() -> None:
    planned = tuple(Sprint(i, f"Sprint {i}", SprintStatus.PLANNED, i) for i in range(65))
    epics = tuple(Epic(i, f"Epic {i}") for i in range(61))

    sprints_text = sprint_overview(SprintOverview(None, planned, None))
    epics_text = epic_list(EpicList(epics))

    assert "• Sprint 59\n… and 5 more" in sprints_text
    assert "Sprint 60" not in sprints_text
    assert "• Epic 59 (id 59)\n… and 1 more" in epics_text


def test_an_empty_epic_list() -> None:
    assert epic_list(EpicList(())) == "This Scrum has no epics yet."


def test_the_epic_list_escapes_names() -> None:
    text = epic_list(EpicList((Epic(201, NASTY),)))

    assert text.startswith(f"<b>Epics</b>\n• {NASTY_HTML} (id 201)\n")


def test_the_epic_list_is_html_telegram_accepts() -> None:
    """Its hint line must not carry a raw `<name>`: Telegram refuses unknown tags."""
    assert_telegram_html(epic_list(EpicList((Epic(201, "Payments"),))))


def test_refreshed() -> None:
    assert refreshed(Refreshed(4, 2)) == "Reloaded from Bitrix24: 4 sprints, 2 epics."


# -- fit ------------------------------------------------------------------------------------


def test_fit_leaves_a_short_reply_alone() -> None:
    text = "a\n" * 100
    assert fit(text) == text
    exact = "x" * MAX_MESSAGE
    assert fit(exact) == exact


def test_fit_cuts_a_long_reply_at_a_line_break() -> None:
    text = epic_list(EpicList(tuple(Epic(i, f"{NASTY} {'long name ' * 19}") for i in range(60))))
    assert len(text) > MAX_MESSAGE

    cut = fit(text)

    assert len(cut) <= MAX_MESSAGE
    kept, ellipsis = cut.rsplit("\n", 1)
    assert ellipsis == "…"
    assert text.startswith(kept + "\n")
    assert_telegram_html(cut)


def test_fit_cuts_a_single_long_line_to_the_limit() -> None:
    cut = fit("x" * 10_000)

    assert len(cut) == MAX_MESSAGE
    assert cut.endswith("x\n…")


def test_fit_never_cuts_an_escaped_character_in_half() -> None:
    """`/sp 42 &&&…` answers with the word escaped on one long line; Telegram must parse it."""
    with pytest.raises(e.UsageError) as caught:
        parse_sp(["42", "&" * 3000])

    cut = fit(render_error(caught.value))

    assert len(cut) <= MAX_MESSAGE
    assert_telegram_html(cut)


# -- errors ---------------------------------------------------------------------------------

_AT = datetime(2025, 3, 10, 14, 5, tzinfo=UTC)
ERRORS: dict[type[e.BotError], list[e.BotError]] = {
    e.BotError: [e.BotError()],
    e.UsageError: [e.UsageError("sp"), e.UsageError("move", f"“{NASTY}” is not a task number")],
    e.NotLinked: [e.NotLinked()],
    e.NotBound: [e.NotBound()],
    e.WrongPortal: [e.WrongPortal("https://a.bitrix24.com", "https://b.bitrix24.com")],
    e.NotAdmin: [e.NotAdmin()],
    e.PrivateOnly: [e.PrivateOnly()],
    e.InvalidWebhook: [e.InvalidWebhook(r) for r in ("shape", "http", "user_mismatch")],
    e.NameNotFound: [e.NameNotFound("sprint", NASTY, (NASTY, "Sprint 3")),
                     e.NameNotFound("epic", "Paymnts", ())],
    e.SprintCompleted: [e.SprintCompleted(NASTY)],
    e.NotAScrum: [e.NotAScrum(NASTY)],
    e.StorageError: [e.StorageError()],
    e.TrackerError: [e.TrackerError("X", "Something odd")],
    e.TaskNotFound: [e.TaskNotFound("0", "Task not found")],
    e.NotInScrum: [e.NotInScrum("0", "Task not found", task=TaskInfo(42, NASTY, 2, "", 8))],
    e.EpicNotFound: [e.EpicNotFound("0", "Epic not found")],
    e.EntityNotFound: [e.EntityNotFound("0", "Entity not found")],
    e.GroupNotFound: [e.GroupNotFound("0", "Group not found")],
    e.AccessDenied: [e.AccessDenied("0", "Access denied")],
    e.ItemNotCreated: [e.ItemNotCreated("0", "Item not created")],
    e.RateLimited: [e.RateLimited("QUERY_LIMIT_EXCEEDED", "Too many requests"),
                    e.RateLimited("OPERATION_TIME_LIMIT", "Method is blocked", retry_at=_AT)],
    e.CredentialsRejected: [e.CredentialsRejected("INVALID_CREDENTIALS", "Invalid"),
                            e.CredentialsRejected("insufficient_scope", "Needs more")],
    e.PortalUnavailable: [e.PortalUnavailable("TIMEOUT", "no answer in 10 s")],
    e.TrackerRefused: [e.TrackerRefused("0", f"Field {NASTY} is read-only")],
}
ALL_ERRORS = [(error, task) for errors in ERRORS.values() for error in errors
              for task in (42, None)]


def test_the_table_covers_every_error_class() -> None:
    classes = {cls for _name, cls in inspect.getmembers(e, inspect.isclass)
               if issubclass(cls, e.BotError) and cls.__module__ == e.__name__}

    assert set(ERRORS) == classes


@pytest.mark.parametrize(("error", "task"), ALL_ERRORS)
def test_every_error_reads_as_words(error: e.BotError, task: int | None) -> None:
    text = render_error(error, task)

    assert text.strip()
    assert "{" not in text
    assert "}" not in text
    assert "Traceback" not in text
    assert "Error" not in text  # no class names
    assert NASTY not in text
    assert_telegram_html(text)
    if type(error) is not e.BotError:
        assert text != render_error(e.BotError())  # each says what went wrong


@pytest.mark.parametrize("cls", [e.AccessDenied, e.ItemNotCreated, e.TrackerRefused])
def test_an_error_without_a_task_does_not_say_the_task_mid_sentence(
    cls: type[e.TrackerError],
) -> None:
    """`/sprints` by a non-member fails with AccessDenied and no task id."""
    text = render_error(cls("0", "Access denied"))

    assert " The task" not in text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (e.TaskNotFound("0", "Task not found"),
         "#42 does not exist or you cannot see it in Bitrix24."),
        (e.NotInScrum("0", "Task not found"), "#42 is not in this Scrum's backlog or sprints."),
        (e.AccessDenied("0", "Access denied"),
         "Bitrix24 denied you access to #42. Ask the Scrum master to add you to the project."),
        (e.TrackerRefused("0", "Sort is read-only"),
         "Bitrix24 refused the change to #42: Sort is read-only"),
    ],
)
def test_errors_about_a_task_name_it(error: e.BotError, expected: str) -> None:
    assert render_error(error, 42) == expected


def test_name_not_found_suggests_and_points_to_the_listing() -> None:
    sprint = render_error(e.NameNotFound("sprint", "sprnt 3", ("Sprint 3", "Sprint 4")))
    epic = render_error(e.NameNotFound("epic", "Paymnts", ()))

    assert sprint == "No sprint called “sprnt 3”. Did you mean: Sprint 3, Sprint 4? See /sprints."
    assert epic == "No epic called “Paymnts”. See /epics."


def test_rate_limit_with_a_reset_time_names_it() -> None:
    text = render_error(e.RateLimited("OPERATION_TIME_LIMIT", "blocked", retry_at=_AT))

    assert "14:05 UTC" in text


def test_a_webhook_without_a_scope_is_told_which_scopes() -> None:
    text = render_error(e.CredentialsRejected("insufficient_scope", "Needs more"))

    assert "task, sonet_group, socialnetwork and user scopes" in text


@pytest.mark.parametrize(
    ("reason", "words"),
    [("shape", "https://your-portal.bitrix24.com/rest/1/abc123def456/"),
     ("http", "must use https://"), ("user_mismatch", "another Bitrix24 user")],
)
def test_invalid_webhook_says_why(reason: str, words: str) -> None:
    assert words in render_error(e.InvalidWebhook(reason))


# -- usage ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.name)
def test_every_command_has_a_usage_reply(spec: CommandSpec) -> None:
    line = usage_line(spec.name)

    assert line == spec.usage
    assert line.startswith(f"/{spec.name}")
    text = render_error(e.UsageError(spec.name))
    assert text == f"Usage: {escape(line)}"
    assert_telegram_html(text)


def test_a_usage_reply_with_a_detail_escapes_the_word_typed() -> None:
    with pytest.raises(e.UsageError) as caught:
        parse_sp([NASTY, "3"])

    assert render_error(caught.value) == (
        f"“{NASTY_HTML}” is not a task number (like 42 or #42).\n"
        "Usage: /sp &lt;tasks&gt; &lt;points&gt;  e.g. /sp 42 8, /sp 42 43 44 5, "
        "/sp 42 8 43 5, /sp 42 ?, /sp 42 - (clear)"
    )


def test_an_unknown_command_falls_back_to_its_name() -> None:
    assert usage_line("poker") == "/poker"


def test_help_mentions_every_command_and_is_valid_html() -> None:
    missing = [spec.name for spec in COMMANDS
               if spec.name != "help" and f"/{spec.name}" not in HELP_TEXT]

    assert missing == []
    assert len({spec.name for spec in COMMANDS}) == len(COMMANDS)
    assert_telegram_html(HELP_TEXT)
