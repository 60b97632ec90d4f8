"""Message menus ("Apps" on a message): "Ask about this" for everyone, anywhere; "Hide spoilers" for moderators."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.anywhere import EVERYWHERE_CONTEXTS, EVERYWHERE_INSTALLS, SERVER_CONTEXTS, SERVER_INSTALLS
from bot.errors import UserError
from bot.member_text import clean
from bot.models import HiddenMessage
from bot.options import QUESTION_LIMIT
from bot.overload import heavy
from bot.render import menus as text
from bot.render.limits import shorten
from bot.send import send_answer
from bot.tree import send_ephemeral

from .plot import answer_question

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

log = logging.getLogger(__name__)

ASK_ABOUT_THIS = "Ask about this"
HIDE_SPOILERS = "Hide spoilers"


class Menus(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot
        self.ask_menu = app_commands.ContextMenu(
            name=ASK_ABOUT_THIS,
            callback=self.ask_about_this,
            allowed_installs=EVERYWHERE_INSTALLS,
            allowed_contexts=EVERYWHERE_CONTEXTS,
        )
        self.hide_menu = app_commands.ContextMenu(
            name=HIDE_SPOILERS,
            callback=self.hide_spoilers,
            allowed_installs=SERVER_INSTALLS,
            allowed_contexts=SERVER_CONTEXTS,
        )
        self.hide_menu.default_permissions = discord.Permissions(manage_messages=True)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.ask_menu)
        self.bot.tree.add_command(self.hide_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(ASK_ABOUT_THIS, type=discord.AppCommandType.message)
        self.bot.tree.remove_command(HIDE_SPOILERS, type=discord.AppCommandType.message)

    async def ask_about_this(self, interaction: Interaction, message: discord.Message) -> None:
        """The message's text answered as an /ask question, privately (it may not be the asker's own words)."""
        question = shorten(clean(message.content or "", "message"), QUESTION_LIMIT)
        if not question:
            await send_ephemeral(interaction, text.NOTHING_TO_ASK)
            return
        async with heavy(interaction):  # the same search as /ask, under the same limit
            answer, _ = await answer_question(self.bot, question)
            await send_answer(interaction, answer, ephemeral=True)

    async def hide_spoilers(self, interaction: Interaction, message: discord.Message) -> None:
        """Re-post a member's message inside spoiler bars, naming its author without a ping, and remove the original."""
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            raise UserError(text.HIDE_MODERATORS_ONLY)
        if not interaction.permissions.manage_messages:
            raise UserError(text.HIDE_MODERATORS_ONLY)
        if self.bot.user is not None and message.author.id == self.bot.user.id:
            raise UserError(text.OWN_MESSAGE)
        if not message.content.strip():
            raise UserError(text.NOTHING_TO_HIDE)
        mine = interaction.app_permissions
        in_thread = isinstance(interaction.channel, discord.Thread)
        needed = {
            "manage_messages": mine.manage_messages,
            "send_messages_in_threads" if in_thread else "send_messages": (
                mine.send_messages_in_threads if in_thread else mine.send_messages
            ),
        }
        missing = [name for name, granted in needed.items() if not granted]
        if missing:
            raise UserError(text.bot_missing(missing))
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = message.channel
        posted: list[discord.Message] = []
        for part in text.repost(message.author.id, message.content):
            posted.append(await channel.send(part, allowed_mentions=discord.AllowedMentions.none()))
        try:
            await message.delete()
        except discord.HTTPException:
            log.warning("Could not remove message %d after hiding it; taking the copy down", message.id, exc_info=True)
            for copy in posted:
                await copy.delete()
            await interaction.edit_original_response(content=text.repost_orphaned(message.author.id))
            return
        hidden = HiddenMessage(
            interaction.guild_id,
            message.channel.id,
            message.id,
            posted[0].id,
            message.author.id,
            interaction.user.id,
            self.bot.now(),
        )
        await self.bot.store.log_hidden(hidden)
        log.info(
            "Moderator %d hid message %d by %d behind spoiler bars in channel %d of server %d",
            hidden.moderator_id,
            hidden.message_id,
            hidden.author_id,
            hidden.channel_id,
            hidden.guild_id,
        )
        await interaction.edit_original_response(content=text.hidden_done(message.author.id, len(posted)))


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Menus(bot))
