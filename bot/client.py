"""The Bot subclass: owns the store and the film's facts, loads the cogs, syncs commands only when they change."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from .component_ids import RevealKey
from .facts import parse_facts, parse_phrasings, read_facts
from .limits import Limits
from .models import FilmData, Shards
from .render.answer import Answer
from .search import index_rows
from .settings import Settings
from .spoiler_terms import SpoilerTerms
from .store import Store
from .tree import StrangersTree

if TYPE_CHECKING:
    from .ask import Asker

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
# Closing (SIGTERM, a restart) waits this long for answers already being given: their last requests (a poll's thread,
# a follow-up) would otherwise meet a closed connection and fail half done. discord.py names the tasks it runs them in.
ANSWERING = ("CommandTree-invoker", "discord-ui-view-dispatch-", "discord-ui-dynamic-item-", "discord-ui-modal-")
CLOSE_GRACE = 5.0  # seconds
IDENTIFY_WINDOW = 5.0  # Discord lets max_concurrency IDENTIFYs through per 5 s, one per bucket shard_id % it


def utc_now() -> datetime:
    return datetime.now(UTC)


class StrangersBot(commands.AutoShardedBot):
    """Sharded from the start: as many shards as Discord recommends (GET /gateway/bot), or SHARD_COUNT; with
    SHARD_IDS, only those shards, the rest of the cluster running in other processes."""

    store: Store
    film: FilmData

    def __init__(self, settings: Settings, *, clock: Clock = utc_now, **options: Any) -> None:
        if settings.shard_count is not None:
            options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", list(settings.shard_ids))
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
        self.limits = Limits()  # per-member limits on writes and heavy commands, and what they counted
        self._max_concurrency: int | None = None  # from GET /gateway/bot, asked the first time a shard must wait
        self._identified_at: dict[int, float] = {}  # time.monotonic() of each shard's last IDENTIFY

    def owned_shards(self) -> Shards:
        """The shards this process runs (known once it has connected: until then, as if it ran them all)."""
        count = self.shard_count or 1
        ids = self.shard_ids
        return Shards(count, frozenset(ids) if ids is not None and len(ids) < count else None)

    def owns(self, guild_id: int) -> bool:
        return self.owned_shards().owns(guild_id)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait as Discord's session start limit asks: IDENTIFYs in one bucket (``shard_id % max_concurrency``) at
        least 5 s apart, other buckets at once. (discord.py's own hook waits 5 s before every shard but the first:
        16 shards in 75 s, where a large bot's max_concurrency of 16 lets them all start at once.)"""
        shard = shard_id or 0
        if self._identified_at:
            concurrency = await self._identify_concurrency()
            same_bucket = [at for s, at in self._identified_at.items() if s % concurrency == shard % concurrency]
            if same_bucket:
                await asyncio.sleep(max(0.0, max(same_bucket) + IDENTIFY_WINDOW - time.monotonic()))
        self._identified_at[shard] = time.monotonic()

    async def _identify_concurrency(self) -> int:
        if self._max_concurrency is None:
            try:
                _, _, limits = await self.http.get_bot_gateway()
                self._max_concurrency = max(1, int(limits.get("max_concurrency", 1)))
            except discord.GatewayNotFound:
                log.warning("Could not read the session start limit; starting one shard every 5 seconds")
                self._max_concurrency = 1
        return self._max_concurrency

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.settings.database_path, database_url=self.settings.database_url)
        if not self.owned_shards().all:  # a cluster: members' progress is written by the other processes too
            self.store.share_progress()
        raw, digest = read_facts(self.settings.facts_path)
        self._facts_file = raw  # the asker reads its phrasings from the same bytes the facts came from
        if await self.store.facts_digest() != digest:  # parsed and checked only when it changed
            data = parse_facts(self.settings.facts_path, raw)
            await self.store.replace_facts(data, digest, index_rows(data))
            log.info("Loaded the film's facts from %s into the database", self.settings.facts_path)
        self.film = await self.store.load_film()
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
        if not hasattr(self, "_AutoShardedClient__queue"):
            # Closed without ever starting (discord.py makes the shards' event queue when the client starts, and its
            # close() posts to it): give it an empty one.
            setattr(self, "_AutoShardedClient__queue", asyncio.PriorityQueue())  # noqa: B010 (a mangled name)
        state = self._connection
        pending = [state._ready_task, *state._ready_tasks.values()]  # all shards' waits, then the one after them
        for task in pending:
            if task is not None:
                task.cancel()
        await self._finish_answers()
        await super().close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()

    async def _finish_answers(self) -> None:
        """Let the answers in flight finish (up to ``CLOSE_GRACE`` seconds) while the connection is still open."""
        here = asyncio.current_task()
        answering = [
            t for t in asyncio.all_tasks() if t is not here and not t.done() and t.get_name().startswith(ANSWERING)
        ]
        if not answering:
            return
        _, unfinished = await asyncio.wait(answering, timeout=CLOSE_GRACE)
        if unfinished:
            log.warning("Closing with %d answer(s) unfinished after %.0f s", len(unfinished), CLOSE_GRACE)

    async def rebuild_answer(self, key: RevealKey, guild_id: int | None) -> Answer | None:
        builder = self.answer_builders.get(key.kind)
        return await builder(key.argument, guild_id) if builder else None

    @cached_property
    def asker(self) -> Asker:
        """The /ask matcher over the facts and how members ask about them: built once the bot is ready (or when first
        needed), not on the way to the first answer, and its libraries imported only then."""
        from .ask import build_asker

        return build_asker(self.film, parse_phrasings(self.settings.facts_path, self._facts_file))

    @cached_property
    def spoiler_terms(self) -> SpoilerTerms:
        """The facts' vocabulary by spoiler level, built like ``asker``."""
        return SpoilerTerms.build(self.film)

    async def on_ready(self) -> None:
        self.asker, self.spoiler_terms  # noqa: B018 (built now, while the bot is idle, not by the first asker)
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))
