"""The spoiler settings part of the store: resolution order, the change log, no-op writes and concurrent writers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.models import ChannelSetting, Level, Policy, Source, Style
from bot.store import Store

GUILD, OTHER_GUILD = 1001, 1002
CHANNEL, THREAD, OTHER_CHANNEL = 2001, 2002, 2003
MOD, MOD2 = 3001, 3002
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # the clock is given to the store, like every write


async def test_a_new_server_shows_nothing_and_wraps(store: Store) -> None:
    assert await store.guild_default(GUILD) == Policy(Level.NONE, Style.WRAP)
    assert await store.policy(GUILD, CHANNEL) == Policy(Level.NONE, Style.WRAP, Source.DEFAULT)


async def test_own_setting_beats_parent_beats_default(store: Store) -> None:
    await store.set_default(GUILD, Policy(Level.PLOT, Style.PRIVATE), MOD, T0)
    assert await store.policy(GUILD, THREAD, CHANNEL) == Policy(Level.PLOT, Style.PRIVATE, Source.DEFAULT)

    await store.set_channel(GUILD, CHANNEL, Policy(Level.ENDING), MOD, T0)
    assert await store.policy(GUILD, THREAD, CHANNEL) == Policy(Level.ENDING, Style.WRAP, Source.PARENT)
    assert await store.policy(GUILD, CHANNEL) == Policy(Level.ENDING, Style.WRAP, Source.CHANNEL)

    await store.set_channel(GUILD, THREAD, Policy(Level.NONE, Style.PRIVATE), MOD, T0)
    assert await store.policy(GUILD, THREAD, CHANNEL) == Policy(Level.NONE, Style.PRIVATE, Source.CHANNEL)

    await store.reset_channel(GUILD, THREAD, MOD, T0)
    assert (await store.policy(GUILD, THREAD, CHANNEL)).source is Source.PARENT


async def test_defaults_are_per_server(store: Store) -> None:
    await store.set_default(GUILD, Policy(Level.ENDING), MOD, T0)
    assert (await store.policy(OTHER_GUILD, OTHER_CHANNEL)).allowed is Level.NONE
    await store.set_channel(GUILD, CHANNEL, Policy(Level.PLOT), MOD, T0)
    assert await store.channel_settings(OTHER_GUILD) == []
    assert await store.channel_settings(GUILD) == [ChannelSetting(CHANNEL, Level.PLOT, Style.WRAP)]


async def test_every_change_is_logged_with_who_old_new_and_when(store: Store) -> None:
    assert await store.set_channel(GUILD, CHANNEL, Policy(Level.PLOT), MOD, T0) is None
    assert await store.set_channel(GUILD, CHANNEL, Policy(Level.ENDING, Style.PRIVATE), MOD2, T0) == Policy(Level.PLOT)
    assert await store.set_default(GUILD, Policy(Level.PLOT), MOD, T0) == Policy()
    assert await store.reset_channel(GUILD, CHANNEL, MOD2, T0) == Policy(Level.ENDING, Style.PRIVATE)

    changes = await store.recent_changes(GUILD)
    assert [(c.channel_id, c.actor_id, c.old, c.new) for c in changes] == [
        (CHANNEL, MOD2, "ending/private", None),
        (None, MOD, "none/wrap", "plot/wrap"),
        (CHANNEL, MOD2, "plot/wrap", "ending/private"),
        (CHANNEL, MOD, None, "plot/wrap"),
    ]
    assert all(c.changed_at == T0 for c in changes)
    assert await store.recent_changes(OTHER_GUILD) == []
    assert len(await store.recent_changes(GUILD, limit=2)) == 2


async def test_writing_what_is_already_there_changes_and_logs_nothing(store: Store) -> None:
    await store.set_channel(GUILD, CHANNEL, Policy(Level.PLOT), MOD, T0)
    # A resolved policy (which remembers where it came from) counts as the same setting.
    assert await store.set_channel(GUILD, CHANNEL, Policy(Level.PLOT, Style.WRAP, Source.CHANNEL), MOD2, T0) == Policy(
        Level.PLOT
    )
    assert await store.set_default(GUILD, Policy(), MOD, T0) == Policy()
    assert await store.reset_channel(GUILD, THREAD, MOD, T0) is None
    assert len(await store.recent_changes(GUILD)) == 1


async def test_concurrent_changes_last_write_wins_and_both_are_logged(store: Store) -> None:
    await asyncio.gather(
        store.set_channel(GUILD, CHANNEL, Policy(Level.PLOT), MOD, T0),
        store.set_channel(GUILD, CHANNEL, Policy(Level.ENDING, Style.PRIVATE), MOD2, T0),
    )
    changes = list(reversed(await store.recent_changes(GUILD)))
    assert len(changes) == 2
    # Each change replaced exactly what the one before it wrote: nothing was lost in between.
    assert changes[0].old is None
    assert changes[1].old == changes[0].new
    last = changes[1].new
    assert last is not None
    current = await store.channel_setting(CHANNEL)
    assert current is not None and f"{current.allowed.label}/{current.style.value}" == last


async def test_settings_survive_reopening_the_database(store: Store) -> None:
    await store.set_channel(GUILD, CHANNEL, Policy(Level.ENDING, Style.PRIVATE), MOD, T0)
    await store.set_default(GUILD, Policy(Level.PLOT), MOD, T0)
    reopened = await Store.open(store.path, database_url=store.database_url)
    try:
        assert await reopened.policy(GUILD, THREAD, CHANNEL) == Policy(Level.ENDING, Style.PRIVATE, Source.PARENT)
        assert await reopened.guild_default(GUILD) == Policy(Level.PLOT)
        assert len(await reopened.recent_changes(GUILD)) == 2
    finally:
        await reopened.close()
