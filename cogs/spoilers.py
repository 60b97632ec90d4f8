"""/spoilers: moderators choose, per channel, how much of the film answers may show; anyone can ask why.

Who can use what. Discord applies ``default_member_permissions`` to a top-level command as a whole: subcommands
cannot carry their own. Setting it on ``/spoilers`` would hide ``/spoilers show`` from the very members it is for,
so the group sets none. Instead the group is guild-only, and every moderator subcommand (``set``, ``default``,
``reset``, ``list``) carries the bot's one moderator check (``bot.checks.moderators_only``): a member without Manage
Channels gets an ephemeral refusal from the command tree, and nothing changes. Server admins can still narrow who
sees ``/spoilers`` in Server Settings > Integrations; the bot's own check holds whatever they choose there.

Edge cases, and what happens:
- a category: refused politely (it has no chat of its own); Discord does not even offer one in the picker;
- a voice channel: its setting applies to the text chat inside it; a forum: to its posts (threads follow their
  parent unless they have their own setting);
- a channel of another server (by id): refused; the channel must be one this server has;
- a deleted channel or thread: its setting is removed when Discord says so (logged, with the bot as the one who
  changed it); a setting whose channel vanished while the bot was away is listed as "not found";
- a server the bot left: its settings are kept, so they apply again if the bot is invited back;
- two moderators at once: the store serialises the writes, the last one wins and both are logged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.anywhere import SERVER_CONTEXTS, SERVER_INSTALLS
from bot.checks import guild, moderators_only
from bot.errors import UserError
from bot.models import OPEN, Kind, Level, Place, Policy, Style
from bot.render import errors
from bot.render.answer import Answer, lines
from bot.render.spoiler_settings import (
    LEVEL_CHOICES,
    STYLE_CHOICES,
    already_set,
    default_text,
    default_unchanged,
    explain,
    list_text,
    nothing_to_reset,
    reset_text,
    set_text,
)
from bot.send import send_answer

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

log = logging.getLogger(__name__)

TITLE = "Spoiler settings"
CHANGES_SHOWN = 10
THREADS = (discord.ChannelType.public_thread, discord.ChannelType.private_thread, discord.ChannelType.news_thread)
FORUMS = (discord.ChannelType.forum, discord.ChannelType.media)
VOICE = (discord.ChannelType.voice, discord.ChannelType.stage_voice)
CHATS = [discord.ChannelType.text, discord.ChannelType.news, *VOICE, *FORUMS, *THREADS]

LEVELS = [app_commands.Choice(name=name, value=value) for value, name in LEVEL_CHOICES]
STYLES = [app_commands.Choice(name=name, value=value) for value, name in STYLE_CHOICES]


def place_of(guild: discord.Guild, channel: Any, *, check_guild: bool = True) -> Place:
    """Where a setting goes, from a channel option or the interaction's channel; refuses what can't have one.

    Discord resolves a channel option with the invoking server's id whatever channel it is, so the guard that a
    channel belongs to this server (and still exists) is that this server's channels, as the gateway keeps them
    up to date, include it. ``check_guild=False`` for a channel already known to be this server's.
    """
    ctype = getattr(channel, "type", None)
    if check_guild and guild.get_channel_or_thread(channel.id) is None:
        raise UserError(errors.NOT_THIS_SERVER)
    if ctype in THREADS:
        parent_id = getattr(channel, "parent_id", None)
        parent = guild.get_channel(parent_id) if parent_id else None
        kind = Kind.POST if parent is not None and parent.type in FORUMS else Kind.THREAD
        return Place(channel.id, kind, parent_id)
    if ctype is discord.ChannelType.category:
        raise UserError(errors.category_refused(channel.id))
    if ctype in VOICE:
        return Place(channel.id, Kind.VOICE)
    if ctype in FORUMS:
        return Place(channel.id, Kind.FORUM)
    return Place(channel.id, Kind.TEXT)


class ChatChannel(app_commands.Transformer):
    """A channel option listing only places with a chat (no categories), turned into a checked ``Place``."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return CHATS

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Place:
        server = guild(interaction)
        if value.type in THREADS and server.get_thread(value.id) is None:
            # Archived threads are not kept in the gateway's cache: ask Discord whether it exists, and where.
            return place_of(server, await _fetch_thread(interaction, server, value.id), check_guild=False)
        return place_of(server, value)


async def _fetch_thread(interaction: discord.Interaction[Any], guild: discord.Guild, thread_id: int) -> Any:
    try:
        thread = await interaction.client.fetch_channel(thread_id)
    except (discord.NotFound, discord.Forbidden):
        raise UserError(errors.NOT_THIS_SERVER) from None
    if getattr(getattr(thread, "guild", None), "id", None) != guild.id:
        raise UserError(errors.NOT_THIS_SERVER)
    return thread


