"""A program in a child process, for tests and the benchmark: its output read line by line as it comes (never a
full pipe), signals, kill -9, its memory and CPU from /proc, and waits that fail at once if it exits.

``launch_command`` and ``launch_env`` start a bot's ``main`` through ``python -m standin.launch`` with discord.py
pointed at a stand-in; ``ChildProcess`` runs any command."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from .pointing import address_env
from .server import StandIn

T = TypeVar("T")
# The folder that holds the stand-in package, so a child started elsewhere can import it.
IMPORT_ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def launch_command(module: str, *args: str, profile: Path | None = None) -> list[str]:
    """The command that runs ``module``'s ``main(args)`` with discord.py pointed at the stand-in of the environment;
    with ``profile``, under pyinstrument, its report written to that file."""
    options = ["--profile", str(profile)] if profile else []
    return [sys.executable, "-m", "standin.launch", *options, module, *args]


def launch_env(env: Mapping[str, str], standin: StandIn | None = None) -> dict[str, str]:
    """``env`` plus what a launched child needs: the stand-in's package on its path and, if given, its addresses."""
    paths = [str(IMPORT_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    return dict(env) | {"PYTHONPATH": os.pathsep.join(paths)} | (address_env(standin) if standin else {})


class ChildExited(RuntimeError):
    """The child ended while something was waited for."""


class ChildProcess:
    """``async with ChildProcess(command, env=..., cwd=...) as child:``; leaving kills it if it still runs."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        self.command, self.env, self.cwd, self.preexec = list(command), dict(env), cwd, preexec
        self.started_at = 0.0  # time.perf_counter() just before the process was spawned
        # Every line either stream printed: (time.perf_counter() when read, "out" or "err", the line).
        self.lines: list[tuple[float, str, str]] = []
        self._proc: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._new_line = asyncio.Condition()

    async def start(self) -> ChildProcess:
        self.started_at = time.perf_counter()
        self._proc = await asyncio.create_subprocess_exec(
            *self.command,
            env=self.env,
            cwd=self.cwd,
            preexec_fn=self.preexec,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [
            asyncio.create_task(self._read(self._proc.stdout, "out"), name=f"child-{self.pid}-out"),
            asyncio.create_task(self._read(self._proc.stderr, "err"), name=f"child-{self.pid}-err"),
        ]
        return self

    async def __aenter__(self) -> ChildProcess:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.kill()

    @property
    def proc(self) -> asyncio.subprocess.Process:
        if self._proc is None:
            raise RuntimeError("the child process has not been started")
        return self._proc

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    async def _read(self, stream: asyncio.StreamReader, name: str) -> None:
        async for raw in stream:
            self.lines.append((time.perf_counter(), name, raw.decode(errors="replace").rstrip("\n")))
            async with self._new_line:
                self._new_line.notify_all()

    # -- output ----------------------------------------------------------------------------------------------------

    def output(self, stream: str = "out") -> str:
        """Everything read so far from standard output (``"out"``) or standard error (``"err"``)."""
        return "".join(line + "\n" for _, name, line in self.lines if name == stream)

    def tail(self, count: int = 40) -> str:
        """The last ``count`` lines of both streams, in the order they were read."""
        return "\n".join(line for _, _, line in self.lines[-count:])

    def first_seen(self, text: str) -> float | None:
        """When a line containing ``text`` was first read (time.perf_counter()), or None."""
        return next((at for at, _, line in self.lines if text in line), None)

    async def line_containing(self, text: str) -> float:
        """Wait for a line containing ``text``; when it was read. Bound it with ``until``."""
        async with self._new_line:
            await self._new_line.wait_for(lambda: self.first_seen(text) is not None)
        seen = self.first_seen(text)
        assert seen is not None
        return seen

    # -- waiting and ending ----------------------------------------------------------------------------------------

    async def until(self, awaitable: Awaitable[T], timeout: float, what: str) -> T:
        """Await ``awaitable``, but fail at once (with the child's output) if the child exits or time runs out."""
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
            raise ChildExited(f"the child exited ({self.returncode}) while waiting for {what}:\n{self.tail()}")
        raise TimeoutError(f"no {what} within {timeout} s; the child's output:\n{self.tail()}")

    async def wait(self, timeout: float = 60) -> int:
        """Wait for the child to end and for its output to be read to the end; its exit code."""
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        await asyncio.gather(*self._readers)
        return code

    async def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        """Wait for the child to end: its exit code, standard output and standard error."""
        code = await self.wait(timeout)
        return code, self.output("out"), self.output("err")

    def send_signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as a service manager would, then SIGKILL if it has not ended within ``timeout``; its exit code."""
        if self.returncode is None:
            self.send_signal(signal.SIGTERM)
            try:
                return await self.wait(timeout)
            except TimeoutError:
                pass
        await self.kill()
        code = self.returncode
        assert code is not None
        return code

    async def kill(self) -> None:
        """SIGKILL if it still runs (no clean-up of any kind), then wait for it."""
        if self._proc is None:
            return
        if self._proc.returncode is None:
            self._proc.kill()
        await self._proc.wait()
        await asyncio.gather(*self._readers)

    # -- resources -------------------------------------------------------------------------------------------------

    def _proc_file(self, name: str) -> str:
        return Path(f"/proc/{self.pid}/{name}").read_text()

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


async def run_to_end(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path, preexec: Callable[[], None] | None = None
) -> tuple[int, str, str]:
    """Run ``command`` until it ends: its exit code, standard output and standard error."""
    async with ChildProcess(command, env=env, cwd=cwd, preexec=preexec) as child:
        return await child.finish()
