"""An answer before it meets a channel: a safe title, blocks of text with spoiler levels, and how to rebuild it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Policy
from .markup import Block, Name, Segment
from .pictures import Chart


@dataclass(frozen=True, slots=True)
class Answer:
    # Shown in an embed title or a heading, where spoiler markup does not work: spoiler-free text, or a name shown
    # as the reader's level allows (its spoiler-free form above it).
    title: str | Name
    blocks: Sequence[Block] = field(default_factory=list)
    footer: str = ""  # spoiler-free too
    # "kind:argument": lets the "Reveal to me" button rebuild this answer later, even after a restart.
    reveal_key: str | None = None
    # True: sent as a Components V2 layout (one container per unit), where that reads better than embeds.
    layout: bool = False
    # A picture of the same numbers (a poll's results, the standings), drawn for the channel when the answer is sent
    # and attached beside the text, which stays for screen readers and clients that do not load images.
    chart: Chart | None = None

    def heading(self, policy: Policy) -> str:
        return self.title if isinstance(self.title, str) else self.title.shown(policy)

    def segments(self) -> list[Segment]:
        return [seg for block in self.blocks for seg in block]


def bold(label: str) -> Segment:
    """One of our own labels in bold; the markup is kept as is, so never pass a member's text unescaped."""
    return Segment(f"**{label}**", escape=False)


def lines(texts: Sequence[str]) -> list[Block]:
    """Lines of our own markup (labels, channel and member mentions, timestamps), one block each."""
    return [[Segment(text, escape=False)] for text in texts]
