"""The buttons every feature shares: "Reveal to me" (alive across restarts) and a refusal for any id not ours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from bot.components import UnknownButton
from bot.send import RevealButton

if TYPE_CHECKING:
    from bot.client import StrangersBot


class Reveal(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RevealButton, UnknownButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RevealButton, UnknownButton)


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Reveal(bot))
