"""Free-typed option values, resolved as the autocomplete would resolve them (pure: no discord, no SQL, no wording).

When a member picks from the autocomplete, Discord sends the choice's value (an id or key). A member may also type a
value and press Enter without picking; then Discord sends the text as typed. Each resolver here takes that text and
the rows the autocomplete offers, matches them the way the autocomplete filters them, and answers with a
``Resolution``: the one row meant, or the rows it could mean (ambiguous), or the nearest by spelling (nothing
matched). The cogs turn a resolution without a row into a private refusal, worded by ``bot.render.errors`` from the
rows, so the wording (and what it may show of a spoiler) stays in one place.

One resolver per kind: ``topic`` (/quote), ``moment`` (/plot), ``progress_moment`` (/progress set, which matches only
spoiler-free names), ``character`` (/character) and ``theory`` / ``theory_list`` (/theory show and poll, which also
take the numbers /theory list shows).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .models import Character, Moment, Quote
from .progress import filter_progress_moments, moment_safe_name
from .quotes import topic_counts
from .search import character_label, character_names, filter_characters, filter_moments, fold, moment_label

T = TypeVar("T")
NEAR = 3  # suggestions offered when nothing matched


@dataclass(frozen=True, slots=True)
class Resolution(Generic[T]):
    """What a typed value resolved to: ``found``, else ``could_mean`` (several matched) or ``near`` (none did)."""

    typed: str
    found: T | None = None
    could_mean: tuple[T, ...] = ()  # several rows matched and none stands out: the member has to choose
    near: tuple[T, ...] = ()  # nothing matched: the rows whose names are spelled most like it (maybe none)

    @property
    def ambiguous(self) -> bool:
        return self.found is None and len(self.could_mean) > 1


def _one(typed: str, matches: Sequence[T], near: Callable[[], Sequence[T]]) -> Resolution[T]:
    """The resolution of a list of matches: one is found, several are ambiguous, none asks for the nearest."""
    if len(matches) == 1:
        return Resolution(typed, matches[0])
    if matches:
        return Resolution(typed, could_mean=tuple(matches))
    return Resolution(typed, near=tuple(near()))


def _starts_word(needle: str, text: str) -> bool:
    return text.startswith(needle) or f" {needle}" in text


def _word_then_inside(needle: str, rows: Sequence[T], texts: Callable[[T], Iterable[str]]) -> list[T]:
    """Rows with a text where ``needle`` starts a word; only when there are none, rows with it inside a word."""
    starts = [r for r in rows if any(_starts_word(needle, t) for t in texts(r))]
    return starts or [r for r in rows if any(needle in t for t in texts(r))]


def _nearest(typed: str, rows: Sequence[T], texts: Callable[[T], Iterable[str]], n: int = NEAR) -> list[T]:
    """Up to ``n`` rows one of whose texts is spelled close to ``typed`` (difflib), closest first, once each."""
    spelled: dict[str, T] = {}
    for row in rows:
        for text in texts(row):
            spelled.setdefault(text, row)
    found: list[T] = []
    for close in difflib.get_close_matches(fold(typed), list(spelled), n=n * 3, cutoff=0.6):
        if spelled[close] not in found:
            found.append(spelled[close])
    return found[:n]


def number(typed: str) -> int | None:
    """A number as members write one from a list: ``3``, ``#3`` or ``3.``; None if it is not one."""
    text = typed.strip().removeprefix("#").removesuffix(".").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


# -- /quote topic ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    quotes: int  # how many quotes carry it


def topics(quotes: Sequence[Quote]) -> list[Topic]:
    """Every topic present with its number of quotes, most quotes first, then alphabetically."""
    return [Topic(name, count) for name, count in topic_counts(quotes)]


def topic(quotes: Sequence[Quote], typed: str) -> Resolution[Topic]:
    """The topic meant: its exact name, else the one topic the autocomplete offers (it offers those containing the
    text): one a word of which starts with it ("song": "the song"), else one with it inside a word."""
    needle = fold(typed)
    every = topics(quotes)
    exact = [t for t in every if t.name == needle]
    if not needle or exact:
        return Resolution(typed, exact[0] if exact else None)
    matches = _word_then_inside(needle, every, lambda t: [t.name])
    return _one(typed, matches, lambda: _nearest(typed, every, lambda t: [t.name]))