class Spoilers(commands.Cog):
    spoilers = app_commands.Group(
        name="spoilers",
        description="How much of the film answers may show in each channel.",
        guild_only=True,
        allowed_installs=SERVER_INSTALLS,
        allowed_contexts=SERVER_CONTEXTS,
    )

    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    async def _say(self, interaction: Interaction, texts: list[str], *, ephemeral: bool) -> None:
        # Our own wording, channel and member mentions: no member-written text, nothing above any level.
        await send_answer(interaction, Answer(TITLE, lines(texts)), policy=OPEN, ephemeral=ephemeral)

    @spoilers.command(name="set", description="Moderators: choose how much of the film a channel may show.")
    @app_commands.describe(
        channel="The channel, voice channel, forum or thread to set",
        allowed="How much may be shown plainly there",
        style="How to hide what goes beyond it (default: the style the channel uses now)",
    )
    @app_commands.choices(allowed=LEVELS, style=STYLES)
    @moderators_only
    async def set_(
        self,
        interaction: Interaction,
        channel: app_commands.Transform[Place, ChatChannel],
        allowed: app_commands.Choice[str],
        style: app_commands.Choice[str] | None = None,
    ) -> None:
        server = guild(interaction)
        store = self.bot.store
        before = await store.policy(server.id, channel.id, channel.parent_id)
        new = Policy(Level.parse(allowed.value), Style(style.value) if style else before.style)
        old = await store.set_channel(server.id, channel.id, new, interaction.user.id, self.bot.now())
        if old == new:
            await self._say(interaction, already_set(channel, new), ephemeral=True)
            return
        await self._say(interaction, set_text(channel, new, before), ephemeral=False)

    @spoilers.command(name="default", description="Moderators: the setting for every channel without one of its own.")
    @app_commands.describe(
        allowed="How much may be shown plainly by default",
        style="How to hide what goes beyond it (default: keep the current style)",
    )
    @app_commands.choices(allowed=LEVELS, style=STYLES)
    @moderators_only
    async def default(
        self,
        interaction: Interaction,
        allowed: app_commands.Choice[str],
        style: app_commands.Choice[str] | None = None,
    ) -> None:
        server = guild(interaction)
        store = self.bot.store
        current = await store.guild_default(server.id)
        new = Policy(Level.parse(allowed.value), Style(style.value) if style else current.style)
        old = await store.set_default(server.id, new, interaction.user.id, self.bot.now())
        if old == new:
            await self._say(interaction, default_unchanged(new), ephemeral=True)
            return
        own = len(await store.channel_settings(server.id))
        await self._say(interaction, default_text(new, old, own), ephemeral=False)

    @spoilers.command(name="reset", description="Moderators: put a channel back on the server default.")
    @app_commands.describe(channel="The channel, voice channel, forum or thread to reset")
    @moderators_only
    async def reset(self, interaction: Interaction, channel: app_commands.Transform[Place, ChatChannel]) -> None:
        server = guild(interaction)
        store = self.bot.store
        old = await store.reset_channel(server.id, channel.id, interaction.user.id, self.bot.now())
        now = await store.policy(server.id, channel.id, channel.parent_id)
        if old is None:
            await self._say(interaction, nothing_to_reset(channel, now), ephemeral=True)
            return
        await self._say(interaction, reset_text(channel, old, now), ephemeral=False)

    @spoilers.command(name="show", description="What this channel (or another) may show, and why.")
    @app_commands.describe(channel="Another channel to ask about (default: this one)")
    async def show(
        self,
        interaction: Interaction,
        channel: app_commands.Transform[Place, ChatChannel] | None = None,
    ) -> None:
        server = guild(interaction)
        if channel is None:
            if interaction.channel is None:
                raise UserError(errors.CHANNEL_UNKNOWN)
            channel = place_of(server, interaction.channel, check_guild=False)
        policy = await self.bot.store.policy(server.id, channel.id, channel.parent_id)
        await self._say(interaction, explain(channel, policy), ephemeral=True)

    @spoilers.command(name="list", description="Moderators: every channel with its own setting, and the last changes.")
    @moderators_only
    async def list_(self, interaction: Interaction) -> None:
        server = guild(interaction)
        store = self.bot.store
        default = await store.guild_default(server.id)
        rows = await store.channel_settings(server.id)
        changes = await store.recent_changes(server.id, CHANGES_SHOWN)
        order = _channel_order(server)
        rows.sort(key=lambda r: order.get(r.channel_id, float("inf")))
        settings = [(r.channel_id, Policy(r.allowed, r.style), _known_place(server, r.channel_id)) for r in rows]
        bot_id = self.bot.user.id if self.bot.user else 0
        text = list_text(default, settings, changes, shown=CHANGES_SHOWN, bot_id=bot_id)
        await self._say(interaction, text, ephemeral=True)

    # -- channels that go away -------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._forget(channel.guild.id, channel.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # The settings stay in the database (they apply again if the bot is invited back); the memory is freed.
        self.bot.store.forget_guild(guild.id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        # The raw event, so archived threads the bot never cached are cleaned up too.
        await self._forget(payload.guild_id, payload.thread_id)

    async def _forget(self, guild_id: int, channel_id: int) -> None:
        if self.bot.user is None:
            return
        old = await self.bot.store.reset_channel(guild_id, channel_id, self.bot.user.id, self.bot.now())
        if old is not None:
            log.info("Channel %s of guild %s was deleted; removed its spoiler setting", channel_id, guild_id)
        # Done: whoever keeps other per-channel state (and the tests) can wait for this instead of guessing.
        self.bot.dispatch("spoiler_channel_forgotten", guild_id, channel_id)


def _channel_order(guild: discord.Guild) -> dict[int, float]:
    """Channels in the order Discord's sidebar shows them; a thread just after its parent."""
    order: dict[int, float] = {}
    for category, channels in guild.by_category():
        for channel in ([category] if category else []) + list(channels):
            order[channel.id] = len(order)
    for thread in guild.threads:
        if thread.parent_id in order:
            order[thread.id] = order[thread.parent_id] + 0.5
    return order


def _known_place(guild: discord.Guild, channel_id: int) -> Place | None:
    channel = guild.get_channel_or_thread(channel_id)
    if channel is None:
        return None
    if channel.type is discord.ChannelType.category:  # `set` refuses categories; shown as they are all the same
        return Place(channel.id, Kind.CATEGORY)
    return place_of(guild, channel)


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Spoilers(bot))
