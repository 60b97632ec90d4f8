"""The bounded cache of spoiler settings: least recently used entries go first, and the cap holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Level, Policy, Style, Watched
from bot.store import Store
from bot.store.cache import LRUCache


def test_lru_keeps_the_most_recently_used_within_its_size() -> None:
    cache: LRUCache[int, str] = LRUCache(3)
    for key in range(3):
        cache[key] = str(key)
    assert cache[0] == "0"  # read: now the newest
    cache[3] = "3"  # the oldest (1) goes
    assert 1 not in cache and [k for k in (0, 2, 3) if k in cache] == [0, 2, 3]
    assert cache.setdefault(2, "other") == "2"  # already there: kept, made newest
    cache[4] = "4"  # now 0 is the oldest
    assert 0 not in cache and len(cache) == 3
    assert cache.get(99) is None and cache.get(99, "x") == "x"
    cache.pop(2)
    cache.pop(2)  # popping what is not there is harmless
    assert len(cache) == 2
    with pytest.raises(ValueError):
        LRUCache(0)


async def test_settings_cache_stays_bounded_and_reads_back_what_it_dropped(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    small_channels: LRUCache[int, Policy | None] = LRUCache(5)
    small_guilds: LRUCache[int, Policy] = LRUCache(2)
    monkeypatch.setattr(store, "_own_settings", small_channels)
    monkeypatch.setattr(store, "_defaults", small_guilds)
    plot = Policy(Level.PLOT, Style.PRIVATE)
    await store.set_channel(1, 100, plot, actor_id=7, now=now)
    await store.set_default(1, Policy(Level.ENDING, Style.WRAP), actor_id=7, now=now)
    for channel in range(200, 260):  # many other channels read, in many servers
        assert await store.policy(channel, channel) == Policy()
    assert len(small_channels) == 5 and len(small_guilds) == 2
    assert 100 not in small_channels and 1 not in small_guilds
    # dropped from memory, not lost: read again from the database
    assert await store.channel_setting(100) == plot
    assert await store.guild_default(1) == Policy(Level.ENDING, Style.WRAP)
    store.forget_guild(1)
    assert 1 not in small_guilds
    assert await store.guild_default(1) == Policy(Level.ENDING, Style.WRAP)


async def test_progress_shared_between_processes_is_read_fresh(tmp_path: Path) -> None:
    """Two stores on one database, as two processes of a cluster: a member's progress set through one is what the
    other answers with, once it no longer caches progress (``share_progress``, set by a bot running some shards)."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    one, other = await Store.open(tmp_path / "shared.db"), await Store.open(tmp_path / "shared.db")
    try:
        other.share_progress()
        assert await other.progress(42) is None
        await one.set_progress(42, Watched.SEEN_ALL, None, now)
        found = await other.progress(42)
        assert found is not None and found.watched is Watched.SEEN_ALL
        assert await one.clear_progress(42)
        assert await other.progress(42) is None
    finally:
        await one.close()
        await other.close()
