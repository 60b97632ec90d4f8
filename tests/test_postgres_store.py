"""What only PostgreSQL has: several processes sharing one database. Two stores on one schema stand for two bot
processes: caches kept in step by NOTIFY, writers serialised per server, errors mapped to the bot's own.

The store's whole suite also runs on PostgreSQL (the ``store`` fixture in conftest.py is parametrised); this file
covers what a single store cannot show. Each test has its own schema, dropped after; skipped (one line) without a
PostgreSQL, failing with ``CI=true``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import postgres_schema

from bot.models import Level, Policy, Style, Watched
from bot.store import Store, StoreError
from bot.store.errors import QueueFull, StoreUnavailable

GUILD, CHANNEL, MOD = 1001, 2001, 3001
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one PostgreSQL schema, each with its own local SQLite file: two processes of a cluster."""
    async with postgres_schema() as url:
        one = await Store.open(tmp_path / "one.db", database_url=url)
        other = await Store.open(tmp_path / "other.db", database_url=url)
        try:
            await _until(lambda: _listening(one) and _listening(other))
            yield one, other
        finally:
            await one.close()
            await other.close()


def _listening(store: Store) -> bool:
    return bool(getattr(store._db, "listening", False))


async def _until(check: Callable[[], bool | Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = check()
        if not isinstance(found, bool):
            found = await found
        if found:
            return
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


async def test_a_setting_changed_in_one_process_is_seen_by_the_other(two: tuple[Store, Store]) -> None:
    one, other = two
    assert await other.policy(GUILD, CHANNEL) == Policy(Level.NONE, Style.WRAP, Policy().source)  # now cached there
    assert CHANNEL in other._own_settings and GUILD in other._defaults

    await one.set_channel(GUILD, CHANNEL, Policy(Level.ENDING, Style.PRIVATE), MOD, T0)
    await _until(lambda: CHANNEL not in other._own_settings)  # dropped when told, read afresh after
    assert await other.channel_setting(CHANNEL) == Policy(Level.ENDING, Style.PRIVATE)

    await one.set_default(GUILD, Policy(Level.PLOT), MOD, T0)
    await _until(lambda: GUILD not in other._defaults)
    assert await other.guild_default(GUILD) == Policy(Level.PLOT)

    await one.reset_channel(GUILD, CHANNEL, MOD, T0)
    await _until(lambda: other._own_settings.get(CHANNEL, Policy()) is None or CHANNEL not in other._own_settings)
    assert await other.channel_setting(CHANNEL) is None
    # the writer's own cache holds what it wrote (its own announcement only drops it, to be read again)
    assert await one.channel_setting(CHANNEL) is None and await one.guild_default(GUILD) == Policy(Level.PLOT)


async def test_a_read_under_way_when_told_of_a_change_does_not_refill_the_cache(two: tuple[Store, Store]) -> None:
    one, other = two
    await one.set_channel(GUILD, CHANNEL, Policy(Level.PLOT), MOD, T0)
    read = asyncio.create_task(other.channel_setting(CHANNEL))
    await asyncio.sleep(0)  # the read has sent its query and waits for the row
    assert not read.done()
    other._state_changed(f"channel:{CHANNEL}")  # an announcement arriving while the read waits for its row
    await read
    assert CHANNEL not in other._own_settings  # the next read goes to the database


async def test_a_dropped_listener_forgets_every_cached_setting_until_it_is_back(two: tuple[Store, Store]) -> None:
    one, other = two
    await other.policy(GUILD, CHANNEL)
    assert len(other._own_settings) == 1
    await one._db.execute(  # type: ignore[attr-defined]
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ?",
        (other._db._listening.get_server_pid(),),  # type: ignore[attr-defined]
    )
    await _until(lambda: len(other._own_settings) == 0)
    await _until(lambda: _listening(other))  # back, so announcements arrive again
    await other.policy(GUILD, CHANNEL)
    await one.set_channel(GUILD, CHANNEL, Policy(Level.ENDING), MOD, T0)
    await _until(lambda: CHANNEL not in other._own_settings)
    assert await other.channel_setting(CHANNEL) == Policy(Level.ENDING)


async def test_progress_set_in_one_process_is_seen_by_the_other(two: tuple[Store, Store]) -> None:
    one, other = two
    assert await other.progress(42) is None  # cached there as "none"
    await one.set_progress(42, Watched.SEEN_ALL, None, T0)
    await _until(lambda: other._progress is not None and 42 not in other._progress)
    found = await other.progress(42)
    assert found is not None and found.watched is Watched.SEEN_ALL


async def test_two_processes_changing_one_channel_log_each_change_with_what_it_replaced(
    two: tuple[Store, Store],
) -> None:
    one, other = two
    levels = [Level.PLOT, Level.ENDING] * 10
    await asyncio.gather(
        *(
            (one if n % 2 else other).set_channel(GUILD, CHANNEL, Policy(level, Style.WRAP), MOD + n, T0)
            for n, level in enumerate(levels)
        )
    )
    changes = list(reversed(await one.recent_changes(GUILD, limit=100)))
    assert changes, "nothing logged"
    # each logged change starts from what the one before it left: no two writers read the same old value
    for before, after in itertools.pairwise(changes):
        assert after.old == before.new
    last = changes[-1].new
    assert last is not None and await one.channel_setting(CHANNEL) == Policy(Level[last.split("/")[0].upper()])


async def test_suggestion_caps_hold_across_processes(two: tuple[Store, Store]) -> None:
    one, other = two

    async def suggest(n: int) -> bool:
        store = one if n % 2 else other
        try:
            return await store.add_member_theory(GUILD, f"Title {n}", "A claim.", 7, T0, caps=(5, 50)) is not None
        except QueueFull:
            return False

    added = await asyncio.gather(*(suggest(n) for n in range(20)))
    assert sum(added) == 5 and await one.waiting_counts(GUILD, 7) == (5, 5)


async def test_a_title_taken_in_another_process_is_refused_whatever_the_case(two: tuple[Store, Store]) -> None:
    one, other = two
    assert await one.add_member_theory(GUILD, "Harry is a memory", "A claim.", 7, T0) is not None
    assert await other.add_member_theory(GUILD, "HARRY IS A MEMORY", "Same, louder.", 8, T0) is None


async def test_votes_from_both_processes_count_once_each(two: tuple[Store, Store]) -> None:
    one, other = two
    poll = await one.create_poll(
        GUILD,
        CHANNEL,
        MOD,
        hidden=False,
        created_at=T0,
        closes_at=T0.replace(year=2027),
        options=[("a", "A", Level.NONE), ("b", "B", Level.NONE)],
    )
    await asyncio.gather(*((one if u % 2 else other).vote(poll.id, u, u % 2 + 1, T0) for u in range(200)))
    assert await other.tallies(poll.id) == {1: 100, 2: 100}
    closed = await asyncio.gather(one.close_poll(poll.id, T0), other.close_poll(poll.id, T0))
    assert sorted(closed) == [False, True]  # closed exactly once
    assert sum(t.votes for t in await one.theory_totals(GUILD)) == 200


async def test_a_lost_server_is_told_to_members_and_logged_once(
    two: tuple[Store, Store], caplog: pytest.LogCaptureFixture
) -> None:
    one, _ = two
    await one._db._pool.close()  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="bot.store.postgres"):
        for _ in range(3):
            with pytest.raises(StoreUnavailable) as raised:
                await one.channel_settings(GUILD)
            assert "can't reach" in raised.value.message
    assert len([r for r in caplog.records if "cannot be reached" in r.getMessage()]) == 1


async def test_an_unreachable_server_stops_start_up_with_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as raised:
        await Store.open(tmp_path / "s.db", database_url="postgresql://nobody:secret@127.0.0.1:9/strangers")
    text = str(raised.value)
    assert text.startswith("Cannot connect to PostgreSQL at 127.0.0.1:9/strangers") and "secret" not in text
    assert "DATABASE_URL" in text
