"""Director quotes: Andrew Haigh in his own words, by topic or search, without repeats in a channel."""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, bold
from bot.errors import UserFacingError
from bot.models import Quote
from bot.quotes import (
    LIST_TOPIC,
    SEARCH_MAX,
    TOPIC_MAX,
    choose_next,
    matching_quotes,
    normalise,
    plural,
    resolve_topic,
    search_terms,
    search_words,
    topic_choices,
    topic_counts,
)
from bot.replies import send_answer
from bot.spoilers import Segment, escape
from bot.text import shorten

if TYPE_CHECKING:
    from bot.client import StrangersBot

log = logging.getLogger(__name__)

ECHO_LIMIT = 100  # how much of a member's text is repeated back in an error message
TOPICS_IN_ERRORS = 25


def attribution(quote: Quote) -> str:
    return f"{quote.speaker}, to {quote.outlet}"


def echo(text: str) -> str:
    """A member's text shown back: one line, cut short, every markdown and mention character escaped."""
    return escape(shorten(text, ECHO_LIMIT))


class Quotes(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot
        self.rng = random.Random()  # seeded by the OS; only the pure tests seed their own

    async def cog_load(self) -> None:
        self.bot.answer_builders["quote"] = self.quote_answer

    async def cog_unload(self) -> None:
        self.bot.answer_builders.pop("quote", None)

    # -- answers ------------------------------------------------------------------------------------------------

    def answer_for(self, quote: Quote, footer: str) -> Answer:
        """The quote and our context at the quote's spoiler level; the attribution, spoiler-free, as the title."""
        return Answer(
            title=attribution(quote),
            blocks=[
                [Segment(f"“{quote.text}”", quote.spoiler)],
                [bold("Context"), Segment(quote.context, quote.spoiler)],
            ],
            footer=footer,
            reveal_key=f"quote:{quote.id}",
        )

    async def quote_answer(self, quote_id: str) -> Answer | None:
        """Rebuild a quote for the "Reveal to me" button (None if the quote is no longer in the facts)."""
        quote = self.bot.film.quote(quote_id)
        return None if quote is None else self.answer_for(quote, topics_footer(quote))

    def topics_answer(self) -> Answer:
        quotes = self.bot.film.quotes
        outlets = " and ".join(dict.fromkeys(q.outlet for q in quotes))
        return Answer(
            title=f"{self.bot.film.film.writer_director}: quotes by topic",
            blocks=[
                [Segment(f"{plural(len(quotes))}, from interviews with {outlets}.")],
                *([bold(escape(topic)), Segment(f"— {plural(count)}")] for topic, count in topic_counts(quotes)),
            ],
            footer="Pick one with /quote topic:<name>, or search the quotes' words with /quote search:<words>.",
        )

    def topic_list_sentence(self) -> str:
        counts = topic_counts(self.bot.film.quotes)
        listed = ", ".join(f"{topic} ({count})" for topic, count in counts[:TOPICS_IN_ERRORS])
        more = f" and {len(counts) - TOPICS_IN_ERRORS} more" if len(counts) > TOPICS_IN_ERRORS else ""
        return f"Topics: {escape(listed)}{more}."

    # -- the command --------------------------------------------------------------------------------------------

    @app_commands.command(
        name="quote",
        description="Andrew Haigh in his own words. Pick a topic or search; topic “list” shows every topic.",
    )
    @app_commands.describe(
        topic="A topic such as ending or parents; choose “list” to see every topic with its count",
        search="Words the quote must contain (up to 100 characters)",
    )
    async def quote(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, TOPIC_MAX] | None = None,
        search: app_commands.Range[str, 1, SEARCH_MAX] | None = None,
    ) -> None:
        """A quote from the director, never repeated in a channel until every quote has been shown there.

        Discord does not let a command both run by itself and have subcommands, so the listing of topics is
        `/quote topic:list` (the first entry the topic autocomplete offers) rather than `/quote list`.
        With a topic and/or a search, the quote comes from the matches, through the same rotation: asking
        again shows the next match. Without options, any quote; the rotation is kept in the database.
        """
        if topic is not None and normalise(topic) == LIST_TOPIC:
            await send_answer(interaction, self.topics_answer())
            return
        candidates, description = self.candidates(topic, search)
        all_ids = [q.id for q in self.bot.film.quotes]
        candidate_ids = [q.id for q in candidates]
        pick = await self.bot.store.take_next_quote(
            interaction.channel_id or 0, lambda shown: choose_next(all_ids, candidate_ids, shown, self.rng)
        )
        quote = self.bot.film.quote(pick.quote_id)
        if quote is None:  # choose_next only returns candidates, which all come from the facts in memory
            raise RuntimeError(f"the rotation picked an unknown quote {pick.quote_id!r}")
        if description:
            footer = f"{plural(len(candidates))} {description}" + (
                "; ask again for the next." if len(candidates) > 1 else "."
            )
        else:
            footer = topics_footer(quote)
        await send_answer(interaction, self.answer_for(quote, footer))

    def candidates(self, topic: str | None, search: str | None) -> tuple[list[Quote], str]:
        """The quotes matching the options and a short spoiler-free description of the filter (empty: none)."""
        quotes = self.bot.film.quotes
        wanted_topic: str | None = None
        parts: list[str] = []
        if topic is not None:
            if len(topic) > TOPIC_MAX:
                raise UserFacingError(f"A topic is at most {TOPIC_MAX} characters. {self.topic_list_sentence()}")
            wanted_topic = resolve_topic(quotes, topic)
            if wanted_topic is None:
                raise UserFacingError(
                    f"There is no quote topic called “{echo(topic)}”. {self.topic_list_sentence()} "
                    "Or choose “list” to see them with their counts."
                )
            parts.append(f"about {wanted_topic}")
        terms: list[str] = []
        if search is not None:
            if len(search) > SEARCH_MAX:
                raise UserFacingError(
                    f"Please keep the search to {SEARCH_MAX} characters or fewer (yours has {len(search)})."
                )
            terms = search_terms(search)
            if not terms:
                raise UserFacingError(
                    f"“{echo(search)}” has no words to look for (very common words are skipped). "
                    f"Try a word Haigh might use, such as love or parents. {self.topic_list_sentence()}"
                )
            parts.append(f"with “{shorten(' '.join(search_words(search)), 60)}”")
        found = matching_quotes(quotes, wanted_topic, terms)
        if not found:  # only a search can come up empty: every topic offered has quotes
            where = f" about {wanted_topic}" if wanted_topic else ""
            raise UserFacingError(
                f"No quote{where} has all the words of “{echo(search or '')}”. {self.topic_list_sentence()}"
            )
        return found, " ".join(parts)

    @quote.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Topics present, with their counts; "list" first. Cheap: the quotes are in memory; never raises."""
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in topic_choices(self.bot.film.quotes, current[:TOPIC_MAX])
        ]


def topics_footer(quote: Quote) -> str:
    return f"Topics: {', '.join(quote.topics)}. /quote topic:list shows every topic."


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Quotes(bot))
