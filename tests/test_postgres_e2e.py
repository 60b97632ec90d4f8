"""The real bot against the stand-in with ``DATABASE_URL`` set: servers' state in PostgreSQL (a schema of its own,
dropped after), the film's facts in the local SQLite file. Skipped (one line) without a PostgreSQL; failing with
``CI=true``."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from bot_under_test import bot_env, run_to_end, running_bot
from conftest import postgres_schema
from test_theories_e2e import THREE, click_and_confirm, is_closed, open_poll, poll_number, shown_counts

from bot.models import Level, Policy, Style
from bot.settings import Settings
from standin import StandIn


async def _cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    return await run_to_end(bot_env(tmp_path / "bot.db", **env), tmp_path, command=[sys.executable, "-m", "bot", *args])


async def test_the_bot_keeps_servers_state_in_postgresql(discord_api: StandIn, settings: Settings) -> None:
    async with postgres_schema() as url:
        settings = replace(settings, database_url=url)
        async with running_bot(discord_api, settings) as bot:
            assert bot.store.backend == "postgresql"
            mod = discord_api.world.moderator

            # a command answered from the film's facts (local SQLite)
            answer = await discord_api.slash("ask", question="Who plays Adam?")
            assert "Andrew Scott" in answer.text, answer.text

            # a setting changed: stored in PostgreSQL, and the answers follow it
            changed = await discord_api.slash(
                "spoilers set", user=mod, channel="general", channel_="ending-talk", allowed="ending"
            )
            ending_talk = discord_api.channel("ending-talk")
            assert f"<#{ending_talk.id}> now shows everything plainly" in changed.text, changed.text
            assert await bot.store.channel_setting(ending_talk.id) == Policy(Level.ENDING, Style.WRAP)
            shown = await discord_api.slash("spoilers show", channel="ending-talk")
            assert "(**ending**, wrap)" in shown.text and "this channel has its own setting" in shown.text

            # a vote counted, and the poll closed at its deadline with the count it had
            poll = await open_poll(discord_api, bot, theories=THREE, hours=1)
            message = discord_api.messages[int(poll.message["id"])]
            fans = [discord_api.world.add_member(f"fan{n}") for n in range(3)]
            for fan, label in zip(fans, ("1", "1", "3"), strict=True):
                await click_and_confirm(discord_api, message, label, fan)
            number = poll_number(message)
            assert await bot.store.tallies(number) == {1: 2, 3: 1}
            assert await bot.store.reschedule_poll(number, datetime.now(UTC) + timedelta(seconds=0.3))
            bot.get_cog("Theories").closer.wake()
            await discord_api.wait_until(lambda: is_closed(message), timeout=10)
            assert shown_counts(message) == [2, 0, 1]

        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("SELECT count(*) FROM channel_settings WHERE channel_id = $1", ending_talk.id)
            assert await conn.fetchval("SELECT count(*) FROM votes WHERE poll_id = $1", number) == 3
            assert await conn.fetchval("SELECT closed_at IS NOT NULL FROM polls WHERE id = $1", number)
            assert await conn.fetchval("SELECT sum(votes) FROM theory_standings") == 3
        finally:
            await conn.close()
    local = sqlite3.connect(settings.database_path)
    try:  # the local file kept the film's facts and nothing of the servers'
        assert local.execute("SELECT count(*) FROM votes").fetchone() == (0,)
        assert local.execute("SELECT count(*) FROM channel_settings").fetchone() == (0,)
        assert local.execute("SELECT count(*) FROM moments").fetchone()[0] > 0
    finally:
        local.close()


async def test_check_and_backup_on_postgresql(tmp_path: Path) -> None:
    """``python -m bot check`` connects, migrates and counts PostgreSQL's rows; ``backup`` says to use pg_dump."""
    async with postgres_schema() as url:
        conn = await asyncpg.connect(url)
        try:
            await _cli(tmp_path, "check", DATABASE_URL=url)  # creates the schema
            await conn.execute(
                "INSERT INTO polls (guild_id, channel_id, author_id, hidden, created_at, closes_at) "
                "VALUES (1, 2, 3, 0, 'now', 'later')"
            )
        finally:
            await conn.close()
        code, out, err = await _cli(tmp_path, "check", DATABASE_URL=url)
        assert code == 0, err
        assert "servers' state in PostgreSQL at 127.0.0.1:5432/test" in out and "1 poll, 0 votes." in out
        assert "PostgreSQL: fine." in out and "pg_dump" in out
        code, out, err = await _cli(tmp_path, "backup", DATABASE_URL=url)
        assert code == 2 and out == "" and "pg_dump" in err and len(err.strip().splitlines()) == 1

    code, out, err = await _cli(tmp_path, "check", DATABASE_URL="postgresql://bot:secret@127.0.0.1:9/strangers")
    assert code == 2 and out == ""
    assert err.strip().startswith("Check failed: Cannot connect to PostgreSQL at 127.0.0.1:9/strangers")
    assert len(err.strip().splitlines()) == 1 and "secret" not in err
