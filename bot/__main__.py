"""``python -m bot`` (or ``strangers-bot``): load .env, read settings, set up logging, run until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

import discord
from dotenv import find_dotenv, load_dotenv

from .client import StrangersBot
from .errors import ConfigError
from .settings import Settings

log = logging.getLogger("bot")


async def run(settings: Settings, **options: Any) -> None:
    """Start the bot and keep it running until SIGINT/SIGTERM, then close it (and its store) cleanly."""
    bot = StrangersBot(settings, **options)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stopping.append(asyncio.create_task(bot.close())))
    async with bot:
        await bot.start(settings.token)
    if stopping:
        await asyncio.gather(*stopping)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["playground"]:
        try:  # a consumer of the bot, not part of it: found beside the bot in a clone of the repository
            from playground import main as playground_main
        except ModuleNotFoundError as exc:
            if exc.name not in ("playground", "standin"):
                raise
            print("The playground runs from a clone of the repository: start it there.", file=sys.stderr)
            return 2
        return playground_main(argv[1:])
    load_dotenv(find_dotenv(usecwd=True))  # the .env of the folder the bot is started from
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=settings.log_level, root=True)
    try:
        asyncio.run(run(settings))
    except discord.LoginFailure:
        print(
            "Cannot start: Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal (Bot -> Reset "
            "Token) and put the new one in .env.",
            file=sys.stderr,
        )
        return 2
    except ConfigError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
