"""The quote rotation: which of Andrew Haigh's quotes each channel has seen in its current round, and when."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from ..quotes import Pick
from .base import StoreBase

Chooser = Callable[[Mapping[str, datetime]], Pick]
_TICK = timedelta(microseconds=1)


class QuoteStore(StoreBase):
    async def quotes_shown(self, channel_id: int) -> dict[str, datetime]:
        """The quotes of the channel's current round, with when each was last shown."""
        rows = await self._rows("SELECT quote_id, shown_at FROM quote_rotation WHERE channel_id = ?", (channel_id,))
        return {r["quote_id"]: datetime.fromisoformat(r["shown_at"]) for r in rows}

    async def take_next_quote(self, channel_id: int, choose: Chooser) -> Pick:
        """Pick the channel's next quote with ``choose`` (given the current round) and record it, atomically.

        Two members asking at once in one channel get different quotes: the read, the choice and the write
        happen under the store's write lock. A pick that starts a new round clears the old round first.
        """
        async with self.transaction() as db:
            shown = await self.quotes_shown(channel_id)
            pick = choose(shown)
            if pick.new_round:
                await db.execute("DELETE FROM quote_rotation WHERE channel_id = ?", (channel_id,))
            # Strictly later than anything already shown here, so "the last one shown" is never a tie.
            now = datetime.now(UTC)
            if shown:
                now = max(now, max(shown.values()) + _TICK)
            await db.execute(
                "INSERT INTO quote_rotation (channel_id, quote_id, shown_at) VALUES (?, ?, ?) "
                "ON CONFLICT (channel_id, quote_id) DO UPDATE SET shown_at = excluded.shown_at",
                (channel_id, pick.quote_id, now.isoformat()),
            )
        return pick
