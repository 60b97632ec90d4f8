"""How much a member's own words give away, judged with the facts' own vocabulary by level (pure).

A question is shown back as typed unless it holds terms of a level above the reader's; then it is wrapped like any
other spoiler. Built once from the facts file:

- every word the facts use, at the lowest level where it is used (a word the premise, a spoiler-free title or a
  spoiler-free topic uses, "song" or "end", gives nothing away; "frankie" and "overdose" only occur in the ending);
- every pair of words that one short name or keyword puts side by side ("harry" + "ghost" in "harry's ghost"), at
  the lowest level of the names and keywords that join them: "is harry a ghost?" gives the twist away even though
  "ghost" alone (a ghost story) does not, while "how did adam's parents die?" joins "adam" and "die" only from afar.

Words the facts never use say nothing about the film, so they never hide a question.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .models import FilmData, Level
from .search import stem, words

# Words that carry nothing by themselves. Fewer than search drops: "out" in "coming out" or "in" in "let me in"
# make a phrase what it is.
STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could did do does for from had has have he her his how i if is it its
    of on or she so than that the their them then there they this to was we were what when where which who whom
    why will with would you your
    """.split()
)


def _stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class SpoilerTerms:
    word_levels: dict[str, Level]
    pair_levels: dict[frozenset[str], Level]

    @classmethod
    def build(cls, data: FilmData) -> SpoilerTerms:
        word_levels: dict[str, Level] = {}
        pair_levels: dict[frozenset[str], Level] = {}
        for text, level in _texts(data):
            for s in _stems(text):
                word_levels[s] = min(level, word_levels.get(s, level))
        for phrase, level in _phrases(data):
            for pair in _pairs(_stems(phrase)):
                pair_levels[pair] = min(level, pair_levels.get(pair, level))
        return cls(word_levels, pair_levels)

    def level(self, text: str, extra_words: Iterable[str] = ()) -> Level:
        """The highest level of any word or joined pair of words in ``text`` (and ``extra_words``, such as the
        typo-mended terms of a question); NONE when nothing in it is the film's own vocabulary above that."""
        typed = _stems(text)
        mended = [stem(w) for w in extra_words if w not in STOPWORDS]
        found = [self.word_levels.get(s, Level.NONE) for s in {*typed, *mended}]
        found += [self.pair_levels.get(p, Level.NONE) for p in {*_pairs(typed), *_pairs(mended)}]
        return max(found, default=Level.NONE)


def _pairs(stems: Sequence[str]) -> set[frozenset[str]]:
    """Words side by side (stop words left out): the pairs a phrase or a question joins."""
    return {frozenset((a, b)) for a, b in itertools.pairwise(stems) if a != b}


def _texts(data: FilmData) -> Iterator[tuple[str, Level]]:
    """Every text of the facts with the level at which it is shown."""
    f = data.film
    yield from (
        (text, Level.NONE)
        for text in (
            f.title,
            f.writer_director,
            f.based_on_title,
            f.based_on_author,
            f.premise,
            f.setting,
            f.distributor,
            *f.director_known_for,
            *f.streaming,
            *f.recognition,
        )
    )
    for c in data.characters:
        yield from ((text, Level.NONE) for text in (c.name, c.actor, c.summary, *c.aliases))
        yield from ((step.text, step.spoiler) for step in c.arc)
    for m in data.moments:
        yield m.title, m.title_spoiler
        yield from ((text, m.spoiler) for text in (m.summary, *m.keywords))
    for fact in data.facts:
        yield from ((text, fact.topic_spoiler) for text in (fact.topic, fact.question))
        yield from ((text, fact.spoiler) for text in (fact.answer, *fact.keywords))
    for t in data.theories:
        yield t.title, t.title_spoiler
        yield t.claim, t.spoiler
        yield t.source, Level.NONE
    for q in data.quotes:
        yield from ((text, q.spoiler) for text in (q.text, q.context))
        yield from ((q.speaker, Level.NONE), (q.outlet, Level.NONE))
    yield from data.quote_topics


def _phrases(data: FilmData) -> Iterator[tuple[str, Level]]:
    """The short names and keywords: the words they join belong together."""
    for c in data.characters:
        yield from ((text, Level.NONE) for text in (c.name, *c.aliases))
    for m in data.moments:
        yield m.title, m.title_spoiler
        yield from ((k, m.spoiler) for k in m.keywords)
    for fact in data.facts:
        yield fact.topic, fact.topic_spoiler
        yield fact.question, fact.topic_spoiler
        yield from ((k, fact.spoiler) for k in fact.keywords)
    for t in data.theories:
        yield t.title, t.title_spoiler
    yield from data.quote_topics
