"""Components V2 layouts as plain data (pure): containers, text displays, sections with a button, separators.

Built from the same ``Answer`` blocks as embeds; ``bot.send`` turns a ``Layout`` into a ``discord.ui.LayoutView``.
Each unit a member wants to open (a scene, a paragraph, a quote) goes in one container; a unit above the channel's
level goes in a container marked as a spoiler (one click opens it), or, in the private style, is left out with a
note and a "Reveal to me" button. Discord's V2 rules are kept by construction: no content or embeds (a layout has
none), at most 40 components counted with everything nested, at most 4,000 characters of text in a message;
``pack`` splits a long answer over several messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import OPEN, Level, Policy, Style
from .answer import Answer
from .limits import paginate, shorten
from .markup import HIDDEN_NOTE, Block, escape, render_atoms

COMPONENTS_LIMIT = 40  # every component of a message, nested ones included
TEXT_LIMIT = 4000  # the text of every text display in a message, together
SECTION_TEXTS = 3  # text displays beside one accessory
ROW_BUTTONS = 5
PIECE_LIMIT = 1800  # a paragraph longer than this is split over several text displays
ACCENT = 0xC8553D  # the bot's colour (the embeds' too)
TITLE_BUDGET = 256
FOOTER_BUDGET = 200


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    """A persistent button: ``bot.send`` makes it the DynamicItem its custom id belongs to."""

    custom_id: str
    label: str
    style: str = "secondary"  # primary, secondary, success or danger
    emoji: str | None = None
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class TextDisplay:
    content: str


@dataclass(frozen=True, slots=True)
class Separator:
    divider: bool = True


@dataclass(frozen=True, slots=True)
class Section:
    """Up to three text displays with a button beside them (a poll option and its vote button)."""

    texts: tuple[str, ...]
    accessory: ButtonSpec


@dataclass(frozen=True, slots=True)
class ActionRow:
    buttons: tuple[ButtonSpec, ...]


@dataclass(frozen=True, slots=True)
class Picture:
    """A file attached to the same message, shown in a media gallery (V2 shows attachments only through one)."""

    filename: str
    description: str = ""  # alt text
    spoiler: bool = False

    @property
    def url(self) -> str:
        return f"attachment://{self.filename}"


Child = TextDisplay | Separator | Section | ActionRow | Picture


@dataclass(frozen=True, slots=True)
class Container:
    children: tuple[Child, ...]
    spoiler: bool = False
    accent: int | None = ACCENT


Item = Child | Container


def count(item: Item) -> int:
    """Components in ``item``, itself included, as Discord counts them towards the 40."""
    if isinstance(item, Container):
        return 1 + sum(count(child) for child in item.children)
    if isinstance(item, Section):
        return 1 + len(item.texts) + 1
    if isinstance(item, ActionRow):
        return 1 + len(item.buttons)
    return 1


def text_length(item: Item) -> int:
    if isinstance(item, Container):
        return sum(text_length(child) for child in item.children)
    if isinstance(item, Section):
        return sum(len(t) for t in item.texts)
    if isinstance(item, TextDisplay):
        return len(item.content)
    return 0


@dataclass(frozen=True, slots=True)
class Layout:
    """One V2 message: its top-level items, in order."""

    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        check(self.items)

    @property
    def components(self) -> int:
        return sum(count(item) for item in self.items)

    @property
    def text(self) -> int:
        return sum(text_length(item) for item in self.items)

    def buttons(self) -> list[ButtonSpec]:
        return list(_buttons(self.items))


def _buttons(items: Iterable[Item]) -> Iterable[ButtonSpec]:
    for item in items:
        if isinstance(item, Container):
            yield from _buttons(item.children)
        elif isinstance(item, Section):
            yield item.accessory
        elif isinstance(item, ActionRow):
            yield from item.buttons


def check(items: Sequence[Item]) -> None:
    """Refuse a layout Discord would refuse: a programming error, never a member's (``pack`` never builds one)."""
    total = sum(count(item) for item in items)
    text = sum(text_length(item) for item in items)
    if not items:
        raise ValueError("a V2 message needs at least one component")
    if total > COMPONENTS_LIMIT:
        raise ValueError(f"a V2 message holds at most {COMPONENTS_LIMIT} components, not {total}")
    if text > TEXT_LIMIT:
        raise ValueError(f"a V2 message holds at most {TEXT_LIMIT} characters of text, not {text}")
    for item in items:
        children = item.children if isinstance(item, Container) else (item,)
        for child in children:
            if isinstance(child, Section) and not 1 <= len(child.texts) <= SECTION_TEXTS:
                raise ValueError(f"a section holds 1-{SECTION_TEXTS} text displays")
            if isinstance(child, ActionRow) and not 1 <= len(child.buttons) <= ROW_BUTTONS:
                raise ValueError(f"an action row holds 1-{ROW_BUTTONS} buttons")


