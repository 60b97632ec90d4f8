"""Spoiler markup: segments that know how much of the film they give away, escaping, and a policy applied to them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import Level, Policy, Style

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]<:@])")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of an answer and how much of the film it gives away."""

    text: str
    level: Level = Level.NONE
    escape: bool = True  # False only for our own fixed markup such as "**Premise**"
    moment: int = 0  # the position of the one moment this text tells (0: none): a reader part way sees up to theirs


HIDDEN_NOTE = "*(spoiler hidden here: press “Reveal to me” to read it privately)*"


def escape(text: str) -> str:
    """Escape Discord markdown, so text can never open or close markup (a `|` included) or ping anyone."""
    return _MARKDOWN.sub(r"\\\1", text)


def wrap(text: str) -> str:
    """Spoiler markup around already-escaped text; empty text stays empty (`||||` would show the bars)."""
    return f"||{text}||" if text.strip() else text


def raw(text: str) -> Segment:
    """Our own markup (bold numbers, mentions, timestamps), kept as is: never pass a member's text here."""
    return Segment(text, escape=False)


def needs_reveal(segments: Iterable[Segment], policy: Policy) -> bool:
    """True when the private style hides something here, so the answer needs a "Reveal to me" button."""
    hidden = (s for s in segments if s.text.strip() and not policy.shows(s.level, s.moment))
    return policy.style is Style.PRIVATE and any(True for _ in hidden)


def for_one_reader(policy: Policy) -> Policy:
    """Ephemeral notes have no "Reveal to me" button: hidden text is wrapped in spoiler bars instead."""
    return Policy(policy.allowed, Style.WRAP, policy.source, policy.horizon)


@dataclass(frozen=True, slots=True)
class Atom:
    """Escaped text ready for Discord, and whether it must sit inside spoiler bars."""

    text: str
    spoiler: bool = False

    def markup(self) -> str:
        return wrap(self.text) if self.spoiler else self.text


Block = Sequence[Segment]  # a line of an answer: segments joined by spaces, blocks by new lines; [] = blank line


def render_atoms(blocks: Sequence[Block], policy: Policy) -> list[list[Atom]]:
    """Each segment as the channel may show it: plain, wrapped, or (private style) one note per hidden run.

    An empty block stays empty (a paragraph break); a block whose every segment is hidden, or blank, is dropped.
    """
    rendered: list[list[Atom]] = []
    hiding = False
    for block in blocks:
        if not block:
            rendered.append([])
            continue
        atoms: list[Atom] = []
        for seg in block:
            if not seg.text.strip():
                continue
            text = escape(seg.text) if seg.escape else seg.text
            if policy.shows(seg.level, seg.moment):
                atoms.append(Atom(text))
                hiding = False
            elif policy.style is Style.WRAP:
                atoms.append(Atom(text, spoiler=True))
            elif not hiding:
                atoms.append(Atom(HIDDEN_NOTE))
                hiding = True
        if atoms:
            rendered.append(atoms)
    return rendered
