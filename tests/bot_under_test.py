"""The bot under test: running in this process against a stand-in, or in a child process as a user starts it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.client import StrangersBot
from bot.settings import DEFAULT_FACTS, Settings
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


# -- one stand-in and one bot for a whole test module -------------------------------------------------------------

Tidy = Callable[[StrangersBot, StandIn], Awaitable[None]]
MODERATOR_ID = 1  # who the tidy-up says reset a channel's setting (the change log needs someone)


def take_problems(standin: StandIn) -> None:
    """Fail if the stand-in saw the bot break a rule of Discord's since the last look; start afresh either way."""
    problems, standin.problems[:] = list(standin.problems), []
    assert problems == [], "the stand-in saw problems:\n" + "\n".join(problems)


async def reset_channel_settings(bot: StrangersBot, standin: StandIn) -> None:
    """Every channel back on the server default."""
    guild = standin.guild
    for setting in await bot.store.channel_settings(guild.id):
        await bot.store.reset_channel(guild.id, setting.channel_id, MODERATOR_ID, bot.now())


async def forget_progress(bot: StrangersBot, standin: StandIn) -> None:
    """The test server's member and moderator have said nothing about how far they have watched."""
    for user in (standin.world.member, standin.world.moderator):
        await bot.store.clear_progress(user.id)


def module_bot(name: str, *tidy: Tidy) -> tuple[Any, Any, Any, Any]:
    """Fixtures for a module whose tests share one stand-in and one running bot (starting them is most of an
    end-to-end test's cost): ``discord_api, db_path, bot, after_each = module_bot("plot", reset_channel_settings)``.

    Each test still starts clean: after it, each ``tidy`` step runs and the stand-in's problems are checked (and once
    more when the module ends, after the bot has closed). Tests in such a module run in the module's event loop:
    set ``pytestmark = pytest.mark.asyncio(loop_scope="module")`` beside the call.
    """

    @pytest_asyncio.fixture(name="discord_api", scope="module", loop_scope="module")
    async def discord_api() -> AsyncIterator[StandIn]:
        async with StandIn() as standin:
            yield standin
            take_problems(standin)

    @pytest_asyncio.fixture(name="db_path", scope="module", loop_scope="module")
    async def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return tmp_path_factory.mktemp(name) / "bot.db"

    @pytest_asyncio.fixture(name="bot", scope="module", loop_scope="module")
    async def bot(discord_api: StandIn, db_path: Path) -> AsyncIterator[StrangersBot]:
        settings = Settings(token="unused", database_path=db_path, facts_path=DEFAULT_FACTS)
        async with running_bot(discord_api, settings) as running:
            yield running

    @pytest_asyncio.fixture(name="after_each", autouse=True, loop_scope="module")
    async def after_each(bot: StrangersBot, discord_api: StandIn) -> AsyncIterator[None]:
        yield
        for step in tidy:
            await step(bot, discord_api)
        take_problems(discord_api)

    return discord_api, db_path, bot, after_each
