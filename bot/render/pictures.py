"""Poll pictures as a channel may see them: which titles a chart draws, its file name and its alt text (pure).

The charts (``charts.py``) draw exactly the labels they are given; the channel's spoiler policy picks them here.
Where any theory title drawn is above the channel's level:

- style ``wrap``: the titles are drawn as they are and the file is a spoiler attachment (Discord blurs a file whose
  name starts with ``SPOILER_`` until it is clicked);
- style ``private``: the titles above the level are drawn in their spoiler-free forms ("Theory 2 (ending)"), and
  "Reveal to me" sends the full picture privately.

Alt text is read out by screen readers even for a blurred file, so it uses the spoiler-free forms wherever a title
is above the level, whatever the style.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Level, Policy, Style

SPOILER_PREFIX = "SPOILER_"


def spoiler_free_title(number: int, level: Level) -> str:
    """A theory named without its title, for places that cannot hide text: "Theory 2 (ending)".

    ``number`` is the handle a member can find it by where it is shown: an option's number (its vote button) in a
    poll, its number in /theory list elsewhere.
    """
    return f"Theory {number} ({level.label})"


@dataclass(frozen=True, slots=True)
class ChartTheory:
    """A theory a chart may draw: its title, how much of the film that gives away, and its spoiler-free number."""

    number: int
    title: str
    level: Level


@dataclass(frozen=True, slots=True)
class ResultBar:
    theory: ChartTheory
    votes: int
    winner: bool = False


@dataclass(frozen=True, slots=True)
class StandingRow:
    theory: ChartTheory
    rank: int
    votes: int
    wins: int
    polls: int


@dataclass(frozen=True, slots=True)
class ResultsChart:
    """A poll's results to draw: one bar per option, in the poll's order. Title and caption are spoiler-free."""

    poll_id: int
    title: str
    caption: str
    bars: tuple[ResultBar, ...]


@dataclass(frozen=True, slots=True)
class StandingsChart:
    """A server's all-time standings to draw, ranked already. Title and caption are spoiler-free."""

    title: str
    caption: str
    rows: tuple[StandingRow, ...]


Chart = ResultsChart | StandingsChart


@dataclass(frozen=True, slots=True)
class Picture:
    """A drawn chart ready to attach: its file name (``SPOILER_`` first when it must be blurred), PNG, alt text."""

    filename: str
    png: bytes
    description: str

    @property
    def spoiler(self) -> bool:
        return self.filename.startswith(SPOILER_PREFIX)


@dataclass(frozen=True, slots=True)
class Labels:
    """What a chart draws and what its alt text says for each theory, and whether the file must be blurred."""

    drawn: list[str]
    spoken: list[str]
    spoiler: bool


def labels(theories: Sequence[ChartTheory], policy: Policy) -> Labels:
    """The channel's choice of labels for ``theories`` (see the module's docstring)."""
    hidden = [not policy.shows(t.level) for t in theories]
    full = [t.title for t in theories]
    if not any(hidden):
        return Labels(full, full, spoiler=False)
    safe = [spoiler_free_title(t.number, t.level) if h else t.title for t, h in zip(theories, hidden, strict=True)]
    if policy.style is Style.WRAP:
        return Labels(full, safe, spoiler=True)
    return Labels(safe, safe, spoiler=False)


def _filename(stem: str, spoiler: bool) -> str:
    return f"{SPOILER_PREFIX if spoiler else ''}{stem}.png"


DRAWN_KEPT = 64  # pictures kept once drawn (a few MB at most): standings change only when a poll closes


@functools.lru_cache(maxsize=DRAWN_KEPT)
def drawn(chart: Chart, policy: Policy) -> Picture:
    """``draw``, remembered: the same chart for the same policy is the same picture (charts and policies are frozen
    values), so asking /theory results again until the next poll closes costs no drawing."""
    return draw(chart, policy)


def draw(chart: Chart, policy: Policy) -> Picture:
    """Draw ``chart`` for a channel with ``policy``: 10-35 ms of CPU, so call it off the event loop."""
    # Pillow (4 MiB) is loaded by the first picture drawn, not at start-up: most processes draw few or none.
    from .charts import (
        MAX_BARS,
        Bar,
        StandingBar,
        results_alt_text,
        results_chart,
        standings_alt_text,
        standings_chart,
    )

    if isinstance(chart, ResultsChart):
        named = labels([b.theory for b in chart.bars], policy)
        drawn = [Bar(label, b.votes, b.winner) for label, b in zip(named.drawn, chart.bars, strict=True)]
        spoken = [Bar(label, b.votes, b.winner) for label, b in zip(named.spoken, chart.bars, strict=True)]
        return Picture(
            _filename(f"poll-{chart.poll_id}-results", named.spoiler),
            results_chart(drawn, title=chart.title, caption=chart.caption),
            results_alt_text(spoken, title=chart.title, caption=chart.caption),
        )
    shown = chart.rows[:MAX_BARS]  # the rows drawn and read out; the rest are only counted
    named = labels([r.theory for r in shown], policy)
    rest = [spoiler_free_title(r.theory.number, r.theory.level) for r in chart.rows[MAX_BARS:]]

    def rows(names: Sequence[str]) -> list[StandingBar]:
        names = [*names, *rest]
        return [StandingBar(r.rank, n, r.votes, r.wins, r.polls) for n, r in zip(names, chart.rows, strict=True)]

    return Picture(
        _filename("theory-standings", named.spoiler),
        standings_chart(rows(named.drawn), title=chart.title, caption=chart.caption),
        standings_alt_text(rows(named.spoken), title=chart.title, caption=chart.caption),
    )
