"""Members' own progress through the film: one row per member, across servers, deleted by /progress clear."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Progress, Watched
from .base import StoreBase, iso
from .cache import LRUCache

MEMBERS_CACHED = 50_000  # members whose progress each process keeps in memory (the most recently used)

_UPSERT = (
    "INSERT INTO progress (user_id, watched, moment_id, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET watched = excluded.watched, moment_id = excluded.moment_id, "
    "updated_at = excluded.updated_at"
)


class ProgressStore(StoreBase):
    """Read on every private answer, so each member's row is kept in memory once read (a bounded LRU cache), as long as
    this store is its only writer.

    A member's progress follows them across servers, so in a cluster the process that holds one server may change
    what another process has cached: ``share_progress`` turns the cache off there, and each read is one lookup by
    primary key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._progress: LRUCache[int, Progress | None] | None = LRUCache(MEMBERS_CACHED)

    def share_progress(self) -> None:
        """Other processes write members' progress too (this one runs only some of the shards): never cache it."""
        self._progress = None

    async def progress(self, user_id: int) -> Progress | None:
        if self._progress is not None and user_id in self._progress:
            return self._progress[user_id]
        row = await self._row("SELECT watched, moment_id, updated_at FROM progress WHERE user_id = ?", (user_id,))
        found = (
            None
            if row is None
            else Progress(user_id, Watched(row["watched"]), row["moment_id"], datetime.fromisoformat(row["updated_at"]))
        )
        if self._progress is not None:
            self._progress.setdefault(user_id, found)  # a write that raced this read keeps its newer value
        return found

    async def set_progress(self, user_id: int, watched: Watched, moment_id: str | None, now: datetime) -> Progress:
        if moment_id is not None and watched is not Watched.PART_WAY:
            raise ValueError("a moment only goes with part way")
        async with self._write_lock:
            await self._conn.execute(_UPSERT, (user_id, watched.value, moment_id, iso(now)))
            saved = Progress(user_id, watched, moment_id, now)
            if self._progress is not None:
                self._progress[user_id] = saved
        return saved

    async def clear_progress(self, user_id: int) -> bool:
        """Delete the member's row; False when there was none."""
        async with self._write_lock:
            cursor = await self._conn.execute("DELETE FROM progress WHERE user_id = ?", (user_id,))
            if self._progress is not None:
                self._progress[user_id] = None
            return cursor.rowcount > 0
