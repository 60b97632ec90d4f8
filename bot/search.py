"""Words of free text, the entries of the full-text index, and finding moments and characters by name (pure logic).

Free questions are answered by ``bot.ask``; this module keeps the small word helpers the quote search shares and the
name matching behind /plot and /character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .models import Character, FilmData, IndexRow

_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no topic of their own: dropped from quote searches.
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


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'").replace("'s ", " ").replace("'", ""))


def stem(word: str) -> str:
    """A deliberately small stemmer for the quote search (/ask has its own, in ``bot.ask``)."""
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def index_rows(data: FilmData) -> list[IndexRow]:
    """What each searchable entry contributes to the full-text table the store keeps beside the facts."""
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
