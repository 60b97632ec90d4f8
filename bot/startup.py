"""Why the bot could not start, in one sentence a person can act on (``None``: a bug, shown with its traceback)."""

from __future__ import annotations

import sqlite3

import discord

from .errors import ConfigError
from .settings import Settings
from .store.base import explain_database_error
from .store.errors import StoreUnavailable


def explain_start_failure(exc: BaseException, settings: Settings) -> str | None:
    if isinstance(exc, StoreUnavailable):
        return exc.detail
    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return explain_database_error(settings.database_path, exc)
    if isinstance(exc, discord.LoginFailure):
        return (
            "Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal (Bot -> Reset Token) and put "
            "the new one in .env."
        )
    return None
