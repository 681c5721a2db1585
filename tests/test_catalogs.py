"""The Russian catalog covers every message in `bot/`, and the committed `.mo` matches the `.po`.

When this fails after adding or changing a string, run (from the repository root):
  pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --add-location=file \
      --sort-by-file -o bot/locale/messages.pot bot
  pybabel update -i bot/locale/messages.pot -d bot/locale -D messages -l ru \
      --ignore-obsolete --no-fuzzy-matching
  (translate the new entries in bot/locale/ru/LC_MESSAGES/messages.po)
  pybabel compile -d bot/locale -D messages --statistics
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "bot" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_TAG = re.compile(r"</?(?:b|i|u|s|a|code|pre)\b[^>]*>")  # Telegram HTML, not `<task>`


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _extracted() -> dict[str, str]:
    """Every msgid the code marks (singular form), with where it was found."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / "bot", method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(_key(message), f"{filename}:{lineno}")
    return found


def _po(code: str) -> Catalog:
    with (LOCALE / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


def _strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _translated(message: Message) -> bool:
    strings = _strings(message)
    return bool(strings) and all(strings) and not message.fuzzy


def test_every_message_has_a_russian_translation() -> None:
    catalog = _po("ru")
    done = {_key(m.id) for m in catalog if m.id and _translated(m)}

    missing = {msgid: where for msgid, where in _extracted().items() if msgid not in done}

    assert not missing, "untranslated (or fuzzy) in ru:\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda x: x[1]))


def test_russian_plurals_have_three_forms() -> None:
    catalog = _po("ru")

    assert catalog.num_plurals == 3
    for message in catalog:
        if message.pluralizable and message.id and _translated(message):
            assert len(message.string) == 3 and all(message.string), message.id


@pytest.mark.parametrize("code", ["ru"])
def test_translations_keep_placeholders_and_tags(code: str) -> None:
    for message in _po(code):
        if not message.id or not _translated(message):
            continue
        source = _key(message.id)
        for text in _strings(message):
            assert set(_PLACEHOLDER.findall(text)) == set(_PLACEHOLDER.findall(source)), (
                source, text)
            assert sorted(_TAG.findall(text)) == sorted(_TAG.findall(source)), (source, text)


def _messages(mo: bytes) -> dict[str, tuple[str, ...]]:
    """A compiled catalog's translations, independent of how a Babel version lays out bytes."""
    return {_key(message.id): _strings(message) for message in read_mo(BytesIO(mo)) if message.id}


def test_the_committed_mo_matches_the_po() -> None:
    """The committed `.mo` holds exactly what `pybabel compile` makes of the committed `.po`."""
    compiled = BytesIO()
    write_mo(compiled, _po("ru"), use_fuzzy=False)

    committed = (LOCALE / "ru" / "LC_MESSAGES" / "messages.mo").read_bytes()

    assert _messages(committed) == _messages(compiled.getvalue()), (
        "run: pybabel compile -d bot/locale -D messages")
