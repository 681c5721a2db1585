"""The compiled gettext catalogs shipped in `bot/locale`, loaded once at start."""

from __future__ import annotations

import gettext
from pathlib import Path

from bot.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, install

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def catalog_path(code: str, directory: Path = LOCALE_DIR) -> Path:
    """Where the compiled catalog of a language lives."""
    return directory / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def load_catalogs(directory: Path = LOCALE_DIR) -> tuple[str, ...]:
    """Install every language's catalog (English is the source text); the codes loaded.

    A missing catalog is a packaging error and raises FileNotFoundError.
    """
    loaded = []
    for code in LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        with catalog_path(code, directory).open("rb") as compiled:
            install(code, gettext.GNUTranslations(compiled))
        loaded.append(code)
    return tuple(loaded)
