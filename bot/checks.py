"""The checks every feature shares: in a server, a moderator, and the bot's own permissions where it must act later.
Each raises ``UserError`` with one wording."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from .errors import UserError
from .permissions import (
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Job,
    Need,
    Refusal,
    Shortfall,
    missing,
    needs,
    refusal,
)
from .render import errors


def guild_id(interaction: discord.Interaction[Any]) -> int:
    """The server an interaction came from, or a polite refusal where there is none (a DM)."""
    if interaction.guild_id is None:
        raise UserError(errors.SERVER_ONLY)
    return interaction.guild_id


def guild(interaction: discord.Interaction[Any]) -> discord.Guild:
    """The server an interaction came from, as the gateway keeps it."""
    if interaction.guild is None:
        raise UserError(errors.SERVER_ONLY)
    return interaction.guild


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    perms = interaction.permissions
    return perms.manage_channels or perms.administrator


def require_moderator(interaction: discord.Interaction[Any]) -> None:
    """Refuse anyone who cannot Manage Channels, before anything changes (commands and buttons alike)."""
    guild_id(interaction)
    if not is_moderator(interaction):
        raise UserError(errors.MODERATORS_ONLY)


def _moderator_check(interaction: discord.Interaction[Any]) -> bool:
    try:
        require_moderator(interaction)
    except UserError as exc:
        # A check must raise discord's own type to reach the tree; the tree answers with the UserError inside.
        raise app_commands.CheckFailure(exc.message) from exc
    return True


# On moderator slash commands: runs before options are converted, so a member is refused before anything else.
moderators_only = app_commands.check(_moderator_check)


# -- the bot's own permissions ----------------------------------------------------------------------------------------


def _source(channel: object) -> tuple[bool, Any]:
    """Is it a thread, and the channel whose overwrites apply (a thread's parent)."""
    if isinstance(channel, discord.Thread):
        return True, channel.parent
    return False, channel


def _named(channel: object, lacking: tuple[Need, ...]) -> bool:
    """Does an overwrite for the bot itself (not its role) deny any of ``lacking`` in the channel?"""
    _thread, source = _source(channel)
    if not isinstance(source, discord.abc.GuildChannel):
        return False
    mine = source.overwrites_for(source.guild.me)
    return any(getattr(mine, need.flag) is False for need in lacking)


def _shortfall(channel: object, channel_id: int, lacking: tuple[Need, ...]) -> Shortfall:
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    return Shortfall(channel_id, lacking, parent_id, _named(channel, lacking))


def bot_lacks(interaction: discord.Interaction[Any], job: Job) -> Shortfall:
    """What the bot lacks in the interaction's channel to do ``job`` later, on its own (from ``app_permissions``,
    which Discord computes before its implicit denials: what the role lacks, not all that follows from it)."""
    in_thread, _parent = _source(interaction.channel)
    lacking = missing(interaction.app_permissions.value, job, in_thread=in_thread)
    return _shortfall(interaction.channel, interaction.channel_id or 0, lacking)


def require_bot_can_update_poll(interaction: discord.Interaction[Any]) -> None:
    """Refuse to open a poll whose message the bot could not update when it closes, saying what to grant."""
    short = bot_lacks(interaction, Job.UPDATE_POLL)
    if short:
        raise UserError(errors.poll_cannot_close_here(short))


def can_attach_files(client: discord.Client, channel_id: int) -> bool:
    """Whether the bot may attach files in a channel, from the gateway's view of its overwrites (True if unknown)."""
    channel = client.get_channel(channel_id)
    if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return channel.permissions_for(channel.guild.me).attach_files
    return True


def explain_refusal(
    client: discord.Client, channel_id: int, error: discord.HTTPException, job: Job
) -> tuple[Refusal, Shortfall]:
    """Why Discord refused ``job`` in a channel: its own code, and what the bot lacks there now (from the gateway's
    view of the channel's overwrites; discord.py applies the implicit denials, which are left out here)."""
    refused = refusal(error.status, error.code)
    channel = client.get_channel(channel_id)
    in_thread, _parent = _source(channel)
    lacking: tuple[Need, ...] = ()
    if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        lacking = missing(channel.permissions_for(channel.guild.me).value, job, in_thread=in_thread)
        if any(n in lacking for n in (SEND_MESSAGES, SEND_MESSAGES_IN_THREADS)):
            lacking = tuple(n for n in lacking if n != EMBED_LINKS)  # missing only because sending is
    if refused is Refusal.MISSING_ACCESS:  # the channel, or (to read a message) its history
        lacking = (READ_MESSAGE_HISTORY,) if lacking and lacking[0] == READ_MESSAGE_HISTORY else (VIEW_CHANNEL,)
    elif refused is Refusal.MISSING_PERMISSIONS:
        lacking = tuple(n for n in lacking if n != VIEW_CHANNEL) or needs(job, in_thread=in_thread)[1:]
    else:
        lacking = ()
    return refused, _shortfall(channel, channel_id, lacking)
