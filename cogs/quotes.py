"""Director quotes: Andrew Haigh in his own words, by topic or search, without repeats in a channel."""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import resolve
from bot.anywhere import usable_anywhere
from bot.errors import UserError
from bot.models import Level, Policy, Quote
from bot.options import MemberText
from bot.quotes import (
    LIST_TOPIC,
    SEARCH_MAX,
    TOPIC_MAX,
    choose_next,
    matching_quotes,
    search_terms,
    search_words,
    topic_choices,
)
from bot.render import errors
from bot.render.answer import Answer
from bot.render.quotes import (
    TOPICS_FOOTER,
    filter_description,
    matches_footer,
    quote_answer,
    topic_list_sentence,
    topics_answer,
)
from bot.search import fold
from bot.send import name_policy, send_answer

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

log = logging.getLogger(__name__)


class Quotes(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot
        self.rng = random.Random()  # seeded by the OS; only the pure tests seed their own

    async def cog_load(self) -> None:
        self.bot.answer_builders["quote"] = self.quote_answer

    async def cog_unload(self) -> None:
        self.bot.answer_builders.pop("quote", None)

    async def quote_answer(self, quote_id: str, guild_id: int | None) -> Answer | None:
        """Rebuild a quote for the "Reveal to me" button (None if the quote is no longer in the facts)."""
        quote = self.bot.film.quote(quote_id)
        return None if quote is None else quote_answer(quote, TOPICS_FOOTER, self.levels)

    @property
    def levels(self) -> dict[str, Level]:
        """Every quote topic's level (a topic is a name: "coming out" tells the plot)."""
        return dict(self.bot.film.quote_topics)

    def topic_list_sentence(self, policy: Policy) -> str:
        return topic_list_sentence(self.bot.film.quotes, self.levels, policy)

    # -- the command --------------------------------------------------------------------------------------------

    @usable_anywhere
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
        interaction: Interaction,
        topic: app_commands.Transform[str, MemberText("topic", 1, TOPIC_MAX)] | None = None,
        search: app_commands.Transform[str, MemberText("search", 1, SEARCH_MAX)] | None = None,
    ) -> None:
        """A quote from the director, never repeated in a channel until every quote has been shown there.

        Discord does not let a command both run by itself and have subcommands, so the listing of topics is
        `/quote topic:list` (the first entry the topic autocomplete offers) rather than `/quote list`.
        With a topic and/or a search, the quote comes from the matches, through the same rotation: asking
        again shows the next match. Without options, any quote; the rotation is kept in the database.
        """
        if topic is not None and fold(topic) == LIST_TOPIC:
            await send_answer(interaction, topics_answer(self.bot.film.film, self.bot.film.quotes, self.levels))
            return
        candidates, description = self.candidates(topic, search, await name_policy(interaction))
        all_ids = [q.id for q in self.bot.film.quotes]
        candidate_ids = [q.id for q in candidates]
        pick = await self.bot.store.take_next_quote(
            interaction.channel_id or 0,
            lambda shown: choose_next(all_ids, candidate_ids, shown, self.rng),
            self.bot.now(),
        )
        quote = self.bot.film.quote(pick.quote_id)
        if quote is None:  # choose_next only returns candidates, which all come from the facts in memory
            raise RuntimeError(f"the rotation picked an unknown quote {pick.quote_id!r}")
        footer = matches_footer(len(candidates), description) if description else TOPICS_FOOTER
        await send_answer(interaction, quote_answer(quote, footer, self.levels))

    def candidates(self, topic: str | None, search: str | None, policy: Policy) -> tuple[list[Quote], str]:
        """The quotes matching the options and a short spoiler-free description of the filter (empty: none)."""
        quotes = self.bot.film.quotes
        wanted_topic: str | None = None
        if topic is not None:
            hidden = {name for name in self.levels if not self.shows(name, policy)}
            resolution = resolve.topic(quotes, topic, hidden)
            if resolution.found is None:
                raise UserError(errors.unresolved_topic(resolution, self.topic_list_sentence(policy)))
            wanted_topic = resolution.found.name
        terms: list[str] = []
        if search is not None:
            terms = search_terms(search)
            if not terms:
                raise UserError(errors.nothing_to_search(search, self.topic_list_sentence(policy)))
        found = matching_quotes(quotes, wanted_topic, terms)
        if not found:  # only a search can come up empty: every topic offered has quotes
            shown_topic = wanted_topic if wanted_topic is None or self.shows(wanted_topic, policy) else None
            refusal = errors.no_quote_found(search or "", shown_topic, self.topic_list_sentence(policy))
            raise UserError(refusal)
        words = search_words(search) if search is not None else []
        # The footer is public: a topic or words above the channel's level are not repeated there.
        level = None if wanted_topic is None or self.shows(wanted_topic, policy) else self.levels[wanted_topic]
        words_shown = policy.shows(self.bot.spoiler_terms.level(" ".join(words)))
        return found, filter_description(wanted_topic, words, topic_level=level, words_shown=words_shown)

    def shows(self, topic: str, policy: Policy) -> bool:
        return policy.shows(self.levels.get(topic, Level.ENDING))

    @quote.autocomplete("topic")
    async def topic_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Topics present, with their counts; "list" first. Cheap: the quotes are in memory; never raises."""
        policy = await name_policy(interaction)
        hidden = {topic for topic in self.levels if not self.shows(topic, policy)}
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in topic_choices(self.bot.film.quotes, current[:TOPIC_MAX], hidden=hidden)
        ]


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Quotes(bot))
