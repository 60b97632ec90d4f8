"""Spoiler settings: each server's default, each channel's own setting, and the log of every change."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from ..models import ChannelSetting, Level, Policy, SettingChange, Style, resolve_policy
from .base import StoreBase, iso
from .cache import LRUCache

# How many channels' own settings and servers' defaults each process keeps in memory (the most recently used).
# A cached entry costs about 200 bytes: some 10 MiB at the cap, whatever the number of servers.
CHANNELS_CACHED = 40_000
GUILDS_CACHED = 10_000


def _policy(row: sqlite3.Row | None) -> Policy | None:
    if row is None:
        return None
    return Policy(Level(row["allowed"]), Style(row["style"]))


def _label(policy: Policy | None) -> str | None:
    return None if policy is None else f"{policy.allowed.label}/{policy.style.value}"


class PolicyStore(StoreBase):
    """Every answer asks for its channel's policy, so settings are cached in memory after their first read, in LRU
    caches of a fixed size (the least recently used entries are read again from the database when next needed).

    This store is the only writer of the settings tables and updates the cache after each committed write. A read
    that raced a write only fills the cache where the write has not (``setdefault``), so it can never put back
    a value older than the write. In a cluster, a server's settings are changed by the moderators' commands, which
    Discord sends only to the process whose shard holds that server, the one process that caches them: no other
    process ever has a copy to keep in step.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # channel id -> its own setting (None: it has none); guild id -> its default
        self._own_settings: LRUCache[int, Policy | None] = LRUCache(CHANNELS_CACHED)
        self._defaults: LRUCache[int, Policy] = LRUCache(GUILDS_CACHED)

    async def guild_default(self, guild_id: int) -> Policy:
        cached = self._defaults.get(guild_id)
        if cached is not None:
            return cached
        row = await self._row("SELECT allowed, style FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return self._defaults.setdefault(guild_id, _policy(row) or Policy())

    async def channel_setting(self, channel_id: int) -> Policy | None:
        if channel_id in self._own_settings:
            return self._own_settings[channel_id]
        row = await self._row("SELECT allowed, style FROM channel_settings WHERE channel_id = ?", (channel_id,))
        return self._own_settings.setdefault(channel_id, _policy(row))

    def forget_guild(self, guild_id: int) -> None:
        """Drop a server's cached default (the bot left it); its channels' entries age out of the cache."""
        self._defaults.pop(guild_id)

    async def policy(self, guild_id: int, channel_id: int, parent_id: int | None = None) -> Policy:
        """What a channel may show: its own setting, else its parent's (threads), else the server default."""
        own = await self.channel_setting(channel_id)
        parent = await self.channel_setting(parent_id) if parent_id and own is None else None
        return resolve_policy(await self.guild_default(guild_id), own, parent)

    async def set_channel(
        self, guild_id: int, channel_id: int, policy: Policy, actor_id: int, now: datetime
    ) -> Policy | None:
        """Give a channel its own setting; returns the setting it had before (None if it followed another).

        Writes are serialised by the transaction lock, so of two moderators changing the same channel at once the
        last one wins and both changes are logged, each with the value it replaced. Setting what is already there
        changes nothing and logs nothing.

        ``now`` is when the change is logged.
        """
        policy = policy.bare()
        async with self.transaction() as db:
            old = await self.channel_setting(channel_id)
            if old == policy:
                return old
            await db.execute(
                "INSERT INTO channel_settings (channel_id, guild_id, allowed, style) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET allowed = excluded.allowed, style = excluded.style",
                (channel_id, guild_id, int(policy.allowed), policy.style.value),
            )
            await self._log(guild_id, channel_id, actor_id, _label(old), _label(policy), now)
        self._own_settings[channel_id] = policy
        return old

    async def reset_channel(self, guild_id: int, channel_id: int, actor_id: int, now: datetime) -> Policy | None:
        """Drop a channel's own setting; returns what it was (None: it had none, and nothing is logged)."""
        async with self.transaction() as db:
            old = await self.channel_setting(channel_id)
            if old is not None:
                await db.execute("DELETE FROM channel_settings WHERE channel_id = ?", (channel_id,))
                await self._log(guild_id, channel_id, actor_id, _label(old), None, now)
        self._own_settings[channel_id] = None
        return old

    async def set_default(self, guild_id: int, policy: Policy, actor_id: int, now: datetime) -> Policy:
        """Change the server default; returns the one before. Like ``set_channel``: logged, unless unchanged."""
        policy = policy.bare()
        async with self.transaction() as db:
            old = await self.guild_default(guild_id)
            if old == policy:
                return old
            await db.execute(
                "INSERT INTO guild_settings (guild_id, allowed, style) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET allowed = excluded.allowed, style = excluded.style",
                (guild_id, int(policy.allowed), policy.style.value),
            )
            await self._log(guild_id, None, actor_id, _label(old), _label(policy), now)
        self._defaults[guild_id] = policy
        return old

    async def channel_settings(self, guild_id: int) -> list[ChannelSetting]:
        rows = await self._rows(
            "SELECT channel_id, allowed, style FROM channel_settings WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return [ChannelSetting(r["channel_id"], Level(r["allowed"]), Style(r["style"])) for r in rows]

    async def recent_changes(self, guild_id: int, limit: int = 10) -> list[SettingChange]:
        rows = await self._rows(
            "SELECT channel_id, actor_id, old, new, changed_at FROM settings_log WHERE guild_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            SettingChange(r["channel_id"], r["actor_id"], r["old"], r["new"], datetime.fromisoformat(r["changed_at"]))
            for r in rows
        ]

    async def _log(
        self, guild_id: int, channel_id: int | None, actor_id: int, old: str | None, new: str | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO settings_log (guild_id, channel_id, actor_id, old, new, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, actor_id, old, new, iso(now)),
        )
