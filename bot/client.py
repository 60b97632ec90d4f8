"""The Bot subclass: owns the store and the film's facts, loads the cogs, syncs commands only when they change."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from .ask import Asker, build_asker
from .component_ids import RevealKey
from .facts import load_facts
from .models import FilmData
from .render.answer import Answer
from .search import index_rows
from .settings import Settings
from .store import Store
from .tree import StrangersTree

log = logging.getLogger(__name__)

INTENTS = discord.Intents(guilds=True)  # slash commands and components need nothing privileged
# The bot never joins voice, so discord.py's start-up warnings about missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False
# Every feature, in load order; the meta-test checks this names every module of the cogs package.
EXTENSIONS = (
    "cogs.menus",
    "cogs.plot",
    "cogs.progress",
    "cogs.quotes",
    "cogs.reveal",
    "cogs.spoilers",
    "cogs.theories",
)
# Rebuilds an answer from its reveal key's argument, for a press in a server (None: outside one).
AnswerBuilder = Callable[[str, int | None], Awaitable[Answer | None]]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StrangersBot(commands.Bot):
    store: Store
    film: FilmData
    asker: Asker

    def __init__(self, settings: Settings, *, clock: Clock = utc_now, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=INTENTS,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=StrangersTree,
            **options,
        )
        self.settings = settings
        self.now = clock  # every store write that records a time is given it from here
        self.synced: bool | None = None  # after start-up: True if the command set changed and was synced
        # Rebuild an answer from its reveal key ("moment:diner"); each cog registers the kinds it answers.
        self.answer_builders: dict[str, AnswerBuilder] = {}

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.database_path)
        loaded = load_facts(self.settings.facts_path)
        if await self.store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data)):
            log.info("Loaded the film's facts from %s into the database", self.settings.facts_path)
        self.film = await self.store.load_film()
        self.asker = build_asker(self.film, loaded.phrasings)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
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
        # discord.py leaves the wait that follows a READY running when a client closes; closed within
        # guild_ready_timeout of a READY (at start-up or after a new session), it would then dispatch on_ready
        # on a closed client and fail in the background. Stop that wait first.
        pending_ready = self._connection._ready_task
        if pending_ready is not None:
            pending_ready.cancel()
        await super().close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()

    async def rebuild_answer(self, key: RevealKey, guild_id: int | None) -> Answer | None:
        builder = self.answer_builders.get(key.kind)
        return await builder(key.argument, guild_id) if builder else None

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))
