"""The bot under test: running in this process against a stand-in, or in a child process as a user starts it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from bot.client import StrangersBot
from bot.settings import Settings
from standin import StandIn
from standin.harness import running_client
from standin.process import ChildProcess, launch_command, launch_env
from standin.process import run_to_end as run_command

OUR_SETTINGS = ("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_", "FACTS_", "STANDIN_", "BACKUP_", "SHARD_")
BOT = launch_command("bot.__main__")  # the bot's real entry point, discord.py pointed at the stand-in


@asynccontextmanager
async def running_bot(standin: StandIn, settings: Settings, *, timeout: float = 30.0) -> AsyncIterator[StrangersBot]:
    """The real bot started in this process against ``standin`` and ready; closed cleanly afterwards."""
    settings = replace(settings, token=standin.token)
    # The stand-in sends every GUILD_CREATE at once: no need for discord.py's 2 s wait after them.
    async with running_client(
        standin, lambda: StrangersBot(settings, guild_ready_timeout=0.01), timeout=timeout
    ) as bot:
        yield bot


def bot_env(database: Path, standin: StandIn | None = None, **extra: str) -> dict[str, str]:
    """This environment without any of the bot's settings, then the database, and the stand-in if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_SETTINGS)}
    env |= {"DISCORD_TOKEN": standin.token if standin else "", "DATABASE_PATH": str(database)}
    return launch_env(env, standin) | extra


def bot_process(env: dict[str, str], cwd: Path, *, preexec: Callable[[], None] | None = None) -> ChildProcess:
    """``async with bot_process(env, cwd) as bot:`` the bot in a child process; leaving kills it if still running."""
    return ChildProcess(BOT, env=env, cwd=cwd, preexec=preexec)


async def run_to_end(
    env: dict[str, str], cwd: Path, *, command: list[str] = BOT, preexec: Callable[[], None] | None = None
) -> tuple[int, str, str]:
    """The bot (or ``command``) in a child process until it ends: its exit code, standard output and error."""
    return await run_command(command, env=env, cwd=cwd, preexec=preexec)
