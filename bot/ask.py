"""Answering a member's free question from the film's facts, with a confidence it has earned (pure logic).

Questions and the facts' own text go through the same steps, so they meet in the same words: phrases that are one
idea ("how long", "came out") become one token, slang and spelling variants become the facts' words (the lexicon,
``data/lexicon.toml``), filler is dropped, typos are mended against the facts' vocabulary (rapidfuzz), and words are
stemmed (Snowball). Each entry is then scored on how closely the question matches one of the ways members ask about
it (``asks`` in the facts file, its question, title or names) and how much of the question its keywords cover. Words
the facts never use count against a match, so "who directed aftersun" is not answered with Haigh's credits. The best
score, less the part of the question the entry never speaks of, and its lead over the next entry decide between a
sure answer, a "did you mean", and an honest "that isn't in what I know".
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .models import FilmData

Ref = tuple[str, str]  # (kind, id): "fact", "character" or "moment", and the entry's id

_WORD = re.compile(r"[a-z0-9]+")
_NOT_WORDS = re.compile(r"<(?:[@#][!&]?|/[^:>]*:|a?:\w+:)\d+>|@(?:everyone|here)\b|\b(?:https?|ftp)://\S+")
SHORTEST_MENDED = 4  # shorter words are too ambiguous to mend: "son", "sun" and "sin" are all one letter apart
SHORTEST_MENDED_FILLER = 6  # "tall" is not a slip for "tell", but "charcter" is one for "character"
MEMO_SIZE = 4096

# How the three signals add up, and how entries of each kind are favoured on a near tie (facts answer questions).
# An entry's text does not add to its score (measured on the tuning half: it only made wrong answers surer), but
# it counts for coverage: an answer must speak of what the question asks.
PHRASING_WEIGHT = 0.7
KEYWORD_WEIGHT = 0.2
KIND_WEIGHT = {"fact": 1.0, "character": 0.9, "moment": 0.8}
LIGHT_WEIGHT = 0.35  # "who", "where": a hint of the kind of question, never the topic
UNKNOWN_WORD_WEIGHT = 1.0  # times the rarest word's weight: a word the facts never use is a strong "not this"
UNKNOWN_PENALTY = 1.0  # every score is scaled by (the known share of the question's weight) to this power
# The share of the question an entry speaks of anywhere, its text included: a small part of the score, so a question
# in words no phrasing uses still finds the entry that talks about them (measured blind on the tuning half: the right
# entry came first for 83.5 % of questions without it, 88 % with it and the generated phrasings below).
COVER_WEIGHT = 0.2


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a score becomes an answer: tuned on the tuning half of the question set only (see the README)."""

    sure: float = 0.7  # a sure answer's confidence: the best entry's score, less the part of the question it misses
    uncovered: float = 0.8  # how much missing the whole question's topic costs
    lead: float = 0.04  # and its lead over the best entry about something else
    close: float = 0.3  # below sure, at least this: "not sure, did you mean..."
    related: float = 0.45  # a related entry must score this much, and
    related_share: float = 0.7  # this share of the best


class Confidence(StrEnum):
    SURE = "sure"
    UNSURE = "unsure"  # close: offer two or three questions it can answer
    UNKNOWN = "unknown"  # nothing fits: say so


@dataclass(frozen=True, slots=True)
class Verdict:
    confidence: Confidence
    refs: tuple[Ref, ...] = ()  # SURE: the answer, then related entries; UNSURE: the candidates, best first
    scores: tuple[float, ...] = ()  # one per ref, for reports
    heard: tuple[str, ...] = ()  # the question's words as read (lexicon applied, typos mended), for spoiler judging

    @property
    def best(self) -> Ref | None:
        return self.refs[0] if self.refs else None


# ---------------------------------------------------------------- the lexicon (data)


