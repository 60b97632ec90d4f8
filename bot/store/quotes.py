"""The quote rotation: which of Andrew Haigh's quotes each channel has seen in its current round, and when."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..models import Pick
from .base import StoreBase
from .cache import LRUCache

CHANNELS_CACHED = 20_000  # channels whose current round of quotes each process keeps in memory

Chooser = Callable[[Mapping[str, datetime]], Pick]
_TICK = timedelta(microseconds=1)
_RECORD = (
    "INSERT INTO quote_rotation (channel_id, quote_id, shown_at) VALUES (?, ?, ?) "
    "ON CONFLICT (channel_id, quote_id) DO UPDATE SET shown_at = excluded.shown_at"
)


class QuoteStore(StoreBase):
    """Each channel's current round is read once and then kept in memory (a bounded LRU cache): this store is its only
    writer, also in a cluster, where a channel's commands all reach the process that holds its server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rounds: LRUCache[int, dict[str, datetime]] = LRUCache(CHANNELS_CACHED)

    async def quotes_shown(self, channel_id: int) -> dict[str, datetime]:
        """The quotes of the channel's current round, with when each was last shown."""
        rows = await self._rows("SELECT quote_id, shown_at FROM quote_rotation WHERE channel_id = ?", (channel_id,))
        return {r["quote_id"]: datetime.fromisoformat(r["shown_at"]) for r in rows}

    async def take_next_quote(self, channel_id: int, choose: Chooser, now: datetime) -> Pick:
        """Pick the channel's next quote with ``choose`` (given the current round) and record it, atomically.

        Two members asking at once in one channel get different quotes: the read, the choice and the write
        happen under the store's write lock. Usually one statement; a pick that starts a new round also clears
        the old round, in the same transaction. The round in memory changes only once the write succeeded.
        """
        async with self._write_lock:
            shown = self._rounds.get(channel_id)
            if shown is None:
                shown = await self.quotes_shown(channel_id)
            pick = choose(dict(shown))
            # Strictly later than anything already shown here, so "the last one shown" is never a tie.
            at = now
            if shown:
                at = max(at, max(shown.values()) + _TICK)
            record = (channel_id, pick.quote_id, at.isoformat())
            if pick.new_round:
                async with self._atomic() as db:
                    await db.execute("DELETE FROM quote_rotation WHERE channel_id = ?", (channel_id,))
                    await db.execute(_RECORD, record)
                self._rounds[channel_id] = {pick.quote_id: at}
            else:
                await self._conn.execute(_RECORD, record)
                self._rounds[channel_id] = shown | {pick.quote_id: at}
        return pick
