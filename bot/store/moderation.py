"""The log of "Hide spoilers": which member's message a moderator hid, where and when."""

from __future__ import annotations

from datetime import datetime

from ..models import HiddenMessage
from .base import StoreBase, iso


class ModerationStore(StoreBase):
    async def log_hidden(self, hidden: HiddenMessage) -> None:
        await self._db.execute(
            "INSERT INTO hidden_messages (guild_id, channel_id, message_id, repost_id, author_id, moderator_id, "
            "hidden_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                hidden.guild_id,
                hidden.channel_id,
                hidden.message_id,
                hidden.repost_id,
                hidden.author_id,
                hidden.moderator_id,
                iso(hidden.hidden_at),
            ),
        )

    async def hidden_messages(self, guild_id: int, limit: int = 10) -> list[HiddenMessage]:
        """The server's latest hidden messages, newest first."""
        rows = await self._db.rows(
            "SELECT guild_id, channel_id, message_id, repost_id, author_id, moderator_id, hidden_at "
            "FROM hidden_messages WHERE guild_id = ? ORDER BY hidden_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            HiddenMessage(
                r["guild_id"],
                r["channel_id"],
                r["message_id"],
                r["repost_id"],
                r["author_id"],
                r["moderator_id"],
                datetime.fromisoformat(r["hidden_at"]),
            )
            for r in rows
        ]