class LexiconError(ConfigError):
    """The lexicon file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    filler: frozenset[str] = frozenset()
    light: frozenset[str] = frozenset()  # question words and the like: kept, lightly weighted
    unstemmed: frozenset[str] = frozenset()
    phrases: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    longest_phrase: int = 0


def packaged_lexicon() -> Path:
    """The lexicon that comes with the code: inside a built package, else the repository's ``data/lexicon.toml``."""
    installed = resources.files("bot").joinpath("data", "lexicon.toml")
    if installed.is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parents[1] / "data" / "lexicon.toml"


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read the lexicon (by default the packaged ``data/lexicon.toml``); errors name the file and the section."""
    path = path or packaged_lexicon()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"{path}: cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: is not valid UTF-8 TOML: {exc}") from None

    def word_list(name: str) -> frozenset[str]:
        value = doc.get("words", {}).get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LexiconError(f"{path}: [words] {name} must be a list of texts")
        return frozenset(w for v in value for w in _WORD.findall(v.lower()) if " " not in v)

    def table(name: str) -> dict[tuple[str, ...], tuple[str, ...]]:
        value = doc.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise LexiconError(f"{path}: [{name}] must map texts to texts")
        mapped = {tuple(tokens(k)): tuple(tokens(v)) for k, v in value.items()}
        if () in mapped:
            raise LexiconError(f"{path}: [{name}] has an entry with no words")
        return mapped

    phrases, synonyms = table("phrases"), table("synonyms")
    if any(len(k) != 1 for k in synonyms):
        raise LexiconError(f"{path}: [synonyms] maps single words; put several words under [phrases]")
    filler = word_list("filler")
    both = sorted(filler & {k[0] for k in synonyms})
    if both:
        raise LexiconError(f"{path}: {', '.join(both)}: both filler and a synonym; keep one")
    return Lexicon(
        filler=filler,
        light=word_list("light"),
        unstemmed=word_list("unstemmed"),
        phrases=phrases,
        longest_phrase=max((len(p) for p in phrases), default=0),
        synonyms={k[0]: v for k, v in synonyms.items()},
    )


def tokens(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped ("harry's" is "harrys", "what’s" is "whats").

    Mentions, custom emoji and links are not words of a question: "@everyone who plays harry <@123>" asks who
    plays Harry.
    """
    return _WORD.findall(_NOT_WORDS.sub(" ", text.lower()).replace("’", "'").replace("'", ""))


# ---------------------------------------------------------------- the matcher


@dataclass(frozen=True, slots=True)
class _Entry:
    ref: Ref
    phrasings: tuple[frozenset[str], ...]  # whole questions or names: matched as a whole
    keywords: frozenset[str]
    text: frozenset[str]
    everything: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Query:
    weights: dict[str, float]  # every term of the question, known or not
    known: frozenset[str]  # the terms the facts use
    norm: float
    known_share: float  # the weight of the question's terms the facts use, of all its terms
    heard: tuple[str, ...] = ()  # its words as read, unstemmed


def _english_stemmer() -> object:
    """Snowball's English stemmer, imported when the matcher is built (after start-up), not when the bot starts."""
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer("english")


