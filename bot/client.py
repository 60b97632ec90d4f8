"""The Bot subclass: owns the store and the film's facts, loads the cogs, syncs commands only when they change."""

from __future__ import annotations

import hashlib
import json
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs

from .answers import Answer
from .errors import UserFacingError
from .facts import load_facts
from .models import FilmData
from .replies import AnswerBuilder, RevealButton
from .search import Searcher, index_rows
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)

INTENTS = discord.Intents(guilds=True)  # slash commands and components need nothing privileged
# The bot never joins voice, so discord.py's start-up warnings about missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False
SORRY = "Something went wrong on our side while answering that. It has been logged; please try again in a moment."


class StrangersBot(commands.Bot):
    store: Store
    film: FilmData
    searcher: Searcher

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=INTENTS,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.tree.on_error = self.on_app_command_error
        self.synced: bool | None = None  # after start-up: True if the command set changed and was synced
        # Rebuild an answer from its reveal key ("moment:diner"); each cog registers the kinds it answers.
        self.answer_builders: dict[str, AnswerBuilder] = {}

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.database_path)
        loaded = load_facts(self.settings.facts_path)
        if await self.store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data)):
            log.info("Loaded the film's facts from %s into the database", self.settings.facts_path)
        self.film = await self.store.load_film()
        self.searcher = Searcher.build(index_rows(self.film), film_title=self.film.film.title)
        self.add_dynamic_items(RevealButton)
        for module in sorted(m.name for m in pkgutil.iter_modules(cogs.__path__)):
            await self.load_extension(f"cogs.{module}")
        self.synced = await self.sync_commands_if_changed()

    def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
        return sorted((c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)), key=lambda c: c["name"])

    async def sync_commands_if_changed(self) -> bool:
        """Sync the tree (to DEV_GUILD_ID if set, else globally) only when its hash differs from the last sync."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = self.command_payload(guild)
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        target = str(guild.id) if guild else "global"
        if await self.store.synced_commands(target) == digest:
            log.info("Application commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.store.remember_synced_commands(target, digest)
        log.info("Synced %d application commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")
        return True

    async def close(self) -> None:
        await super().close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()

    async def rebuild_answer(self, key: str) -> Answer | None:
        kind, _, argument = key.partition(":")
        builder = self.answer_builders.get(kind)
        return await builder(argument) if builder else None

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await self.report_error(interaction, error)

    async def report_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """The one place errors become answers: members' mistakes politely, our bugs logged with a traceback.

        Slash commands reach it through the tree's error hook; buttons call it from their callbacks.
        """
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            message = original.message
        elif isinstance(error, app_commands.MissingPermissions):
            message = (
                "Only members who can "
                + " and ".join(p.replace("_", " ").title() for p in error.missing_permissions)
                + " can use this command."
            )
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = "This command only works inside a server."
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = f"Slow down a little: try again in {error.retry_after:.0f} seconds."
        elif isinstance(error, app_commands.CheckFailure):
            message = "You can't use this command here."
        else:
            where = f"/{interaction.command.qualified_name}" if interaction.command else "a component"
            log.error("Error in %s", where, exc_info=original)
            message = SORRY
        await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Answer only the person who asked, whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id, exc_info=True)
