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
    # A name's spoiler-free form ("Moment 20 (ending)"): shown instead of the hidden-spoiler note in the private style,
    # so a list stays readable (and a button can still be told apart) without the name.
    safe: str = ""


@dataclass(frozen=True, slots=True)
class Name:
    """A name (a moment's title, a theory's title, a quote topic) with its level and its spoiler-free form.

    Where Discord can wrap text, a name is a ``Segment`` like any other; where it cannot (autocomplete choices, button
    labels, embed titles, thread names) ``shown`` gives the name or, above the reader's level, its spoiler-free form.
    """

    text: str
    level: Level
    safe: str

    def shown(self, policy: Policy) -> str:
        return self.text if policy.shows(self.level) else self.safe

    def segment(self) -> Segment:
        return Segment(self.text, self.level, safe=self.safe)


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

    Hidden segments next to each other in a block share one spoiler bar (a scene's title and its text open with one
    click, not two). A hidden name shows its spoiler-free form in the private style. An empty block stays empty (a
    paragraph break); a block whose every segment is hidden, or blank, is dropped.
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
                if atoms and atoms[-1].spoiler:
                    atoms[-1] = Atom(f"{atoms[-1].text} {text}", spoiler=True)
                else:
                    atoms.append(Atom(text, spoiler=True))
            elif seg.safe:
                atoms.append(Atom(escape(seg.safe)))
                hiding = False
            elif not hiding:
                atoms.append(Atom(HIDDEN_NOTE))
                hiding = True
        if atoms:
            rendered.append(atoms)
    return rendered
