"""The language a reply is written in: gettext catalogs chosen per update, no I/O here.

Catalogs are compiled `.mo` files loaded once at start by the composition root and handed to
`install`. Each update sets its language with `set_language` (for the rest of its task) or
`use_language` (for a block): a context variable, so concurrent updates never see each other's
choice; `_` and `ngettext` translate into it. Strings only marked for extraction, translated
where they are shown, go through `N_`.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "ru")

_NULL = gettext.NullTranslations()
_catalogs: dict[str, gettext.NullTranslations] = {}
_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def install(code: str, translations: gettext.NullTranslations) -> None:
    """Make a loaded catalog available under its language code."""
    _catalogs[code] = translations


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(code: str) -> Iterator[None]:
    """Translate into `code` inside the block (unknown codes fall back to English)."""
    token = _current.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def set_language(code: str) -> None:
    """Translate into `code` for the rest of the current task (one update's handling)."""
    _current.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)


def _(message: str) -> str:
    """`message` in the current language."""
    return _catalogs.get(_current.get(), _NULL).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in the current language."""
    return _catalogs.get(_current.get(), _NULL).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction; translate it where it is shown, with `_`."""
    return message


def pick_language(member: str | None, chat: str | None, telegram: str | None) -> str:
    """The member's own choice, else the chat's, else Telegram's (`ru*` → ru, else en)."""
    for choice in (member, chat):
        if choice in LANGUAGES:
            return choice
    return "ru" if (telegram or "").lower().startswith("ru") else DEFAULT_LANGUAGE


LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
RESET = ""  # `/lang auto`: forget the choice
_CHOICES = {
    "en": "en", "english": "en", "eng": "en", "английский": "en", "англ": "en",
    "ru": "ru", "russian": "ru", "rus": "ru", "русский": "ru", "рус": "ru",
    "auto": RESET, "reset": RESET, "авто": RESET, "сброс": RESET,
}


def language_choice(word: str) -> str | None:
    """What `/lang <word>` asks for: a language code, RESET, or None when not understood."""
    return _CHOICES.get(word.strip().casefold())
