"""Plot lookup: the film card, the plot moment by moment, characters, free questions and the ending."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer
from bot.replies import send_answer
from bot.spoilers import Segment

if TYPE_CHECKING:
    from bot.client import StrangersBot

log = logging.getLogger(__name__)


def bold(label: str) -> Segment:
    return Segment(f"**{label}**", escape=False)


class Plot(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    def film_card(self) -> Answer:
        film, data = self.bot.film, self.bot.film
        f = film.film
        cast = "; ".join(f"{c.actor} as {c.name}" for c in data.characters)
        return Answer(
            title=f"{f.title} ({f.year})",
            blocks=[
                [Segment(f.premise)],
                [],
                [bold("Written and directed by"), Segment(f.writer_director)],
                [
                    bold("Based on"),
                    Segment(f"{f.based_on_title}, the {f.based_on_year} novel by {f.based_on_author} (loosely)"),
                ],
                [bold("Cast"), Segment(cast)],
                [bold("Setting"), Segment(f.setting)],
                [bold("Distributor"), Segment(f.distributor)],
                [bold("Streaming on"), Segment(", ".join(f.streaming))],
                [bold("Recognition"), Segment(" ".join(f.recognition))],
                [bold("Also by the director"), Segment(", ".join(f.director_known_for))],
            ],
            footer="Spoiler-free. Try /plot, /character, /ask or /ending.",
        )

    @app_commands.command(name="film", description="The film card: title, year, director, source novel and cast.")
    async def film(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, self.film_card())


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Plot(bot))
