"""Spoiler settings: each server's default, each channel's own setting, and the log of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..models import Level
from ..spoilers import Policy, Style, resolve_policy
from .base import StoreBase


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    channel_id: int
    allowed: Level
    style: Style


@dataclass(frozen=True, slots=True)
class SettingChange:
    channel_id: int | None  # None: the server default
    actor_id: int
    old: str | None
    new: str | None
    changed_at: datetime


def _policy(row: object) -> Policy | None:
    if row is None:
        return None
    return Policy(Level(row["allowed"]), Style(row["style"]))  # type: ignore[index]


def _bare(policy: Policy) -> Policy:
    """The stored part of a policy (where a resolved policy came from is not stored)."""
    return Policy(policy.allowed, policy.style)


def _label(policy: Policy | None) -> str | None:
    return None if policy is None else f"{policy.allowed.label}/{policy.style.value}"


class SpoilerStore(StoreBase):
    async def guild_default(self, guild_id: int) -> Policy:
        async with self._conn.execute(
            "SELECT allowed, style FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ) as cur:
            return _policy(await cur.fetchone()) or Policy()

    async def channel_setting(self, channel_id: int) -> Policy | None:
        async with self._conn.execute(
            "SELECT allowed, style FROM channel_settings WHERE channel_id = ?", (channel_id,)
        ) as cur:
            return _policy(await cur.fetchone())

    async def policy(self, guild_id: int, channel_id: int, parent_id: int | None = None) -> Policy:
        """What a channel may show: its own setting, else its parent's (threads), else the server default."""
        sql = (
            "SELECT 0 AS rank, allowed, style FROM channel_settings WHERE channel_id = ? "
            "UNION ALL SELECT 1, allowed, style FROM channel_settings WHERE channel_id = ? "
            "UNION ALL SELECT 2, allowed, style FROM guild_settings WHERE guild_id = ?"
        )
        found: dict[int, Policy | None] = {}
        async with self._conn.execute(sql, (channel_id, parent_id or -1, guild_id)) as cur:
            for row in await cur.fetchall():
                found[row["rank"]] = _policy(row)
        return resolve_policy(found.get(2) or Policy(), found.get(0), found.get(1))

    async def set_channel(self, guild_id: int, channel_id: int, policy: Policy, actor_id: int) -> Policy | None:
        """Give a channel its own setting; returns the setting it had before (None if it followed another).

        Writes are serialised by the transaction lock, so of two moderators changing the same channel at once the
        last one wins and both changes are logged, each with the value it replaced. Setting what is already there
        changes nothing and logs nothing.
        """
        policy = _bare(policy)
        async with self.transaction() as db:
            old = await self.channel_setting(channel_id)
            if old == policy:
                return old
            await db.execute(
                "INSERT INTO channel_settings (channel_id, guild_id, allowed, style) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET allowed = excluded.allowed, style = excluded.style",
                (channel_id, guild_id, int(policy.allowed), policy.style.value),
            )
            await self._log(guild_id, channel_id, actor_id, _label(old), _label(policy))
        return old

    async def reset_channel(self, guild_id: int, channel_id: int, actor_id: int) -> Policy | None:
        """Drop a channel's own setting; returns what it was (None: it had none, and nothing is logged)."""
        async with self.transaction() as db:
            old = await self.channel_setting(channel_id)
            if old is not None:
                await db.execute("DELETE FROM channel_settings WHERE channel_id = ?", (channel_id,))
                await self._log(guild_id, channel_id, actor_id, _label(old), None)
        return old

    async def set_default(self, guild_id: int, policy: Policy, actor_id: int) -> Policy:
        """Change the server default; returns the one before. Like ``set_channel``: logged, unless unchanged."""
        policy = _bare(policy)
        async with self.transaction() as db:
            old = await self.guild_default(guild_id)
            if old == policy:
                return old
            await db.execute(
                "INSERT INTO guild_settings (guild_id, allowed, style) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET allowed = excluded.allowed, style = excluded.style",
                (guild_id, int(policy.allowed), policy.style.value),
            )
            await self._log(guild_id, None, actor_id, _label(old), _label(policy))
        return old

    async def channel_settings(self, guild_id: int) -> list[ChannelSetting]:
        async with self._conn.execute(
            "SELECT channel_id, allowed, style FROM channel_settings WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        ) as cur:
            return [
                ChannelSetting(r["channel_id"], Level(r["allowed"]), Style(r["style"])) for r in await cur.fetchall()
            ]

    async def recent_changes(self, guild_id: int, limit: int = 10) -> list[SettingChange]:
        async with self._conn.execute(
            "SELECT channel_id, actor_id, old, new, changed_at FROM settings_log WHERE guild_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        ) as cur:
            return [
                SettingChange(
                    r["channel_id"], r["actor_id"], r["old"], r["new"], datetime.fromisoformat(r["changed_at"])
                )
                for r in await cur.fetchall()
            ]

    async def _log(
        self, guild_id: int, channel_id: int | None, actor_id: int, old: str | None, new: str | None
    ) -> None:
        await self._conn.execute(
            "INSERT INTO settings_log (guild_id, channel_id, actor_id, old, new, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, actor_id, old, new, datetime.now(UTC).isoformat()),
        )
