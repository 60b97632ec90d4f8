"""Showing Discord messages in a terminal: embeds as titled blocks, Components V2 containers as boxes (a container
marked as a spoiler as one bar until revealed), spoilers as bars until revealed, buttons numbered so they can be
pressed (pure logic)."""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_SPOILER = re.compile(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\*_~`|>#\[\]<:@])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\\*])\*(?!\s)(.+?)(?<![\s\\])\*(?!\*)")
_MENTION = re.compile(r"<(#|@&|@!?)(\d+)>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_CODE = re.compile(r"(?<!\\)```(?:[a-z]*\n)?(.*?)```|(?<!\\)`([^`\n]+)`", re.DOTALL)
EPHEMERAL = 1 << 6
# Discord's timestamp styles (shown in UTC here, and said so, where Discord shows the reader's own time).
_STYLES = {
    "t": "%H:%M UTC",
    "T": "%H:%M:%S UTC",
    "d": "%d/%m/%Y",
    "D": "%-d %B %Y",
    "f": "%-d %B %Y %H:%M UTC",
    "F": "%A, %-d %B %Y %H:%M UTC",
}
# How Discord's client words a relative time (<t:...:R>): moment.js's fromNow, which rounds to the nearest unit and
# moves to the next unit early (45 seconds read "in a minute", 22 hours "in a day"). Each step: below this many
# seconds, these words; {n} is the count of the step's unit, rounded.
_MINUTE, _HOUR, _DAY = 60, 3600, 86400
_MONTH, _YEAR = 30.436875 * _DAY, 365.2425 * _DAY  # moment's average month and year
_RELATIVE = (  # (below this many seconds, words, the unit {n} counts)
    (44.5, "a few seconds", 1),
    (1.5 * _MINUTE, "a minute", _MINUTE),
    (44.5 * _MINUTE, "{n} minutes", _MINUTE),
    (1.5 * _HOUR, "an hour", _HOUR),
    (21.5 * _HOUR, "{n} hours", _HOUR),
    (1.5 * _DAY, "a day", _DAY),
    (25.5 * _DAY, "{n} days", _DAY),
    (1.5 * _MONTH, "a month", _MONTH),
    (10.5 * _MONTH, "{n} months", _MONTH),
    (1.5 * _YEAR, "a year", _YEAR),
)
IS_COMPONENTS_V2 = 1 << 15


def relative(seconds: float) -> str:
    """``seconds`` from now as Discord says it: "in a day" (a poll open 24 hours), "2 hours ago", "in a few seconds"."""
    span = abs(seconds)
    words, unit = next(((w, u) for limit, w, u in _RELATIVE if span < limit), ("{n} years", _YEAR))
    said = words.format(n=max(round(span / unit), 2))
    return f"in {said}" if seconds >= 0 else f"{said} ago"


def when(stamp: int, style: str | None, now: float) -> str:
    """Discord's timestamp markup ``<t:stamp:style>`` as a reader sees it."""
    if style == "R":
        return relative(stamp - now)
    return datetime.fromtimestamp(stamp, UTC).strftime(_STYLES[style or "f"])


def plain(text: str, names: Mapping[int, str] | None = None, now: float | None = None) -> str:
    """Markdown a terminal cannot show: bold, italic and code markers dropped, mentions and timestamps written out
    (``names`` maps ids to "#channel" / "@member"; relative times are from ``now``), escapes undone."""
    names = names or {}
    moment = time.time() if now is None else now

    def mention(match: re.Match[str]) -> str:
        return names.get(int(match.group(2)), f"{'#' if match.group(1) == '#' else '@'}unknown")

    def timestamp(match: re.Match[str]) -> str:
        return when(int(match.group(1)), match.group(2), moment)

    text = _CODE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _TIMESTAMP.sub(timestamp, _MENTION.sub(mention, text))
    return _ESCAPE.sub(r"\1", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)))


_GUTTERS = (("┏━ ", "┃  "), ("┗━ ", "   "), ("┃   ", "┃   "), ("┃ ", "┃ "), ("  ", "  "))
_BULLET = re.compile(r"(?:[•\-*]|\d+\.) ")
_COLUMNS = re.compile(r"\S(?:.*?\S)? {2,}(?=\S)")  # "save N PATH      write file N...": a name, then what it does


_BOX = "│ "  # the gutter of a V2 container (an answer's box), on every line inside it


def wrap(line: str, width: int) -> list[str]:
    """A line of the screen broken at spaces to fit ``width`` columns, its gutters (an answer's box, a heading's or
    an embed's, and a list item's indent) kept on every piece."""
    if len(line) <= width:
        return [line]
    box = ""
    while line.startswith(_BOX, len(box)):
        box += _BOX
    rest = line[len(box) :]
    first, after = next(((g, more) for g, more in _GUTTERS if rest.startswith(g)), ("", ""))
    body = rest[len(first) :]
    hang = _BULLET.match(body) or _COLUMNS.match(body)
    pieces = textwrap.wrap(
        body,
        max(width - len(box + first), 20),
        subsequent_indent=" " * (hang.end() if hang and hang.end() < width // 2 else 0),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [box + first + pieces[0], *(box + after + piece for piece in pieces[1:])] if pieces else [line]


def wrapped(text: str, width: int) -> str:
    """Every line of ``text`` wrapped as ``wrap`` does (what the playground says itself: its banner, help, notes)."""
    return "\n".join(piece for line in text.splitlines() for piece in wrap(line, width))


@dataclass
class Screen:
    """The last answer shown (and any private answers to its buttons below it): its spoilers and its buttons,
    each numbered from 1, lines wrapped at ``width`` columns, relative times counted from ``now()``."""

    messages: list[dict] = field(default_factory=list)
    spoilers: list[str] = field(default_factory=list)
    buttons: list[tuple[dict, dict]] = field(default_factory=list)  # (message, button)
    files: list[dict] = field(default_factory=list)  # the attachments on screen, numbered from 1 for `save N`
    revealed: set[int] = field(default_factory=set)
    names: Mapping[int, str] = field(default_factory=dict)  # ids of channels, members and roles -> "#x" / "@y"
    width: int = 100
    now: Callable[[], float] = time.time
    _moment: float = 0.0

    def show(self, messages: list[dict]) -> str:
        """Start a new screen with these messages."""
        self.messages, self.revealed = list(messages), set()
        return self.redraw()

    def add(self, messages: list[dict]) -> str:
        """Messages that come below those on screen, as a private answer to a button press does: the earlier ones
        stay, their buttons and spoilers numbered as before; only the new ones are printed."""
        first = len(self.messages)
        self.messages += messages
        return self._join(self._draw()[first:])

    def reveal(self, number: int | None = None) -> str:
        if number is None:
            self.revealed = set(range(1, len(self.spoilers) + 1))
        elif 1 <= number <= len(self.spoilers):
            self.revealed.add(number)
        else:
            raise ValueError(f"there is no spoiler {number} on screen (there are {len(self.spoilers)})")
        return self.redraw()

    def redraw(self) -> str:
        return self._join(self._draw())

    def _draw(self) -> list[str]:
        """Every message on screen, numbering spoilers, buttons and files afresh."""
        self.spoilers, self.buttons, self.files, self._moment = [], [], [], self.now()
        return [self._message(m) for m in self.messages]

    def _join(self, blocks: list[str]) -> str:
        if len(self.revealed) < len(self.spoilers):
            blocks = [*blocks, "  (type `reveal` to show the spoilers, or `reveal N` for one)"]
        return "\n".join(b for b in blocks if b)

    def _plain(self, text: str) -> str:
        return plain(text, self.names, self._moment)

    def _hide(self, text: str) -> str:
        def bar(match: re.Match[str]) -> str:
            self.spoilers.append(self._plain(match.group(1)))
            number = len(self.spoilers)
            if number in self.revealed:
                return f"‹{self.spoilers[-1]}›"
            # Shaded, not solid: a vote bar at 100% is solid blocks, and must not look hidden.
            return f"{'▒' * min(max(len(match.group(1)) // 6, 3), 12)}[spoiler {number}]"

        return self._plain(_SPOILER.sub(bar, text))

    def _message(self, message: dict) -> str:
        lines: list[str] = []
        if message.get("flags", 0) & EPHEMERAL:
            lines.append("(only you can see this)")
        if message.get("content"):
            lines += self._hide(message["content"]).splitlines()
        for embed in message.get("embeds") or []:
            if embed.get("title"):
                lines.append(f"┏━ {self._plain(embed['title'])}")
            if embed.get("description"):
                lines += [f"┃ {line}" for line in self._hide(embed["description"]).splitlines()]
            for f in embed.get("fields") or []:
                lines.append(f"┃ {self._plain(f.get('name', ''))}:")
                lines += [f"┃   {line}" for line in self._hide(f.get("value", "")).splitlines()]
            if (embed.get("footer") or {}).get("text"):
                lines.append(f"┗━ {self._plain(embed['footer']['text'])}")
        v2 = bool(message.get("flags", 0) & IS_COMPONENTS_V2)
        if v2:
            for component in message.get("components") or []:
                lines += self._v2(message, component)
        for attachment in message.get("attachments") or []:
            self.files.append(attachment)
            lines.append(f"{file_line(attachment)}  (file {len(self.files)})")
            if attachment.get("description"):
                lines.append(f"  alt text: {attachment['description']}")
        labels = []
        for row in [] if v2 else message.get("components") or []:  # V2 buttons are drawn where they stand, above
            for comp in row.get("components") or []:
                if comp.get("type") != 2:
                    continue
                labels.append(self._button(message, comp))
        if labels:
            lines.append("  " + "   ".join(labels))
        return "\n".join(piece for line in lines for piece in wrap(line, self.width))

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
