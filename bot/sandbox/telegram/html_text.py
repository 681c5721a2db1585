"""Telegram's HTML parse mode, after tdlib's parse_html: plain text plus UTF-16 entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram.html_scan import (
    SPACES,
    AttributeReader,
    EntityParseError,
    byte_offset,
    char_at,
    decode_entity,
    is_space,
    utf16_len,
)

JSON = dict[str, Any]
SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
ALLOWED_TAGS = frozenset(SIMPLE_TYPES) | {"a", "tg-emoji", "blockquote"}

__all__ = ["EntityParseError", "parse_html", "trim", "utf16_len"]


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int


@dataclass
class _Parser:
    source: str
    strict_ampersand: bool
    pos: int = 0
    out: list[str] = field(default_factory=list)
    offset: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[JSON] = field(default_factory=list)

    def at(self, index: int) -> str:
        return char_at(self.source, index)

    def error(self, reason: str, index: int) -> EntityParseError:
        return EntityParseError(f"{reason} at byte offset {byte_offset(self.source, index)}")

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.offset += utf16_len(chars)

    def run(self) -> tuple[str, list[JSON]]:
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "&":
                self.ampersand()
            elif char != "<":
                self.emit(char)
                self.pos += 1
            elif self.at(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def ampersand(self) -> None:
        decoded = decode_entity(self.source, self.pos)
        if decoded is not None:
            self.emit(decoded[0])
            self.pos = decoded[1]
            return
        if self.strict_ampersand:
            raise EntityParseError(
                f'Unescaped "&" at byte offset {byte_offset(self.source, self.pos)} (real '
                "Telegram keeps a bare & as text; the emulator is strict so that a missing "
                "html.escape shows up)"
            )
        self.emit("&")
        self.pos += 1

    def start_tag(self) -> None:
        begin, index = self.pos, self.pos + 1
        while not is_space(self.at(index)) and self.at(index) != ">":
            index += 1
        if self.at(index) == "":
            raise self.error("Unclosed start tag", begin)
        tag = self.source[begin + 1 : index].lower()
        if tag not in ALLOWED_TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        argument, index = AttributeReader(self.source, tag, begin, index).parse()
        if tag == "span" and argument != "spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_Open(tag, argument, self.offset))
        self.pos = index + 1

    def end_tag(self) -> None:
        begin, index = self.pos, self.pos + 2
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        while not is_space(self.at(index)) and self.at(index) != ">":
            index += 1
        name = self.source[begin + 2 : index]
        while self.at(index) != "" and self.at(index) in SPACES:
            index += 1
        if self.at(index) != ">":
            raise self.error("Unclosed end tag", begin)
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {byte_offset(self.source, begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.offset > opened.offset:
            self.add_entity(opened, self.offset - opened.offset)
        self.pos = index + 1

    def add_entity(self, opened: _Open, length: int) -> None:
        entity = _entity(opened, length)
        if entity is None:
            return
        last = self.entities[-1] if self.entities else None
        if (
            entity["type"] == "pre"
            and last
            and last["type"] == "code"
            and "language" in last
            and (last["offset"], last["length"]) == (opened.offset, length)
        ):
            self.entities[-1] = {**entity, "language": last["language"]}
            return
        self.entities.append(entity)


def _entity(opened: _Open, length: int) -> JSON | None:
    """The Bot API MessageEntity for a closed tag, or None when Telegram would drop it."""
    base: JSON = {"offset": opened.offset, "length": length}
    tag, argument = opened.tag, opened.argument
    if tag in SIMPLE_TYPES:
        extra = {"language": argument} if tag == "code" and argument else {}
        return {"type": SIMPLE_TYPES[tag], **base, **extra}
    if tag == "a":
        return {"type": "text_link", **base, "url": argument} if argument else None
    if tag == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": argument}
    return {"type": "expandable_blockquote" if argument else "blockquote", **base}


def parse_html(source: str, *, strict_ampersand: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (text, entities) or raise EntityParseError with the reason."""
    return _Parser(source, strict_ampersand).run()


def trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace as Telegram does, keeping entities aligned and clipped."""
    stripped = text.strip(SPACES)
    shift = utf16_len(text[: len(text) - len(text.lstrip(SPACES))])
    size = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
