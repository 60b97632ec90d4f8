"""Showing Discord messages in a terminal: embeds as titled blocks, Components V2 containers as boxes (a container
marked as a spoiler as one bar until revealed), spoilers as bars until revealed, buttons numbered so they can be
pressed (pure logic)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_SPOILER = re.compile(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\*_~`|>#\[\]<:@])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\\*])\*(?!\s)(.+?)(?<![\s\\])\*(?!\*)")
_MENTION = re.compile(r"<(#|@&|@!?)(\d+)>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::[tTdDfFR])?>")
EPHEMERAL = 1 << 6
IS_COMPONENTS_V2 = 1 << 15


def plain(text: str, names: Mapping[int, str] | None = None) -> str:
    """Markdown a terminal cannot show: bold and italic markers dropped, mentions and timestamps written out
    (``names`` maps ids to "#channel" / "@member"), escapes undone."""
    names = names or {}

    def mention(match: re.Match[str]) -> str:
        return names.get(int(match.group(2)), f"{'#' if match.group(1) == '#' else '@'}unknown")

    def timestamp(match: re.Match[str]) -> str:
        return datetime.fromtimestamp(int(match.group(1)), UTC).strftime("%Y-%m-%d %H:%M UTC")

    text = _TIMESTAMP.sub(timestamp, _MENTION.sub(mention, text))
    return _ESCAPE.sub(r"\1", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)))


@dataclass
class Screen:
    """The last answer shown: its spoilers (numbered from 1) and its buttons (numbered from 1)."""

    messages: list[dict] = field(default_factory=list)
    spoilers: list[str] = field(default_factory=list)
    buttons: list[tuple[dict, dict]] = field(default_factory=list)  # (message, button)
    files: list[dict] = field(default_factory=list)  # the attachments on screen, numbered from 1 for `save N`
    revealed: set[int] = field(default_factory=set)
    names: Mapping[int, str] = field(default_factory=dict)  # ids of channels, members and roles -> "#x" / "@y"

    def show(self, messages: list[dict]) -> str:
        """Start a new screen with these messages."""
        self.messages, self.revealed = list(messages), set()
        return self.redraw()

    def reveal(self, number: int | None = None) -> str:
        if number is None:
            self.revealed = set(range(1, len(self.spoilers) + 1))
        elif 1 <= number <= len(self.spoilers):
            self.revealed.add(number)
        else:
            raise ValueError(f"there is no spoiler {number} on screen (there are {len(self.spoilers)})")
        return self.redraw()

    def redraw(self) -> str:
        self.spoilers, self.buttons, self.files = [], [], []
        blocks = [self._message(m) for m in self.messages]
        if len(self.revealed) < len(self.spoilers):
            blocks.append("  (type `reveal` to show the spoilers, or `reveal N` for one)")
        return "\n".join(b for b in blocks if b)

    def _hide(self, text: str) -> str:
        def bar(match: re.Match[str]) -> str:
            self.spoilers.append(plain(match.group(1), self.names))
            number = len(self.spoilers)
            if number in self.revealed:
                return f"‹{self.spoilers[-1]}›"
            return f"{'█' * min(max(len(match.group(1)) // 6, 3), 12)}[spoiler {number}]"

        return plain(_SPOILER.sub(bar, text), self.names)

    def _message(self, message: dict) -> str:
        lines: list[str] = []
        if message.get("flags", 0) & EPHEMERAL:
            lines.append("(only you can see this)")
        if message.get("content"):
            lines += self._hide(message["content"]).splitlines()
        for embed in message.get("embeds") or []:
            if embed.get("title"):
                lines.append(f"┏━ {plain(embed['title'], self.names)}")
            if embed.get("description"):
                lines += [f"┃ {line}" for line in self._hide(embed["description"]).splitlines()]
            for f in embed.get("fields") or []:
                lines.append(f"┃ {plain(f.get('name', ''), self.names)}:")
                lines += [f"┃   {line}" for line in self._hide(f.get("value", "")).splitlines()]
            if (embed.get("footer") or {}).get("text"):
                lines.append(f"┗━ {plain(embed['footer']['text'], self.names)}")
        v2 = bool(message.get("flags", 0) & IS_COMPONENTS_V2)
        if v2:
            for component in message.get("components") or []:
                lines += self._v2(message, component)
        for attachment in message.get("attachments") or []:
            self.files.append(attachment)
            lines.append(f"{file_line(attachment)}  (file {len(self.files)})")
            if attachment.get("description"):
                lines.append(f"  alt text: {attachment['description']}")
        if v2:
            return "\n".join(lines)
        labels = []
        for row in message.get("components") or []:
            for comp in row.get("components") or []:
                if comp.get("type") != 2:
                    continue
                labels.append(self._button(message, comp))
        if labels:
            lines.append("  " + "   ".join(labels))
        return "\n".join(lines)

    def _button(self, message: dict, comp: dict) -> str:
        self.buttons.append((message, comp))
        emoji = (comp.get("emoji") or {}).get("name") or ""
        state = " (disabled)" if comp.get("disabled") else ""
        label = f"{emoji} {comp.get('label') or ''}".strip()
        return f"[{len(self.buttons)}] {label}{state}"

    def _text(self, content: str) -> list[str]:
        if content.startswith("### "):
            return [f"┏━ {plain(content[4:], self.names)}"]
        if content.startswith("-# "):
            return [f"┗━ {plain(content[3:], self.names)}"]
        return self._hide(content).splitlines()

    def _v2(self, message: dict, component: dict) -> list[str]:
        """One top-level V2 component: a container as a box, a spoiler container as one bar until revealed."""
        kind = component.get("type")
        if kind == 10:
            return self._text(component.get("content") or "")
        if kind == 14:
            return ["  ────────"]
        if kind == 1:
            return ["  " + "   ".join(self._button(message, c) for c in component.get("components") or [])]
        if kind == 9:
            texts = [line for t in component.get("components") or [] for line in self._text(t.get("content") or "")]
            accessory = component.get("accessory") or {}
            button = self._button(message, accessory) if accessory.get("type") == 2 else ""
            return [*texts[:-1], f"{texts[-1] if texts else ''}   {button}".rstrip()]
        if kind != 17:
            return []
        if component.get("spoiler"):
            texts = [c.get("content") or "" for c in component.get("components") or [] if c.get("type") == 10]
            self.spoilers.append(plain("\n".join(texts), self.names))
            number = len(self.spoilers)
            if number not in self.revealed:
                return ["┌" + "─" * 40, f"│ {'█' * 12}[spoiler {number}]", "└" + "─" * 40]
            inner = [line for child in component.get("components") or [] for line in self._v2(message, child)]
            return [f"┌─ ‹spoiler {number}, opened›", *(f"│ {line}" for line in inner), "└" + "─" * 40]
        inner = [line for child in component.get("components") or [] for line in self._v2(message, child)]
        return ["┌" + "─" * 40, *(f"│ {line}" for line in inner), "└" + "─" * 40]


def size_text(size: int) -> str:
    """A file's size as Discord writes it: bytes, then KB and MB (of 1,024)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def file_line(attachment: Mapping[str, Any]) -> str:
    """``[image: chart.png (24.3 KB)]``; ``[spoiler image: ...]`` for a file Discord blurs (named ``SPOILER_...``)."""
    name = str(attachment.get("filename", ""))
    kind = "image" if str(attachment.get("content_type", "")).startswith("image/") else "file"
    if name.startswith("SPOILER_"):
        kind = f"spoiler {kind}"
    return f"[{kind}: {name} ({size_text(int(attachment.get('size', 0)))})]"
