"""The bot's real entry point in a child process, for tests about start-up errors, signals and kill -9."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot import PROJECT_ROOT
from bot.standin import StandIn

LAUNCHER = Path(__file__).with_name("launch_bot.py")
OUR_SETTINGS = ("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_", "FACTS_", "STANDIN_")


def bot_env(database: Path, standin: StandIn | None = None, **extra: str) -> dict[str, str]:
    """This environment without any of the bot's settings, then the database, and the stand-in if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_SETTINGS)}
    env |= {"DISCORD_TOKEN": "", "DATABASE_PATH": str(database), "PYTHONPATH": str(PROJECT_ROOT)}
    if standin is not None:
        env |= {"DISCORD_TOKEN": standin.token, "STANDIN_API": standin.api_base, "STANDIN_GATEWAY": standin.gateway_url}
    return env | extra


class BotProcess:
    """``async with BotProcess(env, cwd) as bot:`` runs tests/launch_bot.py; leaving kills it if still running."""

    def __init__(
        self,
        env: dict[str, str],
        cwd: Path,
        *,
        args: tuple[str, ...] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        self.env, self.cwd, self.preexec = env, cwd, preexec
        self.args = args if args is not None else (str(LAUNCHER),)
        self.proc: asyncio.subprocess.Process | None = None
        # Output goes to files, not pipes: a chatty child (LOG_LEVEL=DEBUG) must never block on a full pipe.
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()

    async def __aenter__(self) -> BotProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.args,
            env=self.env,
            cwd=self.cwd,
            preexec_fn=self.preexec,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        self._out.close()
        self._err.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.proc is not None
        self.proc.kill()

    async def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        """Wait for the process to end: its exit code, standard output and standard error."""
        assert self.proc is not None
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        return code, _read(self._out), _read(self._err)


def _read(file: tempfile._TemporaryFileWrapper | object) -> str:
    file.seek(0)  # type: ignore[attr-defined]
    return file.read().decode(errors="replace")  # type: ignore[attr-defined]


async def run_to_end(env: dict[str, str], cwd: Path, **options: object) -> tuple[int, str, str]:
    async with BotProcess(env, cwd, **options) as bot:  # type: ignore[arg-type]
        return await bot.finish()
