"""Moments by name for a reader: what they may see of each title, and matching that never answers a question (pure).

A moment's title has its own level (``title_spoiler`` in the facts file). Where the reader's policy hides it, the
moment is offered and named by its spoiler-free form ("Moment 20 (ending)"), and its value is its number (an id such
as "the-power-of-love" says as much as the title). What a member types is matched only against what they may see:
a visible title and id, keywords of a scene they may read, the number and the spoiler-free form; so typing "ghost"
or "dead" in a ``none`` channel finds nothing it should not, and the order is always the film's.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Moment, Policy
from .render.markup import Name
from .search import fold


def moment_name(moment: Moment) -> Name:
    return Name(f"{moment.position}. {moment.title}", moment.title_spoiler, moment.safe_name)


def title_shown(moment: Moment, policy: Policy) -> bool:
    return policy.shows(moment.title_spoiler)


def _texts(moment: Moment, policy: Policy) -> list[str]:
    texts = [str(moment.position), fold(moment.safe_name)]
    if title_shown(moment, policy):
        texts += [fold(moment_name(moment).text), moment.id, moment.id.replace("-", " ")]
        if policy.shows(moment.spoiler, moment.position):  # the scene's own words, only where it can be read
            texts += [fold(k) for k in moment.keywords]
    return texts


def matching_moments(moments: Sequence[Moment], typed: str, policy: Policy) -> list[Moment]:
    """The moments matching what was typed, in film order: a match starts a word ("din" finds "The diner"); only
    when nothing starts that way do matches inside words count."""
    needle = fold(typed).lstrip("#")
    if not needle:
        return list(moments)
    texts = [(m, _texts(m, policy)) for m in moments]
    starts = [m for m, ts in texts if any(t.startswith(needle) or f" {needle}" in t for t in ts)]
    return starts or [m for m, ts in texts if any(needle in t for t in ts)]


def moment_choices(moments: Sequence[Moment], typed: str, policy: Policy) -> list[tuple[str, str]]:
    """Autocomplete for a moment: (name, value) pairs, the name as the reader may see it."""
    return [
        (moment_name(m).shown(policy), m.id if title_shown(m, policy) else str(m.position))
        for m in matching_moments(moments, typed, policy)
    ]


def find_named_moment(moments: Sequence[Moment], typed: str, policy: Policy) -> Moment | None:
    """The moment a member picked or typed: its number, id, title or either name exactly, else the one visible match
    (or the one whose visible title contains it)."""
    needle = fold(typed)
    if not needle:
        return None
    number = needle.lstrip("#").rstrip(".")
    for m in moments:
        exact = (m.id, fold(m.title), fold(moment_name(m).text), fold(m.safe_name), str(m.position))
        if needle in exact or number == str(m.position):
            return m
    found = matching_moments(moments, needle, policy)
    if len(found) == 1:
        return found[0]
    by_title = [m for m in found if title_shown(m, policy) and needle in fold(m.title)]
    return by_title[0] if len(by_title) == 1 else None
