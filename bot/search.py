"""Turning a member's free-text question into a safe full-text query, and judging the matches (pure logic).

The store runs the query (FTS5, bm25); this module decides which words to ask for and whether an answer is good
enough to give. Typos (including swapped letters) are mended against the words the film's facts actually use; the
index's porter stemmer takes care of plurals and tenses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import Character, FilmData, IndexRow, SearchHit

_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no topic of their own: always dropped.
STOPWORDS = frozenset(
    """
    a after again all also am an and any are as at be been before being but by can could did do does doing
    done during each else ever for from get gets got had has have having he her here hers him his how i if in into
    is it its just let me might more most my of on once only or other our out over own
    really should so some such than that the their them then there these they
    this those to too up us very was we were what whats when where which while who whom whos why will with would
    you your anyone someone
    pls plz please thanks thank thx ty hey hi hello yo ok okay lol lmao idk tbh btw guys bot
    """.split()
)
# Words that say what kind of question it is rather than what it is about: dropped when the question has other
# content words, kept when they are all it has ("whats the movie about" must still reach the premise).
SOFT_STOPWORDS = frozenset(
    """
    about film films movie movies happen happens explain explained mean means meant like know thing things way
    say says said tell
    """.split()
)
# The kinds of entry, and how much a match of each counts (facts answer questions; the rest gives context).
KIND_WEIGHT = {"fact": 1.35, "character": 1.0, "moment": 0.9, "theory": 0.9, "quote": 0.8}
MIN_COVERAGE = 0.5
SHORTEST_MENDED = 4  # shorter words are too ambiguous to mend: "son", "sun" and "sin" are all one letter apart


@dataclass(frozen=True, slots=True)
class Query:
    # Every content word of the question, in the member's order: typo-mended where the facts use a close word,
    # left as typed where nothing is close (those still count when judging how much of the question matched).
    terms: tuple[str, ...]
    match: str  # an FTS5 expression over the known terms, each quoted, so nothing the member types is FTS syntax


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'").replace("'s ", " ").replace("'", ""))


def stem(word: str) -> str:
    """A deliberately small stemmer for judging coverage (the index has the real porter stemmer)."""
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def osa_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbours costs 1).

    Returns ``limit + 1`` as soon as the distance is sure to exceed ``limit``, which keeps scanning a vocabulary cheap.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def max_typos(word: str) -> int:
    """How many slips a word of this length may hold and still be mended."""
    if len(word) < SHORTEST_MENDED:
        return 0
    return 1 if len(word) <= 6 else 2


def same_start(word: str, candidate: str) -> bool:
    """People rarely mistype the first letter, except by swapping the first two ("sogn" is fine, "htis" too).

    Mending "weather" to "father" or "bake" to "take" would turn questions about anything into questions about
    the film, so a different first letter is not a typo we mend.
    """
    return word[0] == candidate[0] or (len(word) > 1 and len(candidate) > 1 and word[:2] == candidate[1::-1])


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

    frequency: dict[str, int]  # every word the facts use, and how often
    entry_stems: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    known_stems: frozenset[str] = frozenset()
    title_words: tuple[str, ...] = ()  # the film's own title: asking about it is asking about "the film"
    _mended: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def build(cls, rows: Iterable[IndexRow], film_title: str = "") -> Searcher:
        frequency: Counter[str] = Counter()
        entry_stems: dict[tuple[str, str], frozenset[str]] = {}
        for row in rows:
            row_words = words(f"{row.title} {row.keywords} {row.body}")
            frequency.update(row_words)
            entry_stems[(row.kind, row.ref)] = frozenset(stem(w) for w in row_words)
        return cls(dict(frequency), entry_stems, frozenset(stem(w) for w in frequency), tuple(words(film_title)))

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.frequency)

    def knows(self, word: str) -> bool:
        return word in self.frequency or stem(word) in self.known_stems

    def mend(self, word: str) -> str | None:
        """The word itself if the facts use it, else the closest word they do use, else None.

        Closest means fewest slips (a swap of two letters is one slip) with the same first letter; ties go to the
        word the facts use most, then to the shorter, then alphabetically, so a question always gets the same answer.
        """
        if self.knows(word):
            return word
        if word in self._mended:
            return self._mended[word]
        limit = max_typos(word)
        best: tuple[int, int, int, str] | None = None
        if limit:
            for candidate, count in self.frequency.items():
                if candidate in STOPWORDS or candidate in SOFT_STOPWORDS or abs(len(candidate) - len(word)) > limit:
                    continue
                if not same_start(word, candidate):
                    continue
                distance = osa_distance(word, candidate, limit)
                if distance <= limit:
                    key = (distance, -count, len(candidate), candidate)
                    if best is None or key < best:
                        best = key
        mended = best[3] if best else None
        if len(self._mended) < 4096:  # a small memo: members repeat their typos, but never let it grow unbounded
            self._mended[word] = mended
        return mended

    def parse(self, question: str) -> Query:
        """The question's content words (mended), and a safe FTS5 expression over those the facts use."""
        typed = [w for w in self._without_title(words(question)) if len(w) >= 2 and w not in STOPWORDS]
        content = [w for w in typed if w not in SOFT_STOPWORDS] or typed
        terms: list[str] = []
        known: list[str] = []
        for word in content:
            mended = self.mend(word)
            term = mended or word
            if term in terms:
                continue
            terms.append(term)
            if mended:
                known.append(mended)
        return Query(tuple(terms), " OR ".join(f'"{t}"' for t in known))

    def _without_title(self, question: list[str]) -> list[str]:
        """The question's words with the film's title read as "film" ("what is All of Us Strangers about")."""
        size = len(self.title_words)
        if not size:
            return question
        out: list[str] = []
        i = 0
        while i < len(question):
            if tuple(question[i : i + size]) == self.title_words:
                out.append("film")
                i += size
            else:
                out.append(question[i])
                i += 1
        return out

    def coverage(self, hit: SearchHit, terms: Sequence[str]) -> float:
        """The share of the question's content words found in an entry (typo-mended, roughly stemmed).

        Words the facts never use count too: "who won the 1998 world cup" is not about the film just because
        one of its words appears somewhere.
        """
        if not terms:
            return 0.0
        stems = self.entry_stems.get((hit.kind, hit.ref), frozenset())
        return sum(stem(t) in stems for t in terms) / len(terms)

    def best(self, hits: Sequence[SearchHit], terms: Sequence[str], limit: int = 3) -> list[SearchHit]:
        """The confident answers, best first: enough of the question matched, facts preferred on a near tie."""
        confident = [h for h in hits if self.coverage(h, terms) >= MIN_COVERAGE]
        confident.sort(
            key=lambda h: (h.score * KIND_WEIGHT.get(h.kind, 1.0) * (0.5 + self.coverage(h, terms)), h.kind, h.ref)
        )
        return confident[:limit]

    def near_misses(self, hits: Sequence[SearchHit], terms: Sequence[str]) -> list[SearchHit]:
        """Hits too weak to answer with, best first: only good for suggesting what the member might ask instead."""
        weak = [h for h in hits if 0 < self.coverage(h, terms) < MIN_COVERAGE]
        return sorted(weak, key=lambda h: (h.score * KIND_WEIGHT.get(h.kind, 1.0), h.kind, h.ref))


# ---------------------------------------------------------------- looking up a moment or a character by name


def fold(text: str) -> str:
    """Text as names are compared: case-folded, one kind of apostrophe, single spaces."""
    return " ".join(text.casefold().replace("’", "'").split())


def character_label(character: Character) -> str:
    return f"{character.name} ({character.actor})"


def character_names(character: Character) -> list[str]:
    return [fold(n) for n in (character.name, character.actor, character.id, *character.aliases)]


def filter_characters(characters: Sequence[Character], typed: str) -> list[Character]:
    """Characters matching what was typed in their name, actor or aliases ("Mescal" finds Harry, "mom" the mother).

    Exact names first, then names starting with it, then names containing it; file order within each.
    """
    needle = fold(typed)
    if not needle:
        return list(characters)
    ranked: list[tuple[int, int, Character]] = []
    for index, c in enumerate(characters):
        names = character_names(c)
        if needle in names:
            tier = 0
        elif any(n.startswith(needle) or f" {needle}" in n for n in names):
            tier = 1
        elif any(needle in n for n in names):
            tier = 2
        else:
            continue
        ranked.append((tier, index, c))
    return [c for _, _, c in sorted(ranked, key=lambda r: (r[0], r[1]))]
