"""Where commands may be used: the read-only ones anywhere, the moderators' ones only in servers that invited the bot.

Discord asks each command where it can be installed (a server, or a member's own account) and used (a server, the
member's DM with the bot, a group DM or a DM between friends). Outside a server that invited the bot there is no
server setting, so ``send.policy_for`` applies the strictest policy to what others can read.
"""

from __future__ import annotations

from typing import TypeVar

from discord import app_commands

T = TypeVar("T")

# For an ``app_commands.Group`` (a decorator cannot reach a group's class attributes).
EVERYWHERE_INSTALLS = app_commands.AppInstallationType(guild=True, user=True)
EVERYWHERE_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
SERVER_INSTALLS = app_commands.AppInstallationType(guild=True, user=False)
SERVER_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


def usable_anywhere(command: T) -> T:
    """A read-only command: installed to a server or a member's account; used in servers, DMs and group DMs."""
    installs = app_commands.allowed_installs(guilds=True, users=True)
    contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    return installs(contexts(command))
