"""Encryption of members' webhook codes at rest (Fernet), and the key that does it."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from bot.core.errors import StorageError

logger = logging.getLogger(__name__)


def validate_key(text: str) -> bytes:
    """The Fernet key in `text` as bytes; ValueError (without the key) when it is malformed."""
    key = text.strip().encode("ascii", errors="replace")
    try:
        Fernet(key)
    except ValueError:
        raise ValueError(
            "the secret key is not a Fernet key (32 url-safe base64-encoded bytes, 44 characters);"
            " generate one with cryptography.fernet.Fernet.generate_key()"
        ) from None
    return key


class SecretBox:
    """Seals and opens members' secrets with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(validate_key(key.decode("ascii", errors="replace")))

    def seal(self, secret: str) -> str:
        """The secret encrypted (and authenticated) as printable text."""
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret back; StorageError when it was sealed with another key or is damaged."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise StorageError(
                "a stored secret cannot be decrypted: the secret key differs from the one it was"
                " sealed with (BOT_SECRET_KEY or the key file), or the value is damaged"
            ) from None

    def __repr__(self) -> str:
        return "SecretBox(key='***')"


def load_or_create_key(path: Path) -> bytes:
    """The key in the file at `path`, or a new key written there (mode 0600) when it is absent."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    if _publish(path, key + b"\n"):
        logger.info("generated a new secret key in %s", path)
        return key
    return _read_key(path)  # another process created it first: use theirs


def _read_key(path: Path) -> bytes:
    """The key stored at `path`, warning when others may read the file."""
    text = path.read_text(encoding="ascii", errors="replace")
    if path.stat().st_mode & 0o077:
        logger.warning("the secret key file %s is readable by others: chmod 600 it", path)
    try:
        return validate_key(text)
    except ValueError as e:
        raise ValueError(f"the key file {path} is damaged: {e}") from None


def _publish(path: Path, content: bytes) -> bool:
    """Write `content` to `path` atomically with mode 0600; False when `path` already exists."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:  # mkstemp creates the file with mode 0600
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temp, path)  # unlike rename, never replaces a key another process wrote
        except FileExistsError:
            return False
        except OSError:  # a filesystem without hard links: rename (the last writer wins)
            os.replace(temp, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
