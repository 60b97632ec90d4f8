"""Closing polls at their deadline: sleep until the earliest one, wake early when polls open or close.

In a cluster each process closes only the polls of the servers its shards own, so every poll is closed by exactly one
process (and ``close_poll`` is atomic besides: of two closers racing on one poll, one wins and shows the results)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.models import Poll, Shards
from bot.store import Store

log = logging.getLogger(__name__)

MAX_SLEEP = 3600.0  # the closer re-checks at least hourly, in case the clock jumped
RETRY_AFTER = 60.0  # after a failure, so a poll that cannot be closed is not retried in a tight loop

CloseAndShow = Callable[[Poll, datetime], Awaitable[bool]]


class PollCloser:
    """Runs from the bot's first ready to the cog's unload; ``close`` closes one poll and edits its message."""

    def __init__(
        self,
        store: Callable[[], Store],
        close: CloseAndShow,
        now: Callable[[], datetime],
        shards: Callable[[], Shards] = Shards,
    ) -> None:
        self._store = store
        self._close = close
        self._now = now
        self._shards = shards  # read at each pass: the shard count is known once the bot has connected
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start closing polls (again harmless: a running closer keeps running)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="theory-poll-closer")

    def wake(self) -> None:
        """Deadlines changed (a poll opened, closed or moved): recompute when to wake up."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                delay = await self.close_due()
            except Exception:
                log.exception("Closing due theory polls failed; trying again in a minute")
                delay = RETRY_AFTER
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def close_due(self) -> float | None:
        """Close every poll past its deadline in the servers this process owns; return how long to sleep until the
        next one (None: no open poll there)."""
        store, shards = self._store(), self._shards()
        failed = False
        for poll in await store.due_polls(self._now(), shards):
            try:
                await self._close(poll, poll.closes_at)
            except Exception:
                log.exception("Could not close theory poll #%d; trying again in a minute", poll.id)
                failed = True
        deadline = await store.next_deadline(shards)
        if deadline is None:
            return None
        # A poll that could not be closed keeps the earliest deadline: wait a minute rather than spin on it.
        return min(MAX_SLEEP, max(RETRY_AFTER if failed else 0.0, (deadline - self._now()).total_seconds()))
