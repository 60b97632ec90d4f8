"""kill -9 of the bot process while members vote: every vote the bot acknowledged survives, the file is intact."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from bot_under_test import bot_env, bot_process, running_bot

from standin import StandIn, message_text

VOTERS = 60


def _answered_clicks(standin: StandIn) -> int:
    return sum(1 for r in standin.replies.values() if r.kind == "component" and r.callback_type is not None)


async def test_kill_9_while_voting_keeps_every_acknowledged_vote(tmp_path: Path, settings) -> None:
    db = tmp_path / "votes.db"
    async with StandIn() as standin:
        voters = [standin.world.add_member(f"voter{i}") for i in range(VOTERS)]
        env = bot_env(db, standin, LOG_LEVEL="WARNING")
        async with bot_process(env, tmp_path) as child:
            await asyncio.wait_for(standin.connected.wait(), 60)
            poll = await standin.slash("theory poll", user=standin.world.moderator, channel="spoilers", timeout=30)
            poll_id = int(re.search(r"Theory poll #(\d+)", message_text(poll.message)).group(1))

            acknowledged: dict[int, int] = {}

            async def vote(index: int) -> None:
                user, position = voters[index], 1 + index % 3
                await standin.click(poll.message, f"poll:{poll_id}:{position}", user=user, timeout=5)
                acknowledged[user.id] = position  # reached only if the bot answered the click

            clicks = [asyncio.create_task(vote(i)) for i in range(VOTERS)]
            await standin.wait_until(lambda: _answered_clicks(standin) >= VOTERS // 3, timeout=60)
            await child.kill()  # SIGKILL: no clean-up of any kind
            await asyncio.gather(*clicks, return_exceptions=True)  # the unanswered ones time out

        assert len(acknowledged) >= VOTERS // 3
        # The bot comes back on the same file; the poll and its buttons still work.
        async with running_bot(standin, replace(settings, database_path=db)):
            late = standin.world.add_member("late-voter")
            current = standin.messages[int(poll.message["id"])]
            reply = await standin.click(current, f"poll:{poll_id}:2", user=late)
            assert reply.callback_type in (4, 7)
        assert standin.problems == []

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(conn.execute("SELECT user_id, position FROM votes WHERE poll_id = ?", (poll_id,)))
    for user_id, position in acknowledged.items():
        assert stored.get(user_id) == position, f"acknowledged vote of {user_id} lost"
    assert stored.get(late.id) == 2