@dataclass(slots=True)
class Asker:
    """Built once at start-up from the facts, their phrasings and the lexicon; answers questions in memory."""

    lexicon: Lexicon
    entries: tuple[_Entry, ...]
    weights: dict[str, float]  # each stemmed term's weight (rarer is heavier), question words light
    vocabulary: dict[str, int]  # every unstemmed word of the facts' own text, and how often: for typo mending
    postings: dict[str, tuple[int, ...]]  # term -> the entries that use it
    thresholds: Thresholds = field(default_factory=Thresholds)
    question_terms: frozenset[str] = frozenset()
    _by_ref: dict[Ref, _Entry] = field(default_factory=dict, repr=False)
    _stemmed_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _stemmer: object = field(default_factory=_english_stemmer, repr=False)
    _stems: dict[str, str] = field(default_factory=dict, repr=False)
    _mended: dict[str, str | None] = field(default_factory=dict, repr=False)
    unknown_weight: float = 1.0  # the weight of a word the facts never use
    phrase_entry: list[int] = field(default_factory=list, repr=False)  # each phrasing's entry (index in entries)
    phrase_norm: list[float] = field(default_factory=list, repr=False)
    phrase_postings: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    keyword_postings: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    # -------------------------------------------------------------- building

    @classmethod
    def build(
        cls,
        data: FilmData,
        phrasings: Mapping[Ref, Sequence[str]],
        lexicon: Lexicon,
        thresholds: Thresholds | None = None,
    ) -> Asker:
        asker = cls(lexicon, (), {}, {}, {}, thresholds or Thresholds())
        for word, meaning in lexicon.synonyms.items():
            asker._stemmed_synonyms.setdefault(asker.stem(word), meaning)
        raw: list[tuple[Ref, list[str], list[str], list[str]]] = []
        for fact in data.facts:
            ref = ("fact", fact.id)
            raw.append((ref, [fact.question, fact.topic, *phrasings.get(ref, ())], list(fact.keywords), [fact.answer]))
        for c in data.characters:
            ref = ("character", c.id)
            # "who is X" is the question the bot itself suggests for a character: every character is asked so
            names = [c.name, c.actor, *c.aliases, f"who is {c.name}", *phrasings.get(ref, ())]
            raw.append((ref, names, [c.name], [c.summary, *(s.text for s in c.arc)]))
        for m in data.moments:
            ref = ("moment", m.id)
            raw.append((ref, [m.title, *phrasings.get(ref, ())], list(m.keywords), [m.summary]))

        vocabulary: Counter[str] = Counter()
        for _, heads, keys, texts in raw:
            for text in (*heads, *keys, *texts):
                vocabulary.update(asker.words(text))
        asker.vocabulary = dict(vocabulary)

        entries: list[_Entry] = []
        for ref, heads, keys, texts in raw:
            heads_terms = tuple(t for t in (frozenset(asker.terms(h, mend=False)) for h in heads) if t)
            key_terms = frozenset(t for k in keys for t in asker.terms(k, mend=False))
            text_terms = frozenset(t for x in texts for t in asker.terms(x, mend=False))
            everything = frozenset().union(*heads_terms, key_terms, text_terms)
            entries.append(_Entry(ref, heads_terms, key_terms, text_terms, everything))
        asker.entries = tuple(entries)
        asker._by_ref = {e.ref: e for e in entries}

        # A term's weight: how few entries are about it (their phrasings and keywords), not how often their text
        # mentions it: nearly every answer names Adam, but only a few are about him.
        topical: Counter[str] = Counter(t for e in entries for t in frozenset().union(*e.phrasings, e.keywords))
        mentioned: Counter[str] = Counter(t for e in entries for t in e.everything)
        count = len(entries)
        asker.weights = {t: math.log(1 + count / (topical[t] or n)) for t, n in mentioned.items()}
        question_terms = asker.question_terms = frozenset(asker.stem(w) for w in lexicon.light)
        light = LIGHT_WEIGHT * max(asker.weights.values(), default=1.0)
        for t in question_terms:
            asker.weights[t] = light
        asker.unknown_weight = UNKNOWN_WORD_WEIGHT * max(asker.weights.values(), default=1.0)
        # Which entries, phrasings and keywords use each term: a question's score adds up along these.
        postings: dict[str, list[int]] = {}
        phrase_postings: dict[str, list[int]] = {}
        keyword_postings: dict[str, list[int]] = {}
        for index, e in enumerate(entries):
            for t in e.everything:
                postings.setdefault(t, []).append(index)
            for t in e.keywords:
                keyword_postings.setdefault(t, []).append(index)
            for phrase in e.phrasings:
                number = len(asker.phrase_entry)
                asker.phrase_entry.append(index)
                asker.phrase_norm.append(math.sqrt(sum(asker.weights[t] ** 2 for t in phrase)))
                for t in phrase:
                    phrase_postings.setdefault(t, []).append(number)
        asker.postings = {t: tuple(ix) for t, ix in postings.items()}
        asker.phrase_postings = {t: tuple(ix) for t, ix in phrase_postings.items()}
        asker.keyword_postings = {t: tuple(ix) for t, ix in keyword_postings.items()}
        return asker

    # -------------------------------------------------------------- words to terms

    def stem(self, word: str) -> str:
        stemmed = self._stems.get(word)
        if stemmed is None:
            stemmed = word if word in self.lexicon.unstemmed else str(self._stemmer.stemWord(word))  # type: ignore[attr-defined]
            if len(self._stems) < MEMO_SIZE:
                self._stems[word] = stemmed
        return stemmed

    def words(self, text: str) -> list[str]:
        """The text's words with the lexicon's phrases and synonyms applied, filler dropped (unstemmed)."""
        raw = tokens(text)
        out: list[str] = []
        i = 0
        longest = self.lexicon.longest_phrase
        while i < len(raw):
            for size in range(min(longest, len(raw) - i), 1, -1):
                replacement = self.lexicon.phrases.get(tuple(raw[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.extend(self._synonym(raw[i]))
                i += 1
        return [w for w in out if w not in self.lexicon.filler and (len(w) >= 2 or w.isdigit())]

    def _synonym(self, word: str) -> tuple[str, ...]:
        """What the lexicon reads a word as: itself, or its synonym, also for another form ("partners")."""
        found = self.lexicon.phrases.get((word,)) or self.lexicon.synonyms.get(word)
        if found is None and word not in self.vocabulary:
            found = self._stemmed_synonyms.get(self.stem(word))
        return (word,) if found is None else found

    def terms(self, text: str, *, mend: bool = True) -> list[str]:
        """The stemmed terms of a text; with ``mend``, misspelt words first become the facts' closest word."""
        return [self.stem(w) for w in (self.heard(text) if mend else self.words(text))]

    def heard(self, text: str) -> list[str]:
        """The text's words as the matcher reads them, unstemmed: misspelt words become the facts' closest word."""
        out: list[str] = []
        for word in self.words(text):
            mended = self.mend(word)
            if mended is not None and mended != word:
                if mended in self.lexicon.filler:
                    continue
                # a mended word may itself be slang for a word of the facts ("ketamin" -> "ketamine")
                out.extend(self._synonym(mended))
                continue
            out.append(word)
        return out

    def mend(self, word: str) -> str | None:
        """The word if the facts (or the lexicon) know it, else the closest such word, else None.

        Closest is fewest slips (a swap of neighbours is one) with the same first letter, or the first two swapped
        ("htis"): mending "weather" to "father" would turn any question into one about the film. Ties go to the word
        the facts use most, then the shorter, then alphabetically, so a question always gets the same answer.
        """
        if word in self.vocabulary or word in self.lexicon.synonyms or word.isdigit():
            return word
        if word in self._mended:
            return self._mended[word]
        limit = 0 if len(word) < SHORTEST_MENDED else 1 if len(word) <= 6 else 2
        best: tuple[int, int, int, str] | None = None
        if limit:
            from rapidfuzz import process  # loaded with the first word that needs mending, not at start-up
            from rapidfuzz.distance import OSA

            # Filler is a mending target too ("charcter" is "character", then dropped like it).
            choices = [*self.vocabulary, *self.lexicon.synonyms]
            if len(word) >= SHORTEST_MENDED_FILLER:
                choices += self.lexicon.filler
            for candidate, distance, _ in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                if len(candidate) < SHORTEST_MENDED or not _same_start(word, candidate):
                    continue
                key = (int(distance), -self.vocabulary.get(candidate, 0), len(candidate), candidate)
                if best is None or key < best:
                    best = key
        mended = best[3] if best else None
        if len(self._mended) < MEMO_SIZE:
            self._mended[word] = mended
        return mended

    # -------------------------------------------------------------- scoring

    def query(self, question: str) -> _Query:
        heard = self.heard(question)
        terms = [self.stem(w) for w in heard]
        weights = {t: self.weights.get(t, self.unknown_weight) for t in dict.fromkeys(terms)}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        known = frozenset(t for t in weights if t in self.weights)
        total = sum(weights.values())
        return _Query(weights, known, norm, sum(weights[t] for t in known) / total if total else 0.0, tuple(heard))

    def scores(self, query: _Query) -> dict[int, float]:
        """Each candidate entry's score (by index): its closest phrasing (cosine of weighted terms) and the share of
        the question its keywords cover, by kind, scaled down by the question's words the facts never use.
        Candidates share a topic word with the question; only when it has none, a light one ("what's it about").
        """
        if not query.norm:
            return {}
        topic = query.known - self.question_terms or query.known
        candidates = {i for t in topic for i in self.postings.get(t, ())}
        dots: dict[int, float] = {}
        keywords: dict[int, float] = {}
        cover: dict[int, float] = {}
        for t in query.known:
            w = query.weights[t]
            for index in self.postings.get(t, ()):
                cover[index] = cover.get(index, 0.0) + w
            product = w * self.weights[t]
            for number in self.phrase_postings.get(t, ()):
                dots[number] = dots.get(number, 0.0) + product
            for index in self.keyword_postings.get(t, ()):
                keywords[index] = keywords.get(index, 0.0) + w
        phrasing: dict[int, float] = {}
        for number, dot in dots.items():
            index = self.phrase_entry[number]
            cosine = dot / (query.norm * self.phrase_norm[number])
            if cosine > phrasing.get(index, 0.0):
                phrasing[index] = cosine
        total = sum(query.weights.values())
        scale = query.known_share**UNKNOWN_PENALTY
        scored: dict[int, float] = {}
        for i in candidates:
            mixed = PHRASING_WEIGHT * phrasing.get(i, 0.0) + KEYWORD_WEIGHT * keywords.get(i, 0.0) / total
            mixed += COVER_WEIGHT * cover.get(i, 0.0) / total
            scored[i] = mixed * KIND_WEIGHT.get(self.entries[i].ref[0], 1.0) * scale
        return scored

    def coverage(self, ref: Ref, query: _Query) -> float:
        """The share of the question's topic (its weight, light words aside) that an entry speaks of anywhere.

        Words the facts never use count as not covered: "how old is harry" is not answered by why Adam's parents
        look young just because "old" matches.
        """
        topic = {t: w for t, w in query.weights.items() if t not in self.question_terms}
        total = sum(topic.values())
        if not total:
            return 1.0
        return sum(w for t, w in topic.items() if t in self._by_ref[ref].everything) / total

    def ranked(self, question: str) -> list[tuple[float, Ref]]:
        """Every entry sharing a topic word with the question, best first (ties in a fixed order)."""
        return self._ranked(self.query(question))

    def _ranked(self, query: _Query) -> list[tuple[float, Ref]]:
        scored = [(score, self.entries[i].ref) for i, score in self.scores(query).items() if score > 0]
        return sorted(scored, key=lambda s: (-s[0], s[1]))

    def ask(self, question: str) -> Verdict:
        query = self.query(question)
        ranked = self._ranked(query)
        t = self.thresholds
        if not ranked or ranked[0][0] < t.close:
            return Verdict(Confidence.UNKNOWN, heard=query.heard)
        top, best = ranked[0]
        others = [(s, ref) for s, ref in ranked[1:] if ref[1] != best[1]]  # a fact and its moment are one topic
        runner_up = others[0][0] if others else 0.0
        confidence = top - t.uncovered * (1 - self.coverage(best, query))
        if confidence >= t.sure and top - runner_up >= t.lead:
            # Related entries must score well and be about everything the answer matched ("what killed harry"
            # relates to Harry's death, not to how Adam's parents died).
            topic = self._by_ref[best].everything & query.known - self.question_terms
            related = [
                (s, r)
                for s, r in others
                if s >= t.related and s >= t.related_share * top and topic <= self._by_ref[r].everything
            ][:2]
            chosen = [(top, best), *related]
            return Verdict(Confidence.SURE, tuple(r for _, r in chosen), tuple(s for s, _ in chosen), query.heard)
        close = [(top, best), *[(s, r) for s, r in others if s >= t.close]][:3]
        return Verdict(Confidence.UNSURE, tuple(r for _, r in close), tuple(s for s, _ in close), query.heard)


def _same_start(word: str, candidate: str) -> bool:
    return word[0] == candidate[0] or (len(word) > 1 and len(candidate) > 1 and word[:2] == candidate[1::-1])


def build_asker(data: FilmData, phrasings: Mapping[Ref, Sequence[str]], lexicon: Lexicon | None = None) -> Asker:
    return Asker.build(data, phrasings, lexicon or load_lexicon())
