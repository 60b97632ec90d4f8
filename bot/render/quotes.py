"""What /quote says: a quote with its context, the list of topics, and the footers (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Film, Quote
from ..quotes import topic_counts
from .answer import Answer, bold
from .limits import shorten
from .markup import Segment, escape
from .phrases import plural

TOPICS_IN_ERRORS = 25


def attribution(quote: Quote) -> str:
    return f"{quote.speaker}, to {quote.outlet}"


def quote_answer(quote: Quote, footer: str) -> Answer:
    """The quote and our context at the quote's spoiler level; the attribution, spoiler-free, as the title."""
    return Answer(
        title=attribution(quote),
        blocks=[
            [Segment(f"“{quote.text}”", quote.spoiler)],
            [bold("Context"), Segment(quote.context, quote.spoiler)],
        ],
        footer=footer,
        reveal_key=f"quote:{quote.id}",
        layout=True,
    )


def topics_footer(quote: Quote) -> str:
    return f"Topics: {', '.join(quote.topics)}. /quote topic:list shows every topic."


def matches_footer(count: int, description: str) -> str:
    """How many quotes the options matched, and what they were."""
    return f"{plural(count, 'quote')} {description}" + ("; ask again for the next." if count > 1 else ".")


def filter_description(topic: str | None, search_words: Sequence[str]) -> str:
    """The filter in a few spoiler-free words (empty: no filter); search words are letters and digits only."""
    parts = []
    if topic is not None:
        parts.append(f"about {topic}")
    if search_words:
        parts.append(f"with “{shorten(' '.join(search_words), 60)}”")
    return " ".join(parts)


def topics_answer(film: Film, quotes: Sequence[Quote]) -> Answer:
    outlets = " and ".join(dict.fromkeys(q.outlet for q in quotes))
    return Answer(
        title=f"{film.writer_director}: quotes by topic",
        blocks=[
            [Segment(f"{plural(len(quotes), 'quote')}, from interviews with {outlets}.")],
            *([bold(escape(topic)), Segment(f"— {plural(count, 'quote')}")] for topic, count in topic_counts(quotes)),
        ],
        footer="Pick one with /quote topic:<name>, or search the quotes' words with /quote search:<words>.",
    )


def topic_list_sentence(quotes: Sequence[Quote]) -> str:
    """Every topic with its count, in one sentence, for refusals."""
    counts = topic_counts(quotes)
    listed = ", ".join(f"{topic} ({count})" for topic, count in counts[:TOPICS_IN_ERRORS])
    more = f" and {len(counts) - TOPICS_IN_ERRORS} more" if len(counts) > TOPICS_IN_ERRORS else ""
    return f"Topics: {escape(listed)}{more}."