# -- /plot moment ---------------------------------------------------------------------------------------------------


def moment(moments: Sequence[Moment], typed: str) -> Resolution[Moment]:
    """The moment meant: its id (what the autocomplete sends), number, title or label, else the one moment the
    autocomplete would offer; among several, the one whose title holds the text if it is the only such one."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    wanted = number(typed)
    for m in moments:
        if needle in (m.id, fold(m.title), fold(moment_label(m))) or wanted == m.position:
            return Resolution(typed, m)
    if wanted is not None:
        return Resolution(typed)
    found = filter_moments(moments, needle)
    by_title = [m for m in found if needle in fold(m.title)]
    if len(found) > 1 and len(by_title) == 1:
        return Resolution(typed, by_title[0])
    return _one(typed, found, lambda: _nearest(typed, moments, lambda m: [fold(m.title), m.id.replace("-", " ")]))


def progress_moment(moments: Sequence[Moment], typed: str) -> Resolution[Moment]:
    """The moment a member says they have reached: its id (what the autocomplete sends), number or spoiler-free name,
    else the one spoiler-free name matching. Nothing is suggested by spelling: only numbers and safe names match."""
    text = typed.strip()
    if not text:
        return Resolution(typed)
    for m in moments:
        if text == m.id or fold(text) == fold(moment_safe_name(m)):
            return Resolution(typed, m)
    wanted = number(text)
    if wanted is not None:
        return Resolution(typed, next((m for m in moments if m.position == wanted), None))
    matches = filter_progress_moments(moments, text)
    return _one(typed, matches, list)


# -- /character name ------------------------------------------------------------------------------------------------


def character(characters: Sequence[Character], typed: str) -> Resolution[Character]:
    """The character meant: an exact name, actor, alias, id or label, else the one the autocomplete would offer."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    for c in characters:
        if needle in character_names(c) or needle == fold(character_label(c)):
            return Resolution(typed, c)
    return _one(typed, filter_characters(characters, needle), lambda: _nearest(typed, characters, character_names))


# -- /theory show, /theory poll -------------------------------------------------------------------------------------


class Theory(Protocol):
    """What resolving needs of a theory (``bot.polls.TheoryEntry``): its key and title."""

    @property
    def key(self) -> str: ...

    @property
    def title(self) -> str: ...


Th = TypeVar("Th", bound=Theory)


def _theory_texts(entry: Theory) -> list[str]:
    """What a theory's name is matched against: its title, and a curated theory's id as words. A member theory's key
    (``member:7``) is matched only whole, so "7" never finds it by accident."""
    texts = [fold(entry.title)]
    if ":" not in entry.key:
        texts.append(entry.key.replace("-", " "))
    return texts


def filter_theories(entries: Sequence[Th], typed: str) -> list[Th]:
    """The theories the autocomplete offers for ``typed``, in /theory list order: by number (as /theory list numbers
    them), by whole key, or by name (words starting with it first)."""
    needle = fold(typed)
    if not needle:
        return list(entries)
    wanted = number(typed)
    if wanted is not None:
        return [entries[wanted - 1]] if 1 <= wanted <= len(entries) else []
    exact = [e for e in entries if e.key.casefold() == needle]
    return exact or _word_then_inside(needle, entries, _theory_texts)


def theory(entries: Sequence[Th], typed: str) -> Resolution[Th]:
    """The theory meant: its number in /theory list, its key (what the autocomplete sends) or exact title, else the
    one theory whose name matches."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    for entry in entries:
        if needle in (entry.key.casefold(), fold(entry.title)):
            return Resolution(typed, entry)
    return _one(typed, filter_theories(entries, typed), lambda: _nearest(typed, entries, _theory_texts))


def split_items(text: str) -> list[str]:
    """Comma-separated items, trimmed, empty ones dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]


def theory_list(entries: Sequence[Th], text: str) -> list[Resolution[Th]]:
    """Each comma-separated item of ``text`` resolved on its own, in the order typed."""
    return [theory(entries, item) for item in split_items(text)]
