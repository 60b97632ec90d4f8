"""/progress: each member says how far they have watched, so answers only they see can show more of the film."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import resolve
from bot.anywhere import EVERYWHERE_CONTEXTS, EVERYWHERE_INSTALLS
from bot.errors import UserError
from bot.models import Level, Watched
from bot.options import MemberText
from bot.progress import (
    WATCHED_NAMES,
    filter_progress_moments,
    moment_safe_name,
    moment_value,
    seen_level,
)
from bot.render import progress as text
from bot.render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten
from bot.render.markup import Segment
from bot.send import send_answer, send_note

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

WATCHED_CHOICES = [app_commands.Choice(name=name, value=watched.value) for watched, name in WATCHED_NAMES.items()]


class ProgressCog(commands.Cog, name="Progress"):
    progress = app_commands.Group(
        name="progress",
        description="How far you have watched, so answers only you see can show more.",
        allowed_installs=EVERYWHERE_INSTALLS,
        allowed_contexts=EVERYWHERE_CONTEXTS,
    )

    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    @progress.command(name="set", description="Say how far you have watched (kept until /progress clear).")
    @app_commands.describe(
        watched="Not seen it, part way, or seen it all",
        moment="With part way: the last moment you have seen (start typing; names never give anything away)",
    )
    @app_commands.choices(watched=WATCHED_CHOICES)
    async def set_progress(
        self,
        interaction: Interaction,
        watched: app_commands.Choice[str],
        moment: app_commands.Transform[str, MemberText("moment", max_length=100)] | None = None,
    ) -> None:
        kind = Watched(watched.value)
        moments = self.bot.film.moments
        found = None
        if moment is not None and moment.strip():
            if kind is not Watched.PART_WAY:
                raise UserError(text.MOMENT_NEEDS_PART_WAY)
            resolution = resolve.progress_moment(moments, moment)
            found = resolution.found
            if found is None:
                raise UserError(text.unresolved_moment(resolution, len(moments)))
        saved = await self.bot.store.set_progress(
            interaction.user.id, kind, found.id if found else None, self.bot.now()
        )
        level = seen_level(saved, moments) or Level.NONE
        await send_note(interaction, text.saved(saved, found, level, len(moments)))

    @set_progress.autocomplete("moment")
    async def moment_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=shorten(moment_safe_name(m), CHOICE_NAME_LIMIT), value=moment_value(m))
            for m in filter_progress_moments(self.bot.film.moments, current)[:CHOICES_LIMIT]
        ]

    @progress.command(name="show", description="How far you said you have watched, and what that shows you.")
    async def show(self, interaction: Interaction) -> None:
        saved = await self.bot.store.progress(interaction.user.id)
        moment = self.bot.film.moment(saved.moment_id) if saved and saved.moment_id else None
        level = seen_level(saved, self.bot.film.moments)
        answer = text.progress_answer(saved, moment, level, len(self.bot.film.moments))
        await send_answer(interaction, answer, ephemeral=True)

    @progress.command(name="clear", description="Delete your saved progress.")
    async def clear(self, interaction: Interaction) -> None:
        deleted = await self.bot.store.clear_progress(interaction.user.id)
        await send_note(interaction, [[Segment(text.CLEARED if deleted else text.NOTHING_TO_CLEAR)]])


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(ProgressCog(bot))
