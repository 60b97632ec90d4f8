"""The checks every feature shares: in a server, a moderator, and the bot's own permissions where it must act later.
Each raises ``UserError`` with one wording."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from .errors import UserError
from .permissions import (
    EMBED_LINKS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Job,
    Need,
    Refusal,
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


def _where(channel: object) -> tuple[bool, int | None]:
    """Is it a thread, and which channel's permissions does it follow (its parent's)?"""
    if isinstance(channel, discord.Thread):
        return True, channel.parent_id
    return False, None


def bot_lacks(interaction: discord.Interaction[Any], job: Job) -> tuple[Need, ...]:
    """What the bot lacks in the interaction's channel to do ``job`` later, on its own (from ``app_permissions``)."""
    in_thread, _parent = _where(interaction.channel)
    return missing(interaction.app_permissions.value, job, in_thread=in_thread)


def require_bot_can_update_poll(interaction: discord.Interaction[Any]) -> None:
    """Refuse to open a poll whose message the bot could not update when it closes, saying what to grant."""
    lacking = bot_lacks(interaction, Job.UPDATE_POLL)
    if lacking:
        channel_id = interaction.channel_id or 0
        _thread, parent_id = _where(interaction.channel)
        raise UserError(errors.poll_cannot_close_here(channel_id, parent_id, lacking))


def explain_refusal(
    client: discord.Client, channel_id: int, error: discord.HTTPException, job: Job
) -> tuple[Refusal, tuple[Need, ...], int | None]:
    """Why Discord refused ``job`` in a channel: its own code, what the bot lacks there now (from the gateway's
    view of the channel's overwrites) and the parent channel a thread follows."""
    refused = refusal(error.status, error.code)
    channel = client.get_channel(channel_id)
    in_thread, parent_id = _where(channel)
    lacking: tuple[Need, ...] = ()
    if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        lacking = missing(channel.permissions_for(channel.guild.me).value, job, in_thread=in_thread)
        if any(n in lacking for n in (SEND_MESSAGES, SEND_MESSAGES_IN_THREADS)):
            # discord.py applies the implicit denials: Embed Links shows as missing because sending is
            lacking = tuple(n for n in lacking if n != EMBED_LINKS)
    if refused is Refusal.MISSING_ACCESS:
        lacking = (VIEW_CHANNEL,)
    elif refused is Refusal.MISSING_PERMISSIONS:
        lacking = tuple(n for n in lacking if n != VIEW_CHANNEL) or needs(job, in_thread=in_thread)[1:]
    return refused, lacking, parent_id
