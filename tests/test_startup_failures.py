"""Start-up failures an operator meets, through the real entry point: Discord unreachable, the gateway refusing,
a folder or an unusable path as DATABASE_PATH. Each is one sentence and exit code 2, never a traceback."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import WSMsgType, web
from bot_under_test import bot_env, run_to_end

from standin import StandIn


def _the_sentence(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err and "Event loop is closed" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("Cannot start")]
    assert len(lines) == 1 and lines[0] == err.strip().splitlines()[-1], err
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        (
            "http://127.0.0.1:{port}/api/v10",
            "Cannot start: Discord could not be reached at 127.0.0.1 (connection refused)",
        ),
        (
            "http://discord.invalid/api/v10",
            "Cannot start: Discord could not be reached: the name discord.invalid could",
        ),
    ],
)
async def test_discord_unreachable_is_one_sentence(tmp_path: Path, api: str, expected: str) -> None:
    port = _closed_port()
    env = bot_env(
        tmp_path / "bot.db",
        DISCORD_TOKEN="a.token.nobody.checks",
        STANDIN_API=api.format(port=port),
        STANDIN_GATEWAY=f"ws://127.0.0.1:{port}/gateway",
    )
    code, out, err = await run_to_end(env, tmp_path)
    sentence = _the_sentence(code, err)
    assert sentence.startswith(expected) and "internet connection" in sentence
    assert "a.token.nobody.checks" not in out + err


@asynccontextmanager
async def refusing_gateway(close_code: int) -> AsyncIterator[str]:
    """A gateway that says hello, then closes with ``close_code`` when the bot identifies, as Discord does."""

    async def gateway(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and json.loads(msg.data)["op"] == 2:
                await ws.close(code=close_code, message=b"refused")
        return ws

    app = web.Application()
    app.router.add_get("/gateway", gateway)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"ws://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/gateway"  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("close_code", "expected"),
    [
        (4004, "Discord's gateway refused DISCORD_TOKEN (close code 4004, authentication failed): reset the token"),
        (4014, "Discord refused the privileged intents the bot asked for (close code 4014, disallowed intents)"),
        (4012, "Discord's gateway refused this API version (close code 4012)"),
    ],
)
async def test_gateway_refusing_is_one_sentence(tmp_path: Path, close_code: int, expected: str) -> None:
    async with StandIn() as standin, refusing_gateway(close_code) as gateway:
        standin.advertised_gateway = gateway  # the sharded bot connects where GET /gateway/bot sends it
        env = bot_env(tmp_path / "bot.db", standin, STANDIN_GATEWAY=gateway)
        code, out, err = await run_to_end(env, tmp_path)
    assert _the_sentence(code, err).startswith(f"Cannot start: {expected}")
    assert standin.token not in out + err
    # The store was closed on the way out: SQLite removes the write-ahead log when the last connection closes.
    assert (tmp_path / "bot.db").exists() and not (tmp_path / "bot.db-wal").exists()


async def test_folder_as_database_path_is_one_sentence_every_time(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    async with StandIn() as standin:
        for _ in range(6):  # the thread race it once had showed in 4 runs of 6
            code, _out, err = await run_to_end(bot_env(folder, standin), tmp_path)
            sentence = _the_sentence(code, err)
            assert sentence == (
                f"Cannot start: DATABASE_PATH names the folder {folder}: name a file inside it instead, such as "
                f"{folder / 'strangers.db'}."
            )
        assert standin.global_commands == []
    assert list(folder.iterdir()) == []


async def test_a_database_sqlite_cannot_open_is_one_sentence_every_time(tmp_path: Path) -> None:
    """SQLite itself refuses the file (a link into a folder that does not exist): aiosqlite's thread is waited for."""
    link = tmp_path / "bot.db"
    os.symlink(tmp_path / "missing" / "bot.db", link)
    for _ in range(6):
        code, out, err = await run_to_end(bot_env(link), tmp_path, command=[sys.executable, "-m", "bot", "check"])
        assert code == 2 and out == "" and "Traceback" not in err and "Event loop is closed" not in err, err
        assert (
            err.strip()
            == f"Check failed: Cannot open the database {link} (unable to open database file); check DATABASE_PATH."
        )


def test_a_cog_failing_on_the_database_is_explained_by_what_it_met() -> None:
    from discord.ext import commands

    from bot.settings import Settings
    from bot.startup import explain_start_failure
    from bot.store.errors import StoreUnavailable

    settings = Settings(token="", database_path=Path("bot.db"))
    met = StoreUnavailable("for members", "The database bot.db is damaged: restore the newest backup.")
    wrapped = commands.ExtensionFailed("cogs.theories", met)
    assert explain_start_failure(wrapped, settings) == "The database bot.db is damaged: restore the newest backup."
    assert explain_start_failure(commands.ExtensionFailed("cogs.x", KeyError("bug")), settings) is None  # a bug
