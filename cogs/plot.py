"""Plot lookup: the film card, the plot moment by moment, characters, free questions and the ending."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import resolve
from bot.anywhere import usable_anywhere
from bot.errors import UserError
from bot.models import FilmData
from bot.names import moment_choices, moment_name
from bot.options import MemberText, QuestionText
from bot.overload import heavy
from bot.render import ask, errors, film
from bot.render.answer import Answer
from bot.render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten
from bot.search import character_label, filter_characters
from bot.send import name_policy, send_answer

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

log = logging.getLogger(__name__)

SUGGESTIONS = 3


class Plot(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.answer_builders.update(
            moment=self.rebuild_moment,
            character=self.rebuild_character,
            ending=self.rebuild_ending,
            ask=self.rebuild_ask,
            plot=self.rebuild_overview,
        )

    async def cog_unload(self) -> None:
        for kind in ("moment", "character", "ending", "ask", "plot"):
            self.bot.answer_builders.pop(kind, None)

    @property
    def data(self) -> FilmData:
        return self.bot.film

    # ------------------------------------------------------------------------------------------------ /film

    @usable_anywhere
    @app_commands.command(name="film", description="The film card: title, year, director, source novel and cast.")
    async def film(self, interaction: Interaction) -> None:
        await send_answer(interaction, film.film_card(self.data))

    # ------------------------------------------------------------------------------------------------ /plot

    async def rebuild_overview(self, argument: str, guild_id: int | None) -> Answer | None:
        return film.plot_overview(self.data)

    async def rebuild_moment(self, argument: str, guild_id: int | None) -> Answer | None:
        moment = self.data.moment(argument)
        return film.moment_answer(self.data, moment) if moment else None

    @usable_anywhere
    @app_commands.command(name="plot", description="The plot: the premise and its moments, or one moment in context.")
    @app_commands.describe(moment="A moment of the film (start typing to filter them, in film order)")
    async def plot(
        self, interaction: Interaction, moment: app_commands.Transform[str, MemberText("moment")] | None = None
    ) -> None:
        if moment is None or not moment.strip():
            await send_answer(interaction, film.plot_overview(self.data))
            return
        policy = await name_policy(interaction)
        resolution = resolve.moment(self.data.moments, moment, policy)
        if resolution.found is None:
            raise UserError(errors.unresolved_moment(resolution, lambda m: moment_name(m).shown(policy)))
        await send_answer(interaction, film.moment_answer(self.data, resolution.found))

    @plot.autocomplete("moment")
    async def plot_moment_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        pairs = moment_choices(self.data.moments, str(current), await name_policy(interaction))
        return [
            app_commands.Choice(name=shorten(name, CHOICE_NAME_LIMIT), value=value)
            for name, value in pairs[:CHOICES_LIMIT]
        ]

    # ------------------------------------------------------------------------------------------------ /character

    async def rebuild_character(self, argument: str, guild_id: int | None) -> Answer | None:
        character = self.data.character(argument)
        return film.character_answer(character) if character else None

    @usable_anywhere
    @app_commands.command(name="character", description="Who a character is, who plays them and their story.")
    @app_commands.describe(name="A character or the actor who plays them (start typing: “Mescal” finds Harry)")
    async def character(self, interaction: Interaction, name: app_commands.Transform[str, MemberText("name")]) -> None:
        resolution = resolve.character(self.data.characters, name)
        if resolution.found is None:
            raise UserError(errors.unresolved_character(resolution))
        await send_answer(interaction, film.character_answer(resolution.found))

    @character.autocomplete("name")
    async def character_name_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=shorten(character_label(c), CHOICE_NAME_LIMIT), value=c.id)
            for c in filter_characters(self.data.characters, current)[:CHOICES_LIMIT]
        ]

    # ------------------------------------------------------------------------------------------------ /ask

    async def rebuild_ask(self, argument: str, guild_id: int | None) -> Answer | None:
        refs = film.parse_ask_key(argument)
        return None if refs is None else film.ask_answer(self.data, refs)

    @usable_anywhere
    @app_commands.command(name="ask", description="Ask a question about the film in your own words.")
    @app_commands.describe(question="Your question, e.g. “who plays Harry?” or “what song plays at the end?”")
    async def ask(self, interaction: Interaction, question: app_commands.Transform[str, QuestionText]) -> None:
        async with heavy(interaction):  # a search: a few at once per member, none for an expired interaction
            answer, found = await answer_question(self.bot, question)
            await send_answer(interaction, answer, ephemeral=not found)

    # ------------------------------------------------------------------------------------------------ /ending

    async def rebuild_ending(self, argument: str, guild_id: int | None) -> Answer | None:
        return film.ending_answer(self.data)

    @usable_anywhere
    @app_commands.command(name="ending", description="The ending explained: what happens, and what it might mean.")
    async def ending(self, interaction: Interaction) -> None:
        await send_answer(interaction, film.ending_answer(self.data))


async def answer_question(bot: StrangersBot, question: str) -> tuple[Answer, bool]:
    """/ask's answer to a question (also "Ask about this"), and whether the facts answered it."""
    verdict = bot.asker.ask(question)
    # The question is shown back at the level its own words give away, judged with the facts' vocabulary (its words
    # as the matcher read them too: a typo or slang for a spoiler word gives as much away).
    echo = bot.spoiler_terms.level(question, verdict.heard)
    return ask.reply(bot.film, question, verdict, echo)


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Plot(bot))
