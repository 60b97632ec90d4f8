"""The command tree: the one place errors become answers.

A member's mistake (``UserError``, raised by a command, a check, a transformer or a button) is answered politely and
privately; discord.py's own refusals (missing permissions, cooldowns, DMs) likewise; anything else is logged with
its traceback and the member gets a short apology. Slash commands reach it through ``CommandTree.on_error``; the
persistent buttons (``bot.components.PersistentButton``) route their errors to ``answer_error`` too.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from .errors import UserError
from .overload import expired, is_expiry, note_expired
from .render import errors

log = logging.getLogger(__name__)


class StrangersTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError, /
    ) -> None:
        await answer_error(interaction, error)


def _cause(error: Exception) -> BaseException:
    """The exception that matters: discord.py wraps what a command or a transformer raised."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError | app_commands.CheckFailure) and isinstance(
        error.__cause__, UserError
    ):
        return error.__cause__
    return error


def _what(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    return f"/{command.qualified_name}" if command is not None else "a component"


async def answer_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Answer an error privately: members' mistakes politely, our own bugs logged with a traceback.

    An interaction Discord has already forgotten (the answer came too late, or would) is not answered: it is logged
    once and counted (``Limits.expired``, see ``bot.overload``)."""
    cause = _cause(error)
    if interaction.client.is_closed():  # cut short by closing (after its grace): no answer can be sent now
        log.warning("%s was cut short: the bot closed while answering (%s)", _what(interaction), type(cause).__name__)
        return
    if is_expiry(cause):
        note_expired(interaction, _what(interaction))
        return
    if isinstance(cause, UserError):
        message = cause.message
    elif isinstance(cause, app_commands.MissingPermissions):
        message = errors.missing_permissions(cause.missing_permissions)
    elif isinstance(cause, app_commands.NoPrivateMessage):
        message = errors.SERVER_ONLY
    elif isinstance(cause, app_commands.CommandOnCooldown):
        message = errors.slow_down(cause.retry_after)
    elif isinstance(cause, app_commands.TransformerError):  # a value no member's client sends (not a choice)
        message = errors.NOT_A_CHOICE
    elif isinstance(cause, app_commands.CheckFailure):
        message = errors.NOT_ALLOWED_HERE
    else:
        log.error("Error in %s", _what(interaction), exc_info=cause)
        message = errors.SORRY
    if expired(interaction):  # too late for any answer: trying would only fail again
        note_expired(interaction, _what(interaction))
        return
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Answer only the person who asked, whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException as exc:
        if is_expiry(exc):
            note_expired(interaction, _what(interaction))
            return
        log.warning("Could not deliver an error message for interaction %s", interaction.id, exc_info=True)
