"""Plain rows shared by the facts loader, the store and the formatting code (no discord, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """How much of the film a piece of text gives away, in increasing order."""

    NONE = 0
    PLOT = 1
    ENDING = 2

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"{name!r} is not a spoiler level (none, plot, ending)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Film:
    title: str
    year: int
    writer_director: str
    based_on_title: str
    based_on_author: str
    based_on_year: int
    premise: str
    setting: str
    distributor: str
    director_known_for: tuple[str, ...]
    streaming: tuple[str, ...]
    recognition: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArcStep:
    text: str
    spoiler: Level


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    actor: str
    aliases: tuple[str, ...]
    summary: str
    arc: tuple[ArcStep, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    id: str
    position: int
    title: str
    summary: str
    spoiler: Level
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    topic: str
    question: str
    keywords: tuple[str, ...]
    answer: str
    spoiler: Level


@dataclass(frozen=True, slots=True)
class Theory:
    id: str
    title: str
    claim: str
    evidence: tuple[str, ...]
    source: str
    spoiler: Level


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str
    outlet: str
    text: str
    context: str
    topics: tuple[str, ...]
    spoiler: Level


@dataclass(frozen=True, slots=True)
class FilmData:
    """Everything in the facts file: read once at start-up, never changed while the bot runs."""

    film: Film
    characters: tuple[Character, ...]
    moments: tuple[Moment, ...]
    facts: tuple[Fact, ...]
    theories: tuple[Theory, ...]
    quotes: tuple[Quote, ...]

    def moment(self, moment_id: str) -> Moment | None:
        return next((m for m in self.moments if m.id == moment_id), None)

    def character(self, character_id: str) -> Character | None:
        return next((c for c in self.characters if c.id == character_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def theory(self, theory_id: str) -> Theory | None:
        return next((t for t in self.theories if t.id == theory_id), None)

    def quote(self, quote_id: str) -> Quote | None:
        return next((q for q in self.quotes if q.id == quote_id), None)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match of the full-text index: which entry, and how well (lower bm25 is better)."""

    kind: str
    ref: str
    score: float
