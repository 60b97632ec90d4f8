"""Members' own progress through the film: one row per member, across servers, deleted by /progress clear."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Progress, Watched
from .base import StoreBase, iso

_UPSERT = (
    "INSERT INTO progress (user_id, watched, moment_id, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET watched = excluded.watched, moment_id = excluded.moment_id, "
    "updated_at = excluded.updated_at"
)


class ProgressStore(StoreBase):
    """Read on every private answer, so each member's row is kept in memory once read: this store is its only writer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._progress: dict[int, Progress | None] = {}

    async def progress(self, user_id: int) -> Progress | None:
        if user_id in self._progress:
            return self._progress[user_id]
        row = await self._row("SELECT watched, moment_id, updated_at FROM progress WHERE user_id = ?", (user_id,))
        found = (
            None
            if row is None
            else Progress(user_id, Watched(row["watched"]), row["moment_id"], datetime.fromisoformat(row["updated_at"]))
        )
        self._progress[user_id] = found
        return found

    async def set_progress(self, user_id: int, watched: Watched, moment_id: str | None, now: datetime) -> Progress:
        if moment_id is not None and watched is not Watched.PART_WAY:
            raise ValueError("a moment only goes with part way")
        async with self._write_lock:
            await self._conn.execute(_UPSERT, (user_id, watched.value, moment_id, iso(now)))
            saved = Progress(user_id, watched, moment_id, now)
            self._progress[user_id] = saved
        return saved

    async def clear_progress(self, user_id: int) -> bool:
        """Delete the member's row; False when there was none."""
        async with self._write_lock:
            cursor = await self._conn.execute("DELETE FROM progress WHERE user_id = ?", (user_id,))
            self._progress[user_id] = None
            return cursor.rowcount > 0
