"""Why the bot could not start, in one sentence a person can act on (``None``: a bug, shown with its traceback)."""

from __future__ import annotations

import os
import sqlite3

import aiohttp
import discord
from discord.ext import commands

from .errors import ConfigError
from .settings import Settings
from .store.base import explain_database_error
from .store.errors import StoreUnavailable

NEW_TOKEN = "reset the token in the Developer Portal (Bot -> Reset Token) and put the new one in .env"
# Gateway close codes that end a session for good (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
GATEWAY_REFUSALS = {
    4004: f"Discord's gateway refused DISCORD_TOKEN (close code 4004, authentication failed): {NEW_TOKEN}.",
    4010: "Discord's gateway refused the shard settings (close code 4010, invalid shard): check SHARD_COUNT and "
    "SHARD_IDS, or leave both empty.",
    4011: "Discord requires more shards for a bot in this many servers (close code 4011, at most 2,500 servers a "
    "shard): leave SHARD_COUNT empty to use the number Discord recommends, or raise it.",
    4012: "Discord's gateway refused this API version (close code 4012): update discord.py (pip install -U -e .).",
    4013: "Discord's gateway refused the bot's intents as invalid (close code 4013): update discord.py.",
    4014: (
        "Discord refused the privileged intents the bot asked for (close code 4014, disallowed intents): enable them "
        "in the Developer Portal (Bot -> Privileged Gateway Intents)."
    ),
}
CHECK_NETWORK = "check this machine's internet connection (and any firewall or proxy), then start the bot again"


def explain_start_failure(exc: BaseException, settings: Settings) -> str | None:
    if isinstance(exc, commands.ExtensionFailed):  # a cog's setup failed: explain what it met
        return explain_start_failure(exc.original, settings)
    if isinstance(exc, StoreUnavailable):
        return exc.detail
    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return explain_database_error(settings.database_path, exc)
    if isinstance(exc, discord.LoginFailure):
        return f"Discord rejected DISCORD_TOKEN. {NEW_TOKEN[0].upper()}{NEW_TOKEN[1:]}."
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return GATEWAY_REFUSALS[4014]
    if isinstance(exc, discord.ConnectionClosed):
        return GATEWAY_REFUSALS.get(
            exc.code,
            f"Discord's gateway closed the connection while starting (close code {exc.code}"
            + (f", {exc.reason}" if exc.reason else "")
            + "): start the bot again; if it keeps happening, check discordstatus.com.",
        )
    if isinstance(exc, discord.DiscordServerError):
        return (
            f"Discord answered with a server error ({exc.status}) while the bot was starting: Discord may be having "
            "an outage (discordstatus.com); start the bot again in a few minutes."
        )
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"Discord could not be reached: the name {exc.host} could not be looked up; {CHECK_NETWORK}."
    if isinstance(exc, aiohttp.ClientConnectorError):
        error = exc.os_error
        reason = os.strerror(error.errno) if error.errno else str(error)
        return f"Discord could not be reached at {exc.host} ({reason.lower()}); {CHECK_NETWORK}."
    if isinstance(exc, aiohttp.ClientError | OSError):
        return f"The connection to Discord failed while starting ({exc}); {CHECK_NETWORK}."
    if isinstance(exc, TimeoutError):
        return f"Discord did not answer in time; {CHECK_NETWORK}."
    return None
