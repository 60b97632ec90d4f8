"""The public edits of open polls' messages, coalesced: at most one edit per poll every ``interval`` seconds.

A vote press is answered with one private note (one REST call); the poll's message is brought up to date apart from
it. The first press after a quiet spell is shown at once; presses during an edit or the ``interval`` after it are
gathered into the next edit, which reads the counts fresh from the store when it runs, so the last edit always shows
the last votes. Closing a poll takes the same per-poll lock as these edits, so an open poll's counts are never written
over its final results (and at close the counts are exact: they are read after the poll stopped taking votes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 2.0  # seconds between two edits of one poll's message

Edit = Callable[[int], Awaitable[None]]


class PollUpdates:
    """Schedules ``edit(poll_id)`` for polls whose votes changed; ``lock(poll_id)`` serialises a poll's edits."""

    def __init__(self, edit: Edit, interval: float = DEFAULT_INTERVAL) -> None:
        self._edit = edit
        self.interval = interval
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def changed(self, poll_id: int) -> None:
        """A poll's votes changed: its message will show them within ``interval`` seconds."""
        self._dirty.add(poll_id)
        task = self._tasks.get(poll_id)
        if task is None or task.done():
            self._tasks[poll_id] = asyncio.create_task(self._run(poll_id), name=f"poll-{poll_id}-update")

    @contextlib.asynccontextmanager
    async def lock(self, poll_id: int) -> AsyncIterator[None]:
        """Held while a poll's message is edited, by these updates and by whoever shows its final results."""
        lock = self._locks.get(poll_id)
        if lock is None:
            lock = self._locks[poll_id] = asyncio.Lock()
        async with lock:
            yield

    async def _run(self, poll_id: int) -> None:
        try:
            while poll_id in self._dirty:
                self._dirty.discard(poll_id)  # presses from now on make another round
                try:
                    await self._edit(poll_id)
                except Exception:
                    log.exception("Could not show the latest votes on theory poll #%d", poll_id)
                # The quiet spell: presses during it are gathered into the next round's one edit.
                await asyncio.sleep(self.interval)
        finally:
            if self._tasks.get(poll_id) is asyncio.current_task():
                del self._tasks[poll_id]

    async def flush(self) -> None:
        """Wait for every scheduled edit (used before stopping, and by tests of the final state)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop scheduling; every poll voted on lately is shown once more as it is now (within ``timeout``)."""
        recent = set(self._tasks) | self._dirty
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()
        self._dirty.clear()
        if recent:
            try:
                async with asyncio.timeout(timeout):
                    for poll_id in sorted(recent):
                        await self._edit(poll_id)
            except TimeoutError:  # Discord kept us waiting (a rate limit): not a fault of ours, nothing to trace
                log.warning(
                    "Stopped before showing the latest votes of %d theory poll(s) within %.0f s; their messages show "
                    "the votes of their last edit (the counts are kept)",
                    len(recent),
                    timeout,
                )
            except Exception:
                log.exception("Could not show the latest votes of %d theory polls while stopping", len(recent))
