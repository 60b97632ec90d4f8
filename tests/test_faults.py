"""What survives: gateway drops, reconnect requests, invalid sessions, rate limits and server errors,
and a database that cannot be written at start-up. Every wait is bounded."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from bot_under_test import bot_env, run_to_end

from standin import StandIn


async def _answers_film(discord_api: StandIn) -> None:
    reply = await discord_api.slash("film", timeout=30)
    assert "All of Us Strangers (2023)" in reply.text


async def test_gateway_dropped_bot_resumes_and_answers(bot, discord_api: StandIn) -> None:
    await discord_api.drop_gateway(code=4000)
    await asyncio.wait_for(discord_api.connected.wait(), 30)
    await _answers_film(discord_api)
    assert discord_api.resumes >= 1


async def test_reconnect_request_op7(bot, discord_api: StandIn) -> None:
    await discord_api.request_reconnect()
    await discord_api.wait_until(lambda: discord_api.resumes >= 1 and discord_api.connected.is_set())
    await _answers_film(discord_api)


async def test_invalid_session_op9_bot_identifies_again(bot, discord_api: StandIn) -> None:
    assert discord_api.identifies == 1
    await discord_api.invalidate_session(resumable=False)
    await discord_api.wait_until(lambda: discord_api.identifies == 2 and discord_api.connected.is_set())
    await _answers_film(discord_api)


async def test_closing_just_after_a_new_session_leaves_nothing_running(discord_api: StandIn, settings) -> None:
    """discord.py waits guild_ready_timeout after a READY before on_ready; a bot closed during that wait (SIGTERM
    just after a reconnect) must stop it, not leave it to dispatch on a closed client."""
    from bot_under_test import running_bot

    async with running_bot(discord_api, settings) as running:
        running._connection.guild_ready_timeout = 30  # make the wait after the next READY long enough to close in
        await discord_api.invalidate_session(resumable=False)
        await discord_api.wait_until(lambda: discord_api.identifies == 2 and discord_api.connected.is_set())
        await _answers_film(discord_api)  # the bot has read the READY that came before this interaction
        waiting = running._connection._ready_task
        assert waiting is not None and not waiting.done()
    await asyncio.wait({waiting}, timeout=10)
    assert waiting.done() and (waiting.cancelled() or waiting.exception() is None)


async def test_rate_limited_callback_is_retried(bot, discord_api: StandIn) -> None:
    fault = discord_api.fail_next("POST", r"^/interactions/\d+/[^/]+/callback$", 429, retry_after=0.05)
    await _answers_film(discord_api)
    assert fault.hits == 1


async def test_server_error_once_is_retried(bot, discord_api: StandIn) -> None:
    fault = discord_api.fail_next("POST", r"^/interactions/\d+/[^/]+/callback$", 502)
    await _answers_film(discord_api)
    assert fault.hits == 1


async def test_rate_limited_command_sync_is_retried(discord_api: StandIn, settings) -> None:
    from bot_under_test import running_bot

    fault = discord_api.fail_next("PUT", r"^/applications/\d+/commands$", 429, retry_after=0.05)
    async with running_bot(discord_api, settings) as running:
        assert running.synced is True
    assert fault.hits == 1 and discord_api.global_commands


# -- the database at start-up, in a child process (as a user would meet it) ---------------------------------------


def _tiny_disk() -> None:
    """Files may grow to 64 KiB: past that, writes fail as on a full disk (the signal is ignored)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


async def _start_bot(db: Path, standin: StandIn, preexec: Callable[[], None] | None) -> tuple[int, str]:
    code, _out, err = await run_to_end(bot_env(db, standin), db.parent, preexec=preexec)
    return code, err


def _prepared_database(folder: Path) -> Path:
    """A database the bot made before, so the failure is about writing, not about a missing file."""
    folder.mkdir(mode=0o755)
    db = folder / "bot.db"
    sqlite3.connect(db).execute("CREATE TABLE keep (x)").connection.commit()
    return db


def _chattr(flag: str, path: Path) -> bool:
    """Set or clear the immutable attribute: read-only even for root, who ignores file permissions."""
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


async def test_read_only_database_is_one_clear_error(tmp_path: Path) -> None:
    db = _prepared_database(tmp_path / "ro")
    before = db.read_bytes()
    if not _chattr("+i", db):
        pytest.skip("this file system cannot make a file immutable (chattr +i)")
    try:
        async with StandIn() as standin:
            code, err = await _start_bot(db, standin, None)
    finally:
        _chattr("-i", db)
    assert code != 0
    assert "Cannot start:" in err and "read-only" in err, err
    assert "Traceback" not in err
    assert db.read_bytes() == before


async def test_full_disk_is_one_clear_error_and_no_corruption(tmp_path: Path) -> None:
    db = _prepared_database(tmp_path / "full")
    async with StandIn() as standin:
        code, err = await _start_bot(db, standin, _tiny_disk)
    assert code != 0
    assert "Cannot start:" in err and "full" in err, err
    assert "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The failed migration was rolled back whole: the old table is there, no half-made schema.
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "keep" in tables and conn.execute("PRAGMA user_version").fetchone()[0] in (0, 1)


async def test_closing_lets_an_answer_in_flight_finish(discord_api: StandIn, settings, caplog) -> None:
    """Closed (SIGTERM, a restart) while a poll still opens its thread: the answer finishes first, within the grace,
    instead of meeting a closed connection, failing half done and leaving a task's exception unretrieved."""
    from bot_under_test import running_bot

    threads = r"^/channels/\d+/messages/\d+/threads$"
    fault = discord_api.fail_next("POST", threads, 429, retry_after=0.5)  # the thread waits out a rate limit
    async with running_bot(discord_api, settings):
        poll = await discord_api.slash("theory poll", user=discord_api.world.moderator)
        assert not poll.ephemeral, poll.content  # the poll is posted; its thread is still to come
    assert fault.hits == 1
    threads_made = [c.name for g in discord_api.world.guilds for c in g.channels if c.is_thread]
    assert "Theory poll #1: discussion" in threads_made
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