# -- from an answer ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of an answer that goes in one container: shown plainly, as a spoiler, or as a "hidden" note."""

    text: str
    spoiler: bool = False

    def item(self) -> Container:
        return Container((TextDisplay(self.text),), spoiler=self.spoiler)


def paragraphs(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks split at blank lines: the units a member reads (and opens) one at a time."""
    found: list[list[Block]] = [[]]
    for block in blocks:
        if not block:
            if found[-1]:
                found.append([])
        else:
            found[-1].append(block)
    return [p for p in found if p]


def level_of(paragraph: Sequence[Block]) -> Level:
    return max((seg.level for block in paragraph for seg in block if seg.text.strip()), default=Level.NONE)


def units(blocks: Sequence[Block], policy: Policy) -> list[Unit]:
    """Each paragraph as the channel may show it. Shown text next to each other shares one container; each run of
    lines above the channel's level (a scene, a claim with its evidence) is one spoiler container (wrap) or one note
    (private), never split into bars; a heading or a source line around it stays plain.
    """
    out: list[Unit] = []
    plain: list[str] = []
    noted = False

    def flush() -> None:
        if plain:
            out.extend(Unit(piece) for piece in _split("\n\n".join(plain)))
            plain.clear()

    for paragraph in paragraphs(blocks):
        for shown, run in _runs(paragraph, policy):
            if shown:
                plain.append(_text(run))
                noted = False
            elif policy.style is Style.WRAP:
                flush()
                out.extend(Unit(piece, spoiler=True) for piece in _split(_text(run)))
            elif not noted:
                plain.append(HIDDEN_NOTE)
                noted = True
    flush()
    return out


def _runs(paragraph: Sequence[Block], policy: Policy) -> list[tuple[bool, list[Block]]]:
    """A paragraph as runs of lines the channel shows and lines it hides, in order."""
    runs: list[tuple[bool, list[Block]]] = []
    for block in paragraph:
        shown = all(policy.shows(seg.level, seg.moment) for seg in block if seg.text.strip())
        if runs and runs[-1][0] == shown:
            runs[-1][1].append(block)
        else:
            runs.append((shown, [block]))
    return runs


def _text(paragraph: Sequence[Block]) -> str:
    """A paragraph's text, whole: inside a container it needs no spoiler bars (the container is the spoiler)."""
    return "\n".join(paginate(render_atoms(paragraph, OPEN), TEXT_LIMIT))


def _split(text: str) -> list[str]:
    """Text cut at line ends (else anywhere but inside an escape) into pieces of at most ``PIECE_LIMIT``."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > PIECE_LIMIT:
            cut = PIECE_LIMIT - 1 if line[PIECE_LIMIT - 2] == "\\" else PIECE_LIMIT
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > PIECE_LIMIT:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces


def title_text(title: str) -> str:
    """A heading; a ``#`` after the marker cannot start one, so it needs no escape ("Theory poll #3")."""
    return f"### {escape(shorten(title, TITLE_BUDGET)).replace(chr(92) + '#', '#')}"


def footer_text(footer: str) -> str:
    return f"-# {escape(shorten(footer, FOOTER_BUDGET)).replace(chr(92) + '#', '#')}"


def pack(
    title: str,
    body: Sequence[Item],
    footer: str = "",
    *,
    tail: Sequence[Item] = (),
) -> list[Layout]:
    """Items as V2 messages within Discord's limits: the title first, the footer and ``tail`` (buttons) last.

    Every item of ``body`` must fit a message of its own beside a title, a footer and the tail; ``units`` and the
    poll builder make sure of it.
    """
    head = TextDisplay(title_text(title)) if title else None
    foot = TextDisplay(footer_text(footer)) if footer else None
    reserve_count = sum(count(i) for i in (*tail, *(x for x in (head, foot) if x)))
    reserve_text = sum(text_length(i) for i in (*tail, *(x for x in (head, foot) if x)))
    messages: list[list[Item]] = [[head] if head else []]
    used_count, used_text = reserve_count, reserve_text
    for item in body:
        if messages[-1] and (used_count + count(item) > COMPONENTS_LIMIT or used_text + text_length(item) > TEXT_LIMIT):
            messages.append([])
            used_count, used_text = reserve_count, reserve_text
        messages[-1].append(item)
        used_count += count(item)
        used_text += text_length(item)
    if foot:
        messages[-1].append(foot)
    messages[-1].extend(tail)
    return [Layout(tuple(items)) for items in messages if items]


def answer_layouts(answer: Answer, policy: Policy, *, tail: Sequence[Item] = ()) -> list[Layout]:
    """An answer as V2 messages for a channel: one container per unit, spoiler containers where it may not show."""
    body = [unit.item() for unit in units(answer.blocks, policy)]
    return pack(answer.heading(policy), body, answer.footer, tail=tail)
