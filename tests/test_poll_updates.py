"""The coalesced edits of open polls' messages (cogs/theories/updates.py): a recording edit, short intervals."""

from __future__ import annotations

import asyncio
import itertools
import time

from cogs.theories.updates import PollUpdates


class Recorder:
    """Stands for the cog's edit: records when each poll's message was edited and what the votes were then."""

    def __init__(self, votes: dict[int, int]) -> None:
        self.votes = votes
        self.edits: list[tuple[int, float, int]] = []  # (poll, when, votes shown)

    async def edit(self, poll_id: int) -> None:
        shown = self.votes.get(poll_id, 0)  # read when the edit runs, as the cog reads the store
        await asyncio.sleep(0.005)  # the PATCH
        self.edits.append((poll_id, time.monotonic(), shown))


async def test_a_burst_becomes_few_edits_and_the_last_shows_the_last_vote() -> None:
    votes: dict[int, int] = {}
    recorder = Recorder(votes)
    updates = PollUpdates(recorder.edit, interval=0.1)
    began = time.monotonic()
    for n in range(1, 301):  # 300 votes over about 0.3 s
        votes[1] = n
        updates.changed(1)
        await asyncio.sleep(0.001)
    await updates.flush()
    times = [when for _, when, _ in recorder.edits]
    assert recorder.edits[0][1] - began < 0.05  # the first vote after a quiet spell is shown at once
    assert len(recorder.edits) <= 2 + (times[-1] - began) / 0.1  # at most one edit per interval
    assert all(b - a >= 0.1 for a, b in itertools.pairwise(times))
    assert recorder.edits[-1][2] == 300  # the final state is always written


async def test_polls_are_edited_apart_and_stop_writes_what_is_pending() -> None:
    votes = {1: 1, 2: 1}
    recorder = Recorder(votes)
    updates = PollUpdates(recorder.edit, interval=10.0)
    updates.changed(1)
    updates.changed(2)
    await asyncio.sleep(0.05)
    assert sorted(p for p, _, _ in recorder.edits) == [1, 2]  # one poll's quiet spell never delays another's
    votes[1] = 5
    updates.changed(1)  # waits for the 10 s quiet spell...
    await asyncio.sleep(0.05)
    assert [shown for p, _, shown in recorder.edits if p == 1] == [1]
    await updates.stop()  # ...unless the bot stops: then it is written at once
    assert [shown for p, _, shown in recorder.edits if p == 1][-1] == 5


async def test_the_lock_keeps_a_live_edit_from_landing_after_the_final_one() -> None:
    order: list[str] = []
    updates: PollUpdates

    async def slow_edit(poll_id: int) -> None:
        async with updates.lock(poll_id):
            order.append("live starts")
            await asyncio.sleep(0.05)
            order.append("live ends")

    updates = PollUpdates(slow_edit, interval=0.01)
    updates.changed(1)
    await asyncio.sleep(0.01)
    async with updates.lock(1):  # what the cog's show_final takes
        order.append("final")
    assert order == ["live starts", "live ends", "final"]
    await updates.stop()


async def test_a_failing_edit_is_logged_and_later_ones_still_run(caplog) -> None:
    calls: list[int] = []

    async def flaky(poll_id: int) -> None:
        calls.append(poll_id)
        if len(calls) == 1:
            raise RuntimeError("Discord said no")

    updates = PollUpdates(flaky, interval=0.01)
    updates.changed(1)
    await asyncio.sleep(0.005)
    updates.changed(1)
    await updates.flush()
    assert calls == [1, 1] and "Could not show the latest votes" in caplog.text


async def test_stopping_while_discord_keeps_the_last_edit_waiting_is_a_warning(caplog) -> None:
    """The last edit held past the timeout (a rate limit at shutdown) is said plainly, not logged as a crash."""
    held = asyncio.Event()

    async def edit(poll_id: int) -> None:
        held.set()
        await asyncio.sleep(10)  # Discord's rate limit outlasts the stop

    updates = PollUpdates(edit, interval=0.01)
    updates.changed(1)
    await held.wait()
    await updates.stop(timeout=0.05)
    assert [r.levelname for r in caplog.records if r.name == "cogs.theories.updates"] == ["WARNING"]
    assert "latest votes of 1 theory poll(s)" in caplog.text and not [r for r in caplog.records if r.exc_info]
