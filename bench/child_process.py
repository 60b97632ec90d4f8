"""A bot under test in a child process: spawned against a stand-in, its log drained, its memory and CPU read."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import sys
import time
from collections.abc import Awaitable, Mapping
from pathlib import Path
from typing import TypeVar

from bot import PROJECT_ROOT
from bot.standin import StandIn

T = TypeVar("T")
READY_LINE = "Ready as "  # what both bots log from on_ready
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Settings a developer's shell or .env could carry into the child: the benchmark sets its own.
OWN_PREFIXES = ("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_", "FACTS_", "BENCH_", "STANDIN_")


class ChildDied(RuntimeError):
    pass


class Child:
    """``python -m bench.child <target>`` (``bot`` or ``noop``) in ``workdir``, with discord.py aimed at ``standin``."""

    def __init__(self, proc: asyncio.subprocess.Process, spawned_at: float) -> None:
        self.proc = proc
        self.spawned_at = spawned_at
        self.log: collections.deque[str] = collections.deque(maxlen=40)
        self.ready_logged = asyncio.Event()
        self.ready_logged_at: float | None = None
        self._reader = asyncio.create_task(self._drain(), name=f"child-{proc.pid}-log")

    @classmethod
    async def spawn(
        cls, target: str, standin: StandIn, workdir: Path, extra_env: Mapping[str, str] | None = None
    ) -> Child:
        env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
        env |= {
            "DISCORD_TOKEN": standin.token,
            "DATABASE_PATH": str(workdir / "bot.db"),
            "LOG_LEVEL": "INFO",
            "STANDIN_API": standin.api_base,
            "STANDIN_GATEWAY": standin.gateway_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        }
        env |= dict(extra_env or {})
        spawned_at = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.child",
            target,
            env=env,
            cwd=workdir,  # not the project folder: a developer's .env there must not configure the bot under test
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(proc, spawned_at)

    async def _drain(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(line)
            if READY_LINE in line and not self.ready_logged.is_set():
                self.ready_logged_at = time.perf_counter()
                self.ready_logged.set()

    def _proc_file(self, name: str) -> str:
        return Path(f"/proc/{self.proc.pid}/{name}").read_text()

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory of the child in MiB: now (VmRSS), or the most it has had so far (VmHWM)."""
        for line in self._proc_file("status").splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field} in /proc status")

    def cpu_seconds(self) -> float:
        """User + system CPU time the child has used so far."""
        fields = self._proc_file("stat").rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime and stime: fields 14 and 15 of stat

    def tail(self) -> str:
        return "\n".join(self.log)

    async def until(self, awaitable: Awaitable[T], timeout: float, what: str) -> T:
        """Await ``awaitable``, but fail at once (with the child's log) if the child exits or time runs out."""
        task = asyncio.ensure_future(awaitable)
        exited = asyncio.ensure_future(self.proc.wait())
        try:
            done, _ = await asyncio.wait({task, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
        if task in done:
            return task.result()
        task.cancel()
        if exited in done:
            raise ChildDied(f"the bot exited ({self.proc.returncode}) while waiting for {what}:\n{self.tail()}")
        raise TimeoutError(f"no {what} within {timeout} s; the bot's log:\n{self.tail()}")

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as a service manager would; the bot closes its gateway connection and its store."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await self._reader
        code = self.proc.returncode
        assert code is not None
        if code != 0:
            raise ChildDied(f"the bot stopped with exit code {code}:\n{self.tail()}")
        return code

    async def kill(self) -> None:
        """For clean-up after a failure: end the child at once."""
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await self._reader
