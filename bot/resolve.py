"""Free-typed option values, resolved as the autocomplete would resolve them (pure: no discord, no SQL, no wording).

When a member picks from the autocomplete, Discord sends the choice's value (an id or key). A member may also type a
value and press Enter without picking; then Discord sends the text as typed. Each resolver here takes that text and
the rows the autocomplete offers, matches them the way the autocomplete filters them, and answers with a
``Resolution``: the one row meant, or the rows it could mean (ambiguous), or the nearest by spelling (nothing
matched). The cogs turn a resolution without a row into a private refusal, worded by ``bot.render.errors`` from the
rows, so the wording (and what it may show of a spoiler) stays in one place.

Names carry spoiler levels (issue 12): a resolver that can meet a name above the reader's level takes the reader's
policy (or the hidden names) and matches a piece of text, or suggests by spelling, only among what the reader may
see, exactly as the autocomplete offers; so the rows it could mean, or the nearest, are safe to list in a refusal
by their names as shown at that level. A value typed whole (an id, a full title) is still found: the member typed it.

One resolver per kind: ``topic`` (/quote), ``moment`` (/plot), ``progress_moment`` (/progress set, which matches only
spoiler-free names) and ``character`` (/character); theories (/theory show and poll, which also take the numbers
/theory list shows) are resolved in ``bot.polls`` with the helpers here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .models import Character, Moment, Policy, Quote
from .names import matching_moments, moment_name, title_shown
from .progress import filter_progress_moments, moment_safe_name
from .quotes import topic_counts
from .search import character_label, character_names, filter_characters, fold

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


def one_of(typed: str, matches: Sequence[T], near: Callable[[], Sequence[T]]) -> Resolution[T]:
    """The resolution of a list of matches: one is found, several are ambiguous, none asks for the nearest."""
    if len(matches) == 1:
        return Resolution(typed, matches[0])
    if matches:
        return Resolution(typed, could_mean=tuple(matches))
    return Resolution(typed, near=tuple(near()))


def _starts_word(needle: str, text: str) -> bool:
    return text.startswith(needle) or f" {needle}" in text


def word_then_inside(needle: str, rows: Sequence[T], texts: Callable[[T], Iterable[str]]) -> list[T]:
    """Rows with a text where ``needle`` starts a word; only when there are none, rows with it inside a word."""
    starts = [r for r in rows if any(_starts_word(needle, t) for t in texts(r))]
    return starts or [r for r in rows if any(needle in t for t in texts(r))]


def nearest(typed: str, rows: Sequence[T], texts: Callable[[T], Iterable[str]], n: int = NEAR) -> list[T]:
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


def topic(quotes: Sequence[Quote], typed: str, hidden: Collection[str] = ()) -> Resolution[Topic]:
    """The topic meant: its exact name, else the one topic the autocomplete offers (it offers those containing the
    text, never one in ``hidden``, the topics above the reader's level): one a word of which starts with it ("song":
    "the song"), else one with it inside a word. Only topics outside ``hidden`` are suggested."""
    needle = fold(typed)
    every = topics(quotes)
    exact = [t for t in every if t.name == needle]
    if not needle or exact:
        return Resolution(typed, exact[0] if exact else None)
    shown = [t for t in every if t.name not in hidden]
    matches = word_then_inside(needle, shown, lambda t: [t.name])
    return one_of(typed, matches, lambda: nearest(typed, shown, lambda t: [t.name]))


# -- /plot moment ---------------------------------------------------------------------------------------------------


def moment(moments: Sequence[Moment], typed: str, policy: Policy) -> Resolution[Moment]:
    """The moment meant: its id, number, title or either name (what the autocomplete sends, or typed whole), else the
    one moment the autocomplete would offer at ``policy`` (``bot.names.matching_moments``: a hidden title is never
    matched in part); among several, the one whose visible title holds the text if it is the only such one. Only
    visible titles are suggested by spelling."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    wanted = number(typed)
    for m in moments:
        if needle in (m.id, fold(m.title), fold(moment_name(m).text), fold(m.safe_name)) or wanted == m.position:
            return Resolution(typed, m)
    if wanted is not None:
        return Resolution(typed)
    found = matching_moments(moments, needle, policy)
    by_title = [m for m in found if title_shown(m, policy) and needle in fold(m.title)]
    if len(found) > 1 and len(by_title) == 1:
        return Resolution(typed, by_title[0])
    visible = [m for m in moments if title_shown(m, policy)]
    return one_of(typed, found, lambda: nearest(typed, visible, lambda m: [fold(m.title), m.id.replace("-", " ")]))


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
    return one_of(typed, matches, list)


# -- /character name ------------------------------------------------------------------------------------------------


def character(characters: Sequence[Character], typed: str) -> Resolution[Character]:
    """The character meant: an exact name, actor, alias, id or label, else the one the autocomplete would offer."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    for c in characters:
        if needle in character_names(c) or needle == fold(character_label(c)):
            return Resolution(typed, c)
    return one_of(typed, filter_characters(characters, needle), lambda: nearest(typed, characters, character_names))


# -- lists of items ------------------------------------------------------------------------------------------------


def split_items(text: str) -> list[str]:
    """Comma-separated items, trimmed, empty ones dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]
