"""Low-level pieces of Telegram's HTML parser: entities, offsets and tag attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPACES = " \t\r\n\v\f"
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_NAMED = re.compile(r"&([A-Za-z]*);?")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's reason."""


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    """The UTF-8 byte offset of character `index`, as Telegram reports positions."""
    return len(source[:index].encode("utf-8"))


def char_at(source: str, index: int) -> str:
    """The character at `index`, or "" past the end (tdlib's NUL sentinel)."""
    return source[index] if index < len(source) else ""


def is_space(char: str) -> bool:
    """tdlib's is_space: whitespace or the end of the text."""
    return char == "" or char in SPACES


def decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at `pos` (the ';' is optional, as in tdlib) into (char, end)."""
    numeric = _NUMERIC.match(text, pos)
    if numeric:
        hex_digits, digits = numeric.groups()
        code = int(hex_digits, 16) if hex_digits else int(digits)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), numeric.end()
    named = _NAMED.match(text, pos)
    if named and named.group(1) in NAMED_ENTITIES:
        return NAMED_ENTITIES[named.group(1)], named.end()
    return None


@dataclass
class AttributeReader:
    """Reads `name=value` pairs of a start tag, from just after its name up to '>'."""

    source: str
    tag: str
    begin: int
    index: int

    def at(self, index: int) -> str:
        return char_at(self.source, index)

    def fail(self, reason: str, where: int | None = None) -> EntityParseError:
        position = byte_offset(self.source, self.begin if where is None else where)
        return EntityParseError(f"{reason} at byte offset {position}")

    def skip_spaces(self) -> None:
        while self.at(self.index) != "" and self.at(self.index) in SPACES:
            self.index += 1

    def parse(self) -> tuple[str, int]:
        """Read attributes up to '>'; return the tag's argument and the index of '>'."""
        argument = ""
        while self.at(self.index) != ">":
            self.skip_spaces()
            if self.at(self.index) == ">":
                break
            name, value = self.attribute()
            argument = tag_argument(self.tag, name, value, argument)
        return argument, self.index

    def attribute(self) -> tuple[str, str]:
        start = self.index
        while not is_space(self.at(self.index)) and self.at(self.index) != "=":
            self.index += 1
        name = self.source[start : self.index]
        if not name:
            raise self.fail(f'Empty attribute name in the tag "{self.tag}"')
        self.skip_spaces()
        if self.at(self.index) != "=":
            raise self.fail(
                f'Expected equal sign in declaration of an attribute of the tag "{self.tag}"'
            )
        self.index += 1
        self.skip_spaces()
        if self.at(self.index) == "":
            raise self.fail(f'Unclosed start tag "{self.tag}"')
        value = self.quoted() if self.at(self.index) in ("'", '"') else self.token()
        if self.at(self.index) == "":
            raise self.fail("Unclosed start tag")
        return name, value

    def token(self) -> str:
        start = self.index
        while self.at(self.index) != "" and (
            self.at(self.index).isalnum() or self.at(self.index) in ".-"
        ):
            self.index += 1
        if not is_space(self.at(self.index)) and self.at(self.index) != ">":
            raise self.fail("Unexpected end of name token", start)
        return self.source[start : self.index].lower()

    def quoted(self) -> str:
        quote = self.at(self.index)
        self.index += 1
        value: list[str] = []
        while self.at(self.index) not in ("", quote):
            decoded = decode_entity(self.source, self.index)
            if decoded is not None:
                value.append(decoded[0])
                self.index = decoded[1]
                continue
            value.append(self.at(self.index))
            self.index += 1
        if self.at(self.index) == quote:
            self.index += 1
        return "".join(value)


def tag_argument(tag: str, name: str, value: str, current: str) -> str:
    """What an attribute contributes to the tag's argument (href, language, spoiler...)."""
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current
