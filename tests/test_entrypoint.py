"""The real entry point in a child process: clear start-up errors, no leaked token, clean shutdown on signals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from bot.standin import StandIn

LAUNCHER = Path(__file__).with_name("launch_bot.py")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_"))}
    env |= {"DISCORD_TOKEN": "", "DATABASE_PATH": str(tmp_path / "bot.db"), "PYTHONPATH": str(PROJECT_ROOT)}
    return env | extra


async def _run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_missing_token_is_one_clear_sentence(tmp_path: Path) -> None:
    code, _out, err = await _run(["-m", "bot"], _env(tmp_path), cwd=tmp_path)
    assert code != 0
    assert err.strip().startswith("Cannot start: DISCORD_TOKEN is not set")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bot.db").exists()


async def test_rejected_token_is_one_clear_sentence(tmp_path: Path) -> None:
    async with StandIn() as standin:
        env = _env(
            tmp_path,
            DISCORD_TOKEN="not.the.right.token",
            STANDIN_API=standin.api_base,
            STANDIN_GATEWAY=standin.gateway_url,
        )
        code, out, err = await _run([str(LAUNCHER)], env, cwd=tmp_path)
    assert code != 0
    assert "Cannot start: Discord rejected DISCORD_TOKEN" in err
    assert "Traceback" not in err
    assert "not.the.right.token" not in err + out


async def test_sigterm_shuts_down_cleanly_and_never_logs_the_token(tmp_path: Path) -> None:
    async with StandIn() as standin:
        env = _env(
            tmp_path,
            DISCORD_TOKEN=standin.token,
            LOG_LEVEL="DEBUG",
            STANDIN_API=standin.api_base,
            STANDIN_GATEWAY=standin.gateway_url,
            PYTHONWARNINGS="always",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(LAUNCHER),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await asyncio.wait_for(standin.connected.wait(), 60)
            reply = await standin.slash("film")
            assert reply.embeds
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert standin.problems == []
    text = out.decode() + err.decode()
    assert proc.returncode == 0, text
    assert "Traceback" not in text
    assert "Unclosed" not in text
    assert standin.token not in text
    # The store was closed: SQLite removes the write-ahead log when the last connection closes.
    assert (tmp_path / "bot.db").exists() and not (tmp_path / "bot.db-wal").exists()


async def test_sigint_shuts_down_cleanly(tmp_path: Path) -> None:
    async with StandIn() as standin:
        env = _env(
            tmp_path, DISCORD_TOKEN=standin.token, STANDIN_API=standin.api_base, STANDIN_GATEWAY=standin.gateway_url
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(LAUNCHER),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await asyncio.wait_for(standin.connected.wait(), 60)
            proc.send_signal(signal.SIGINT)
            _out, err = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode() and "Unclosed" not in err.decode()
