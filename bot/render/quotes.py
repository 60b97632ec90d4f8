"""What /quote says: a quote with its context, the list of topics, and the footers (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..models import Film, Level, Policy, Quote
from ..quotes import topic_counts
from .answer import Answer, bold
from .limits import shorten
from .markup import Block, Segment, escape
from .phrases import plural

TOPICS_IN_ERRORS = 25


def attribution(quote: Quote) -> str:
    return f"{quote.speaker}, to {quote.outlet}"


def hidden_topic(level: Level) -> str:
    return f"(a topic at spoiler level {level.label})"


def topics_line(quote: Quote, levels: Mapping[str, Level]) -> Block:
    """The quote's topics, each at its own level (a topic is a name: "coming out" tells the plot): those a reader may
    see first, the others after them, wrapped or left out as the channel's policy says."""
    line: list[Segment] = [bold("Topics:")]
    for level in Level:
        names = [t for t in quote.topics if levels.get(t, quote.spoiler) is level]
        if names:
            line.append(Segment(", ".join(names), level, safe=hidden_topic(level)))
    return line


def quote_answer(quote: Quote, footer: str, levels: Mapping[str, Level]) -> Answer:
    """The quote and our context at the quote's spoiler level, then its topics; the attribution, spoiler-free, as
    the title."""
    return Answer(
        title=attribution(quote),
        blocks=[
            [Segment(f"“{quote.text}”", quote.spoiler)],
            [bold("Context"), Segment(quote.context, quote.spoiler)],
            [],
            topics_line(quote, levels),
        ],
        footer=footer,
        reveal_key=f"quote:{quote.id}",
        layout=True,
    )


TOPICS_FOOTER = "/quote topic:list shows every topic; /quote search: finds words."


def matches_footer(count: int, description: str) -> str:
    """How many quotes the options matched, and what they were."""
    return f"{plural(count, 'quote')} {description}" + ("; ask again for the next." if count > 1 else ".")


def filter_description(
    topic: str | None, search_words: Sequence[str], *, topic_level: Level | None = None, words_shown: bool = True
) -> str:
    """The filter in a few spoiler-free words (empty: no filter); search words are letters and digits only. A topic
    above the channel's level (``topic_level`` given) is named by its level; search words that give the film away
    (``words_shown`` False) are not repeated in public."""
    parts = []
    if topic is not None:
        parts.append(f"about {topic}" if topic_level is None else f"about {hidden_topic(topic_level)}")
    if search_words:
        parts.append(f"with “{shorten(' '.join(search_words), 60)}”" if words_shown else "with your search words")
    return " ".join(parts)


def topics_answer(film: Film, quotes: Sequence[Quote], levels: Mapping[str, Level]) -> Answer:
    outlets = " and ".join(dict.fromkeys(q.outlet for q in quotes))

    def line(topic: str, count: int) -> Block:
        level = levels.get(topic, Level.ENDING)
        name = Segment(f"**{escape(topic)}**", level, escape=False, safe=hidden_topic(level))
        return [name, Segment(f"— {plural(count, 'quote')}")]

    return Answer(
        title=f"{film.writer_director}: quotes by topic",
        blocks=[
            [Segment(f"{plural(len(quotes), 'quote')}, from interviews with {outlets}.")],
            *(line(topic, count) for topic, count in topic_counts(quotes)),
        ],
        footer="Pick one with /quote topic:<name>, or search the quotes' words with /quote search:<words>.",
    )


def topic_list_sentence(quotes: Sequence[Quote], levels: Mapping[str, Level], policy: Policy) -> str:
    """Every topic the reader may see with its count, in one sentence, for refusals."""
    counts = [(t, n) for t, n in topic_counts(quotes) if policy.shows(levels.get(t, Level.ENDING))]
    listed = ", ".join(f"{topic} ({count})" for topic, count in counts[:TOPICS_IN_ERRORS])
    more = f" and {len(counts) - TOPICS_IN_ERRORS} more" if len(counts) > TOPICS_IN_ERRORS else ""
    return f"Topics: {escape(listed)}{more}."
