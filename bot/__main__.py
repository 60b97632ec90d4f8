"""``python -m bot [command]`` (or ``strangers-bot``): load .env, read settings, set up logging, run a command.

Commands: ``run`` (the default: connect to Discord and answer), ``playground``, ``check`` and ``backup``.
Every failure a person can fix ends in one sentence on standard error and exit code 2; ``--help`` needs no token.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from dotenv import find_dotenv, load_dotenv

from .errors import ConfigError
from .settings import Settings

log = logging.getLogger("bot")
USAGE_ERROR = 2  # what argparse returns for a usage error; every other failure a person can fix ends with it too


async def run(settings: Settings, **options: Any) -> None:
    """Start the bot and keep it running until SIGINT/SIGTERM, then close it (and its store) cleanly."""
    from .client import StrangersBot

    bot = StrangersBot(settings, **options)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stopping.append(asyncio.create_task(bot.close())))
    async with bot:
        backups = asyncio.create_task(_scheduled_backups(bot, settings), name="backups")
        try:
            await bot.start(settings.token)
        finally:
            backups.cancel()
            await asyncio.gather(backups, return_exceptions=True)
    if stopping:
        await asyncio.gather(*stopping)


async def _scheduled_backups(bot: discord.Client, settings: Settings) -> None:
    """BACKUP_EVERY_HOURS: backups from the moment the bot is ready (its database open and up to date)."""
    if settings.backup_every_hours is None:
        return
    if settings.database_url is not None:
        log.warning(
            "BACKUP_EVERY_HOURS is ignored: with DATABASE_URL set, servers' state is in PostgreSQL; back it up with "
            "pg_dump (the SQLite file holds only the film's facts, rebuilt from the facts file)."
        )
        return
    from .store.backup import BackupSchedule

    await bot.wait_until_ready()
    every = timedelta(hours=settings.backup_every_hours)
    log.info(
        "Backing up every %g hours into %s, keeping the newest %d",
        settings.backup_every_hours,
        settings.backup_folder,
        settings.backup_keep,
    )
    await BackupSchedule(settings.database_path, settings.backup_folder, every, settings.backup_keep).run()


def _run_command(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        return _fail("Cannot start", exc)
    discord.utils.setup_logging(level=settings.log_level, root=True)
    from .startup import explain_start_failure

    try:
        asyncio.run(run(settings))
    except Exception as exc:
        sentence = explain_start_failure(exc, settings)
        if sentence is None:
            raise
        print(f"Cannot start: {sentence}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def _check_command(args: argparse.Namespace) -> int:
    from .check import check

    try:
        settings = Settings.from_env(require_token=False)
        report = asyncio.run(check(settings))
    except ConfigError as exc:
        return _fail("Check failed", exc)
    print("\n".join(report))
    return 0


def _backup_command(args: argparse.Namespace) -> int:
    from .store.backup import back_up

    try:
        settings = Settings.from_env(require_token=False)
        if settings.database_url is not None:
            raise ConfigError(
                "with DATABASE_URL set, servers' state is in PostgreSQL, which this command does not copy: back it up "
                "with pg_dump (README: backups); the SQLite file holds only the film's facts, rebuilt from the facts "
                "file at every start."
            )
        made = back_up(settings.database_path, args.path, settings.backup_folder)
    except ConfigError as exc:
        return _fail("Backup failed", exc)
    print(made.describe())
    return 0


def _fail(what: str, exc: Exception) -> int:
    print(f"{what}: {exc}", file=sys.stderr)
    return USAGE_ERROR


COMMANDS = (
    ("run", "connect to Discord and answer commands (the default)"),
    ("playground", "try every command in this terminal, no Discord or token"),
    ("check", "check settings, facts and database without connecting"),
    ("backup", "copy the database safely, even while the bot runs"),
)


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<12}{summary}" for name, summary in COMMANDS)
    top = argparse.ArgumentParser(
        prog="python -m bot",
        usage="%(prog)s [-h] [COMMAND] ...",
        description="Strangers Bot, a Discord bot about the film All of Us Strangers (2023).\n"
        "Settings come from the environment and from .env in the folder it starts in (see .env.example).",
        epilog=f"commands:\n{listing}\n\n'python -m bot COMMAND --help' tells more about a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", help=argparse.SUPPRESS)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run_command,
        # Dispatched in main() before parsing, so the playground parses its own options; listed for --help.
        "playground": _run_command,
        "check": _check_command,
        "backup": _backup_command,
    }
    for name, summary in COMMANDS:
        sub = commands.add_parser(
            name, prog=f"python -m bot {name}", description=summary[0].upper() + summary[1:] + "."
        )
        sub.set_defaults(handler=handlers[name])
    commands.choices["backup"].add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="the backup file to write (it must not exist yet); default: BACKUP_DIR/<database name>-<UTC time>.db, "
        "BACKUP_DIR being a 'backups' folder beside the database unless set",
    )
    top.set_defaults(handler=_run_command)
    return top


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
    args = parser().parse_args(argv)  # --help exits 0; a usage error prints usage and one sentence, exits 2
    load_dotenv(find_dotenv(usecwd=True))  # the .env of the folder the bot is started from
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
