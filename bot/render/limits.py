"""Fitting answers into Discord's limits by construction: pages, embeds and messages (pure logic)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Policy
from .markup import Atom, Block, render_atoms

CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FOOTER_BUDGET = 200  # our footers stay short, so title + a full description + footer fit one embed
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
FIELDS_PER_EMBED = 25
CHOICE_NAME_LIMIT = 100
CHOICES_LIMIT = 25  # autocomplete choices and option choices
CUSTOM_ID_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
ELLIPSIS = "…"
MIN_PAGE = 8  # room for a spoiler-wrapped escape pair, with some to spare


def shorten(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def _cut_points(word: str) -> list[int]:
    """Where a word may be cut: anywhere but between a backslash and the character it escapes."""
    points: list[int] = []
    i = 0
    while i < len(word):
        i += 2 if word[i] == "\\" and i + 1 < len(word) else 1
        points.append(i)
    return points


def _hard_split(word: str, size: int) -> list[str]:
    """Split one overlong word into pieces of at most ``size`` characters, never inside an escape pair."""
    if len(word) <= size:
        return [word]
    pieces: list[str] = []
    start = 0
    last = 0
    for point in _cut_points(word):
        if point - start > size:
            pieces.append(word[start:last])
            start = last
        last = point
    pieces.append(word[start:])
    return pieces


def _chunks(atom: Atom, limit: int) -> list[Atom]:
    """An atom too long for one page, split at spaces into atoms that each fit with their markup."""
    room = limit - (4 if atom.spoiler else 0)
    if len(atom.text) <= room:
        return [atom]
    out: list[Atom] = []
    current = ""
    for word in atom.text.split():
        for piece in _hard_split(word, room):
            candidate = f"{current} {piece}" if current else piece
            if len(candidate) <= room:
                current = candidate
            else:
                out.append(Atom(current, atom.spoiler))
                current = piece
    if current:
        out.append(Atom(current, atom.spoiler))
    return out


def paginate(blocks: Sequence[Sequence[Atom]], limit: int) -> list[str]:
    """Join atoms (spaces within a block, new lines between blocks) into pages of at most ``limit`` characters.

    An empty block is a paragraph break (a blank line, dropped at the top of a page). Pages break between blocks
    when they can, else between atoms, else between words (inside a word only when the word alone is longer than
    a page), and spoiler markup is closed and reopened around each piece, so no page ever holds half of a
    ``||...||`` pair.
    """
    if limit < MIN_PAGE:
        raise ValueError(f"a page must hold at least {MIN_PAGE} characters, not {limit}")
    pages: list[str] = []
    current = ""
    gap = False
    for block in blocks:
        if not block:
            gap = True
            continue
        whole = " ".join(a.markup() for a in block)
        if current and len(current) + (2 if gap else 1) + len(whole) > limit and len(whole) <= limit:
            pages.append(current)  # the block fits a page of its own: start one rather than split it
            current = ""
        first_in_block = True
        for atom in block:
            for piece in _chunks(atom, limit):
                text = piece.markup()
                if not current:
                    sep = ""
                elif first_in_block:
                    sep = "\n\n" if gap else "\n"
                else:
                    sep = " "
                if len(current) + len(sep) + len(text) <= limit:
                    current += sep + text
                else:
                    pages.append(current)
                    current = text
                first_in_block = False
        gap = False
    if current:
        pages.append(current)
    return pages


def render_pages(blocks: Sequence[Block], policy: Policy, limit: int = EMBED_DESCRIPTION_LIMIT) -> list[str]:
    """Blocks of segments, with the channel's spoiler policy applied, as pages of at most ``limit`` characters."""
    return paginate(render_atoms(blocks, policy), limit)


@dataclass(slots=True)
class EmbedSpec:
    """A plain description of an embed; titles, field names and footers never carry spoiler markup."""

    title: str = ""
    description: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""

    def size(self) -> int:
        return len(self.title) + len(self.description) + len(self.footer) + sum(len(n) + len(v) for n, v in self.fields)


def pack_pages(title: str, pages: Sequence[str], footer: str = "") -> list[list[EmbedSpec]]:
    """Pages of description as embeds, grouped into messages that respect the per-message embed limits.

    The first embed carries the title; the last of each message carries the footer.
    """
    title = shorten(title, EMBED_TITLE_LIMIT)
    footer = shorten(footer, FOOTER_BUDGET) if footer else ""
    messages: list[list[EmbedSpec]] = []
    current: list[EmbedSpec] = []
    total = 0
    for index, page in enumerate(pages or [""]):
        embed = EmbedSpec(title=title if index == 0 else "", description=page)
        cost = embed.size() + len(footer)
        if current and (len(current) == EMBEDS_PER_MESSAGE or total + cost > EMBED_TOTAL_LIMIT):
            messages.append(current)
            current, total = [], 0
        current.append(embed)
        total += embed.size()
    messages.append(current)
    if footer:
        for message in messages:
            message[-1].footer = footer
    return messages


def inline(blocks: Sequence[Block], policy: Policy, limit: int = CONTENT_LIMIT) -> str:
    """Short text (a confirmation, a refusal) rendered for a policy, as one message's content."""
    return "\n".join(render_pages(blocks, policy, limit))[:limit]
