"""Turning a member's free-text question into a safe full-text query, and judging the matches (pure logic).

The store runs the query (FTS5, bm25); this module decides which words to ask for and whether an answer is good
enough to give. Typos are mended against the words the film's facts actually use; the index's porter stemmer takes
care of plurals and tenses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import FilmData, SearchHit

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """
    a about after again all also am an and any are as at be been before being but by can could did do does doing
    done during each else ever for from get gets got had has have having he her here hers him his how i if in into
    is it its just know let like me mean means meant might more most my of on once only or other our out over own
    please really said say says she should so some such tell than that the their them then there these they thing
    this those to too up us very was way we were what whats when where which while who whom whos why will with would
    you your film movie films movies happen happens explain explained anyone someone
    """.split()
)
# The kinds of entry, and how much a match of each counts (facts answer questions; the rest gives context).
KIND_WEIGHT = {"fact": 1.35, "character": 1.0, "moment": 0.9, "theory": 0.9, "quote": 0.8}
MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class IndexRow:
    kind: str
    ref: str
    title: str
    keywords: str
    body: str


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[str, ...]  # content words after typo mending, in the member's order
    match: str  # an FTS5 expression: every term quoted, so nothing the member types is FTS syntax


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'").replace("'s ", " ").replace("'", ""))


def stem(word: str) -> str:
    """A deliberately small stemmer for judging coverage (the index has the real porter stemmer)."""
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def index_rows(data: FilmData) -> list[IndexRow]:
    """What each searchable entry contributes to the index."""
    rows = [IndexRow("fact", f.id, f"{f.topic}. {f.question}", " ".join(f.keywords), f.answer) for f in data.facts]
    rows += [
        IndexRow(
            "character",
            c.id,
            f"{c.name} {c.actor}",
            " ".join(c.aliases),
            " ".join([c.summary, *(s.text for s in c.arc)]),
        )
        for c in data.characters
    ]
    rows += [IndexRow("moment", m.id, m.title, " ".join(m.keywords), m.summary) for m in data.moments]
    rows += [IndexRow("theory", t.id, t.title, t.source, t.claim) for t in data.theories]
    rows += [IndexRow("quote", q.id, " ".join(q.topics), q.outlet, f"{q.text} {q.context}") for q in data.quotes]
    return rows


@dataclass(slots=True)
class Searcher:
    """Built once from the facts at start-up: the vocabulary for typo mending and each entry's word stems."""

    vocabulary: frozenset[str]
    entry_stems: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[IndexRow]) -> Searcher:
        vocabulary: set[str] = set()
        entry_stems: dict[tuple[str, str], frozenset[str]] = {}
        for row in rows:
            row_words = words(f"{row.title} {row.keywords} {row.body}")
            vocabulary.update(row_words)
            entry_stems[(row.kind, row.ref)] = frozenset(stem(w) for w in row_words)
        return cls(frozenset(vocabulary), entry_stems)

    def mend(self, word: str) -> str | None:
        """The word itself if the facts use it, else the closest word they do use, else None."""
        if word in self.vocabulary or stem(word) in self.vocabulary or len(word) < 4:
            return word
        candidates = [v for v in self.vocabulary if abs(len(v) - len(word)) <= 2 and v[0] == word[0]]
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return close[0] if close else None

    def parse(self, question: str) -> Query:
        terms: list[str] = []
        for word in words(question):
            if word in STOPWORDS or len(word) < 2:
                continue
            mended = self.mend(word)
            if mended and mended not in terms:
                terms.append(mended)
        return Query(tuple(terms), " OR ".join(f'"{t}"' for t in terms))

    def coverage(self, hit: SearchHit, terms: Sequence[str]) -> float:
        """The share of the question's words found in an entry (typo-mended, roughly stemmed)."""
        if not terms:
            return 0.0
        stems = self.entry_stems.get((hit.kind, hit.ref), frozenset())
        return sum(stem(t) in stems for t in terms) / len(terms)

    def best(self, hits: Sequence[SearchHit], terms: Sequence[str], limit: int = 3) -> list[SearchHit]:
        """The confident answers, best first: enough of the question matched, facts preferred on a near tie."""
        confident = [h for h in hits if self.coverage(h, terms) >= MIN_COVERAGE]
        confident.sort(key=lambda h: h.score * KIND_WEIGHT.get(h.kind, 1.0) * (0.5 + self.coverage(h, terms)))
        return confident[:limit]
