"""A damaged database: every page of a small one corrupted in turn, damage found while running, and the file deleted
or replaced under a running bot. Nothing may end in a traceback or exit 1, and no write may be acknowledged and lost."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import shutil
import signal
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bot_under_test import bot_env, bot_process

from bot.facts import load_facts
from bot.models import Level, Review
from bot.search import index_rows
from bot.settings import DEFAULT_FACTS, Settings
from bot.startup import explain_start_failure
from bot.store import Store
from bot.store.base import latest_version
from bot.store.errors import FileReplaced, StoreUnavailable
from standin import StandIn, message_text

PAGE = 4096
GUARD_LOG = "bot.store.connection"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def _start_as_the_bot_does(path: Path) -> tuple[object, ...]:
    """setup_hook's database steps (open and check, load the facts, read them back), then the members' data."""
    loaded = load_facts(DEFAULT_FACTS)
    store = await Store.open(path)
    try:
        await store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data))
        film = await store.load_film()
        assert film == loaded.data, "started, but serves facts that differ from the facts file"
        theories = [(t.title, t.claim) for t in await store.member_theories(1, Review.PENDING)]
        return (theories, await store.tallies(1), await store.guild_default(1))
    finally:
        await store.close()


async def _small_database(path: Path) -> tuple[object, ...]:
    """A database as a server leaves it: settings, suggestions, a poll with votes, and free pages (a deleted poll)."""
    loaded = load_facts(DEFAULT_FACTS)
    store = await Store.open(path)
    await store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data))
    default = await store.guild_default(1)
    await store.set_default(1, replace(default, allowed=Level.PLOT), actor_id=7, now=NOW)
    for i in range(40):
        await store.add_member_theory(1, f"Theory {i}", f"A claim about the film, number {i}. " * 3, 100 + i, NOW)
    options = [(f"member:{i}", f"Theory {i}", Level.NONE) for i in range(1, 4)]
    for _ in range(2):
        await store.create_poll(
            1, 2, 3, hidden=False, created_at=NOW, closes_at=NOW + timedelta(days=1), options=options
        )
    for user in range(600):
        await store.vote(1, 10_000 + user, 1 + user % 3, NOW)
        await store.vote(2, 10_000 + user, 1 + user % 3, NOW)
    await store.delete_poll(2)  # its votes' pages go to the free list
    await store.close()
    return await _start_as_the_bot_does(path)


def _corrupt_page(source: Path, target: Path, page: int) -> None:
    data = bytearray(source.read_bytes())
    data[page * PAGE : (page + 1) * PAGE] = random.Random(page).randbytes(PAGE)
    target.write_bytes(data)


def _overwrite_page(path: Path, page: int) -> None:
    with open(path, "r+b") as raw:
        raw.seek(page * PAGE)
        raw.write(random.Random(page).randbytes(PAGE))


def _remove(folder: Path, pattern: str) -> None:
    for path in folder.glob(pattern):
        path.unlink()


async def test_every_page_corrupted_in_turn_starts_correctly_or_stops_in_one_sentence(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    expected = await _small_database(good)
    pages = good.stat().st_size // PAGE
    assert pages >= 30 and sqlite3.connect(good).execute("PRAGMA freelist_count").fetchone()[0] > 0
    settings = Settings(token="", database_path=tmp_path / "bad.db")
    outcomes: dict[str, list[int]] = {"started": [], "refused": []}
    for page in range(pages):
        _corrupt_page(good, settings.database_path, page)
        try:
            found = await _start_as_the_bot_does(settings.database_path)
        except Exception as exc:  # what __main__ would print instead of a traceback
            sentence = explain_start_failure(exc, settings)
            assert sentence is not None, f"page {page}: {exc!r} would end in a traceback"
            assert "\n" not in sentence and sentence.endswith("."), sentence
            assert str(settings.database_path) in sentence
            outcomes["refused"].append(page)
        else:
            assert found == expected, f"page {page}: started, but the members' data differs"
            outcomes["started"].append(page)
        _remove(tmp_path, "bad.db*")
    assert len(outcomes["started"]) + len(outcomes["refused"]) == pages
    assert outcomes["refused"]  # most pages; the free ones may start
    # A few through the real entry point, as an operator meets them: the header, a b-tree page, a free page if any.
    chosen = [0, outcomes["refused"][len(outcomes["refused"]) // 2], *outcomes["started"][:1]]
    async with StandIn() as standin:
        for page in chosen:
            db = tmp_path / f"page{page}" / "bot.db"
            db.parent.mkdir()
            _corrupt_page(good, db, page)
            async with bot_process(bot_env(db, standin), db.parent) as child:
                connected = asyncio.create_task(standin.connected.wait())
                ended = asyncio.create_task(child.proc.wait())  # type: ignore[union-attr]
                await asyncio.wait({connected, ended}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
                connected.cancel()
                if not ended.done():
                    reply = await standin.slash("film", timeout=30)
                    assert "All of Us Strangers (2023)" in reply.text
                    child.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
                ended.cancel()
                code, _out, err = await child.finish(30)
            assert "Traceback" not in err, err
            if page in outcomes["started"]:
                assert code == 0, err
            else:
                assert code == 2, err
                last = err.strip().splitlines()[-1]
                assert last.startswith("Cannot start: ") and str(db) in last
                assert sum(line.startswith("Cannot start") for line in err.splitlines()) == 1


# -- while running -------------------------------------------------------------------------------------------------


async def _poll(standin: StandIn) -> tuple[dict, int]:
    poll = await standin.slash("theory poll", user=standin.world.moderator, channel="spoilers", timeout=30)
    return poll.message, int(re.search(r"Theory poll #(\d+)", message_text(poll.message)).group(1))  # type: ignore[union-attr]


async def _vote(standin: StandIn, message: dict, poll_id: int, position: int, name: str) -> tuple[bool, str]:
    """Press a vote button as a new member: (was the vote acknowledged, what the member was told privately)."""
    reply = await standin.click(message, f"poll:{poll_id}:{position}", user=standin.world.add_member(name))
    if reply.callback_type == 7:  # the poll was updated: the private confirmation follows
        await reply.wait(lambda r: bool(r.followups))
        told = message_text(reply.followups[0])
    else:
        assert reply.ephemeral
        told = reply.text
    return told.startswith("Your vote is on"), told


def _guard_records(caplog: pytest.LogCaptureFixture, words: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == GUARD_LOG and words in r.getMessage()]


async def test_damage_found_while_running_is_logged_once_with_what_to_do(
    bot, discord_api: StandIn, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    message, poll_id = await _poll(discord_api)
    assert (await _vote(discord_api, message, poll_id, 1, "early"))[0]
    db = settings.database_path
    with sqlite3.connect(db) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself, none only in the log
        root = other.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'votes'").fetchone()[0]
    other.close()
    _overwrite_page(db, root - 1)
    with sqlite3.connect(db) as other:  # another writer: the bot's connection drops its page cache and reads the file
        other.execute("INSERT INTO meta VALUES ('poke', '1') ON CONFLICT (key) DO UPDATE SET value = '2'")
    other.close()
    caplog.set_level(logging.INFO)
    for i in range(5):
        acknowledged, told = await _vote(discord_api, message, poll_id, 2, f"member{i}")
        assert not acknowledged
        assert told == "The bot can't reach what it has saved right now; the moderators have been told."
    logged = _guard_records(caplog, "is damaged")
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == logged  # once, and nothing per press
    assert "restore the newest backup" in logged[0].getMessage()


async def test_database_deleted_while_running_stops_acknowledging_writes(
    bot, discord_api: StandIn, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    message, poll_id = await _poll(discord_api)
    assert (await _vote(discord_api, message, poll_id, 1, "early"))[0]
    _remove(settings.database_path.parent, settings.database_path.name + "*")
    caplog.set_level(logging.INFO)
    for i in range(4):
        acknowledged, told = await _vote(discord_api, message, poll_id, 2, f"late{i}")
        assert not acknowledged
        assert told == "The bot can't save anything right now; the moderators have been told."
    logged = _guard_records(caplog, "deleted or replaced")
    assert len(logged) == 1 and "Restart the bot" in logged[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == logged  # once, and nothing per press
    # Reading carries on from the open file: the poll still shows the vote made before.
    assert await bot.store.tallies(poll_id) == {1: 1}


async def test_a_replaced_file_refuses_writes_and_keeps_the_connection_usable(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await Store.open(path)
    try:
        await store.set_meta("before", "1")
        shutil.copy(path, tmp_path / "copy.db")
        os.replace(tmp_path / "copy.db", path)  # as a restore done without stopping the bot would
        with pytest.raises(FileReplaced) as caught:
            await store.set_meta("after", "1")
        assert caught.value.message == "The bot can't save anything right now; the moderators have been told."
        with pytest.raises(FileReplaced):  # a transaction is refused at its BEGIN and rolled back
            async with store.transaction() as db:
                await db.execute("DELETE FROM meta")
        assert await store.get_meta("before") == "1"  # reads still work, nothing is left half-open
        assert not store._conn.in_transaction
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:  # the file now at the path never saw the refused writes
        assert conn.execute("SELECT key FROM meta WHERE key = 'after'").fetchone() is None
    conn.close()


async def test_unusable_database_errors_carry_a_member_sentence(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await Store.open(path)
    try:
        await store._conn.execute("PRAGMA query_only = ON")  # every write now fails as on a read-only file
        with pytest.raises(StoreUnavailable) as caught:
            await store.set_meta("x", "1")
        assert caught.value.message == "The bot can't save anything right now; the moderators have been told."
        assert "read-only" in caught.value.detail
    finally:
        await store.close()


async def test_the_check_at_start_is_bounded_in_time_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.db"
    await _small_database(path)
    caplog.set_level(logging.WARNING)
    store = await Store.open(path, check_seconds=0)  # no time at all: the check stops at once, start-up goes on
    try:
        assert await store.schema_version() == latest_version()
        assert await store.tallies(1) == {1: 200, 2: 200, 3: 200}
    finally:
        await store.close()
    (warning,) = [r for r in caplog.records if "integrity check" in r.getMessage()]
    assert "stopped after 0 s" in warning.getMessage() and "python -m bot check" in warning.getMessage()
