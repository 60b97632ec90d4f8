"""Andrew Haigh's quotes: topics, word search and the no-repeat rotation (pure logic, no discord, no SQL).

The rotation: a channel's current round is the set of quotes already shown there (with when). A quote not yet
shown in the round is picked at random; once every quote has been shown, a new round starts, and it does not open
with the quote that closed the last one. A topic or search narrows the choice to its matches: unseen matches
first, then the match seen longest ago, so asking again walks through every match in turn without disturbing the
channel's round of all quotes.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from .models import Pick, Quote
from .render.limits import CHOICES_LIMIT
from .render.phrases import plural
from .search import STOPWORDS, fold, stem, words

LIST_TOPIC = "list"  # `/quote topic:list` shows every topic with its count (Discord allows no `/quote list` too)
LIST_CHOICE_NAME = "list — every topic with its count"
SEARCH_MAX = 100  # characters; Discord enforces it as max_length, the cog checks it again
TOPIC_MAX = 100  # the longest topic text accepted (a choice value can be no longer)


def topic_counts(quotes: Sequence[Quote]) -> list[tuple[str, int]]:
    """Every topic present with its number of quotes, most quotes first, then alphabetically."""
    counts = Counter(topic for q in quotes for topic in dict.fromkeys(q.topics))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def topic_choices(
    quotes: Sequence[Quote], typed: str, limit: int = CHOICES_LIMIT, hidden: Collection[str] = ()
) -> list[tuple[str, str]]:
    """Autocomplete for the topic option as (name, value) pairs, at most ``limit`` of them.

    The "list" entry comes first whenever what was typed could be the start of "list"; then the topics that
    contain the typed text, those starting with it first, each named with its count ("ending (2 quotes)"). Topics
    in ``hidden`` (above the reader's level) are never offered.
    """
    typed = fold(typed)
    choices: list[tuple[str, str]] = []
    if LIST_TOPIC.startswith(typed):
        choices.append((LIST_CHOICE_NAME, LIST_TOPIC))
    matching = [(topic, count) for topic, count in topic_counts(quotes) if typed in topic and topic not in hidden]
    matching.sort(key=lambda item: not item[0].startswith(typed))  # stable: keeps the count order within each
    choices += [(f"{topic} ({plural(count, 'quote')})", topic) for topic, count in matching]
    return choices[:limit]


def search_words(text: str) -> list[str]:
    """The words of a search worth looking for (no stopwords, no single letters), lowercased, once each, in order.

    Only letters and digits survive, so the result is safe to show anywhere without escaping.
    """
    return list(dict.fromkeys(w for w in words(text) if w not in STOPWORDS and len(w) >= 2))


def search_terms(text: str) -> list[str]:
    """The search words roughly stemmed ("parent" finds "parents"), once each, in order."""
    return list(dict.fromkeys(stem(w) for w in search_words(text)))


def quote_stems(quote: Quote) -> frozenset[str]:
    return frozenset(stem(word) for word in words(quote.text))


def matching_quotes(quotes: Sequence[Quote], topic: str | None = None, terms: Sequence[str] = ()) -> list[Quote]:
    """The quotes tagged with ``topic`` (if given) whose own words include every search term (if any)."""
    found = []
    for quote in quotes:
        if topic is not None and topic not in quote.topics:
            continue
        if terms and not set(terms) <= quote_stems(quote):
            continue
        found.append(quote)
    return found


def choose_next(
    all_ids: Sequence[str], candidates: Sequence[str], shown: Mapping[str, datetime], rng: random.Random
) -> Pick:
    """The next quote for a channel, among ``candidates`` (all quotes, or those matching a topic or search).

    ``shown`` holds the quotes of the channel's current round with when each was shown; ids no longer in
    ``all_ids`` (a quote removed from the facts file) are ignored.
    """
    if not candidates:
        raise ValueError("choose_next needs at least one candidate")
    unseen = [quote_id for quote_id in candidates if quote_id not in shown]
    if unseen:
        return Pick(rng.choice(unseen))
    if any(quote_id not in shown for quote_id in all_ids):
        # Every match was seen this round but the round is not over: the match seen longest ago.
        return Pick(min(candidates, key=lambda quote_id: shown[quote_id]))
    # Every quote has been shown: a new round, not opening with the quote that closed the last one.
    last = max(shown.items(), key=lambda item: item[1])[0] if shown else None
    fresh = [quote_id for quote_id in candidates if quote_id != last] or list(candidates)
    return Pick(rng.choice(fresh), new_round=True)
