"""The checks every feature shares: in a server, and a moderator. Each raises ``UserError`` with one wording."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from .errors import UserError
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
