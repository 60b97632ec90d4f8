"""Members' theories, theory polls and their votes: one server's state, changed by commands and buttons.

Votes live only here: a vote is one statement (an upsert, or a delete to withdraw) that also checks the poll is open,
and every count is read back from the votes table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ..models import Level, MemberTheory, OptionVotes, Poll, PollOption, PollSummary, Review, Shards, VoteOutcome
from .base import StoreBase, iso, time_or_none
from .errors import QueueFull

_MEMBER_THEORY_COLUMNS = "id, guild_id, title, claim, author_id, status, created_at, reviewed_by, reviewed_at, spoiler"
_OPEN = "closed_at IS NULL AND closes_at > ?"


def _member_theory(row: sqlite3.Row) -> MemberTheory:
    return MemberTheory(
        row["id"],
        row["guild_id"],
        row["title"],
        row["claim"],
        row["author_id"],
        Review(row["status"]),
        datetime.fromisoformat(row["created_at"]),
        row["reviewed_by"],
        time_or_none(row["reviewed_at"]),
        Level(row["spoiler"]),
    )


class TheoryStore(StoreBase):
    # -- members' theories ------------------------------------------------------------------------------------------

    async def add_member_theory(
        self,
        guild_id: int,
        title: str,
        claim: str,
        author_id: int,
        now: datetime,
        spoiler: Level = Level.ENDING,
        *,
        caps: tuple[int, int] | None = None,
    ) -> MemberTheory | None:
        """Queue a suggestion for review; None if this server already has a theory of that title (any case).

        With ``caps`` (waiting per member, waiting per server), raises ``QueueFull`` instead of queueing beyond
        them; the counts and the insert are made under the write lock, so concurrent suggestions cannot pass a cap.
        """
        try:
            async with self._write_lock:
                if caps is not None:
                    mine, everyone = await self.waiting_counts(guild_id, author_id)
                    if mine >= caps[0] or everyone >= caps[1]:
                        raise QueueFull(mine, everyone)
                cursor = await self._conn.execute(
                    "INSERT INTO member_theories (guild_id, title, claim, author_id, created_at, spoiler) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, title, claim, author_id, iso(now), int(spoiler)),
                )
        except sqlite3.IntegrityError:
            return None
        assert cursor.lastrowid is not None
        return MemberTheory(cursor.lastrowid, guild_id, title, claim, author_id, Review.PENDING, now, spoiler=spoiler)

    async def member_theory(self, guild_id: int, theory_id: int) -> MemberTheory | None:
        row = await self._row(
            f"SELECT {_MEMBER_THEORY_COLUMNS} FROM member_theories WHERE guild_id = ? AND id = ?",
            (guild_id, theory_id),
        )
        return None if row is None else _member_theory(row)

    async def member_theories(self, guild_id: int, status: Review, limit: int = -1) -> list[MemberTheory]:
        """A server's suggestions in one state, oldest first."""
        rows = await self._rows(
            f"SELECT {_MEMBER_THEORY_COLUMNS} FROM member_theories WHERE guild_id = ? AND status = ? "
            "ORDER BY id LIMIT ?",
            (guild_id, status.value, limit),
        )
        return [_member_theory(row) for row in rows]

    async def waiting_counts(self, guild_id: int, author_id: int) -> tuple[int, int]:
        """Suggestions waiting for review in a server: the member's own, and everyone's."""
        row = await self._row(
            "SELECT COUNT(*) AS everyone, COALESCE(SUM(author_id = ?), 0) AS mine FROM member_theories "
            "WHERE guild_id = ? AND status = ?",
            (author_id, guild_id, Review.PENDING.value),
        )
        assert row is not None
        return int(row["mine"]), int(row["everyone"])

    async def count_member_theories(self, guild_id: int, status: Review) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM member_theories WHERE guild_id = ? AND status = ?", (guild_id, status.value)
        )

    async def member_theory_titles(self, guild_id: int) -> list[str]:
        """Every title this server holds, whatever its review state (titles are unique per server)."""
        rows = await self._rows("SELECT title FROM member_theories WHERE guild_id = ?", (guild_id,))
        return [row["title"] for row in rows]

    async def review_member_theory(
        self, guild_id: int, theory_id: int, decision: Review, reviewer_id: int, now: datetime
    ) -> bool:
        """Approve or reject a pending suggestion; False if it is not pending (someone reviewed it first)."""
        if decision is Review.PENDING:
            raise ValueError("a review approves or rejects")
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE member_theories SET status = ?, reviewed_by = ?, reviewed_at = ? "
                "WHERE guild_id = ? AND id = ? AND status = 'pending'",
                (decision.value, reviewer_id, iso(now), guild_id, theory_id),
            )
        return cursor.rowcount == 1

    async def set_member_theory_level(self, guild_id: int, theory_id: int, level: Level) -> bool:
        """A moderator's choice of how much a waiting suggestion gives away; False if it is not pending any more."""
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE member_theories SET spoiler = ? WHERE guild_id = ? AND id = ? AND status = 'pending'",
                (int(level), guild_id, theory_id),
            )
        return cursor.rowcount == 1

    # -- polls ------------------------------------------------------------------------------------------------------

    async def create_poll(
        self,
        guild_id: int,
        channel_id: int,
        author_id: int,
        *,
        hidden: bool,
        created_at: datetime,
        closes_at: datetime,
        options: Sequence[tuple[str, str, Level]],
    ) -> Poll:
        """A new open poll with its options (theory key, title, spoiler level) numbered from 1."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO polls (guild_id, channel_id, author_id, hidden, created_at, closes_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, author_id, int(hidden), iso(created_at), iso(closes_at)),
            )
            poll_id = cursor.lastrowid
            assert poll_id is not None
            rows = [(poll_id, i, key, title, int(level)) for i, (key, title, level) in enumerate(options, start=1)]
            await db.executemany(
                "INSERT INTO poll_options (poll_id, position, theory_key, title, spoiler) VALUES (?, ?, ?, ?, ?)", rows
            )
        return Poll(
            poll_id,
            guild_id,
            channel_id,
            None,
            author_id,
            hidden,
            created_at,
            closes_at,
            None,
            tuple(PollOption(p, k, t, Level(s)) for _, p, k, t, s in rows),
        )

    async def set_poll_message(self, poll_id: int, message_id: int) -> None:
        async with self._write_lock:
            await self._conn.execute("UPDATE polls SET message_id = ? WHERE id = ?", (message_id, poll_id))

    async def delete_poll(self, poll_id: int) -> None:
        """Forget a poll whose message could not be posted (its options and votes go with it)."""
        async with self.transaction() as db:
            await db.execute("DELETE FROM votes WHERE poll_id = ?", (poll_id,))
            await db.execute("DELETE FROM polls WHERE id = ?", (poll_id,))

    async def poll(self, poll_id: int) -> Poll | None:
        polls = await self._polls("p.id = ?", (poll_id,))
        return polls[0] if polls else None

    async def _polls(self, where: str, params: tuple[object, ...]) -> list[Poll]:
        sql = (
            "SELECT p.id, p.guild_id, p.channel_id, p.message_id, p.author_id, p.hidden, p.created_at, p.closes_at, "
            "p.closed_at, o.position, o.theory_key, o.title, o.spoiler "
            f"FROM polls p JOIN poll_options o ON o.poll_id = p.id WHERE {where} ORDER BY p.id, o.position"
        )
        by_poll: dict[int, list[sqlite3.Row]] = {}
        for row in await self._rows(sql, params):
            by_poll.setdefault(row["id"], []).append(row)
        return [
            Poll(
                r[0]["id"],
                r[0]["guild_id"],
                r[0]["channel_id"],
                r[0]["message_id"],
                r[0]["author_id"],
                bool(r[0]["hidden"]),
                datetime.fromisoformat(r[0]["created_at"]),
                datetime.fromisoformat(r[0]["closes_at"]),
                time_or_none(r[0]["closed_at"]),
                tuple(PollOption(o["position"], o["theory_key"], o["title"], Level(o["spoiler"])) for o in r),
            )
            for r in by_poll.values()
        ]

    async def poll_summaries(self, guild_id: int, *, open_only: bool = False, limit: int = 25) -> list[PollSummary]:
        """A server's polls for a picker, newest first."""
        where = "guild_id = ?" + (" AND closed_at IS NULL" if open_only else "")
        sql = (
            "SELECT id, closes_at, closed_at, hidden, "
            "(SELECT COUNT(*) FROM poll_options o WHERE o.poll_id = polls.id) AS options, "
            "(SELECT COUNT(*) FROM votes v WHERE v.poll_id = polls.id) AS voters "
            f"FROM polls WHERE {where} ORDER BY id DESC LIMIT ?"
        )
        rows = await self._rows(sql, (guild_id, limit))
        return [
            PollSummary(
                r["id"],
                datetime.fromisoformat(r["closes_at"]),
                time_or_none(r["closed_at"]),
                bool(r["hidden"]),
                r["options"],
                r["voters"],
            )
            for r in rows
        ]

    async def close_poll(self, poll_id: int, now: datetime) -> bool:
        """Mark a poll closed; False if it already was (so only one closer shows its final results)."""
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (iso(now), poll_id)
            )
        return cursor.rowcount == 1

    async def due_polls(self, now: datetime, shards: Shards | None = None) -> list[Poll]:
        """Open polls whose deadline has passed (also while the bot was down), of the servers ``shards`` own."""
        owned, params = _owned(shards)
        return await self._polls(
            f"p.id IN (SELECT id FROM polls WHERE closed_at IS NULL AND closes_at <= ?{owned})", (iso(now), *params)
        )

    async def next_deadline(self, shards: Shards | None = None) -> datetime | None:
        """The earliest deadline of an open poll in a server ``shards`` own, or None if there is none."""
        owned, params = _owned(shards)
        value = await self._scalar(f"SELECT MIN(closes_at) FROM polls WHERE closed_at IS NULL{owned}", params)
        return None if value is None else datetime.fromisoformat(str(value))

    async def reschedule_poll(self, poll_id: int, closes_at: datetime) -> bool:
        """Move an open poll's deadline; False if the poll is closed or unknown."""
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE polls SET closes_at = ? WHERE id = ? AND closed_at IS NULL", (iso(closes_at), poll_id)
            )
        return cursor.rowcount == 1

    # -- votes ------------------------------------------------------------------------------------------------------

    async def vote(self, poll_id: int, user_id: int, position: int, now: datetime) -> VoteOutcome:
        """A member pressed option ``position``: vote for it, move their vote to it, or withdraw it if it was theirs.

        Each write is one statement that also checks the poll is still open at ``now``, so a vote can never land on a
        closed poll and concurrent presses by many members never lose a vote.
        """
        at = iso(now)
        async with self._write_lock:
            cursor = await self._conn.execute(
                "INSERT INTO votes (poll_id, user_id, position, voted_at) "
                f"SELECT id, ?, ?, ? FROM polls WHERE id = ? AND {_OPEN} "
                "ON CONFLICT (poll_id, user_id) DO UPDATE "
                "SET position = excluded.position, voted_at = excluded.voted_at "
                "WHERE votes.position != excluded.position",
                (user_id, position, at, poll_id, at),
            )
            if cursor.rowcount == 1:
                return VoteOutcome.RECORDED
            cursor = await self._conn.execute(
                "DELETE FROM votes WHERE poll_id = ? AND user_id = ? AND position = ? "
                f"AND EXISTS (SELECT 1 FROM polls WHERE id = ? AND {_OPEN})",
                (poll_id, user_id, position, poll_id, at),
            )
        return VoteOutcome.WITHDRAWN if cursor.rowcount == 1 else VoteOutcome.CLOSED

    async def tallies(self, poll_id: int) -> dict[int, int]:
        """Votes per option position (options nobody chose are absent)."""
        rows = await self._rows(
            "SELECT position, COUNT(*) AS n FROM votes WHERE poll_id = ? GROUP BY position", (poll_id,)
        )
        return {row["position"]: row["n"] for row in rows}

    async def voter_count(self, poll_id: int) -> int:
        return await self._count("SELECT COUNT(*) FROM votes WHERE poll_id = ?", (poll_id,))

    async def poll_results(self, guild_id: int, *, theory_key: str | None = None) -> list[tuple[Poll, dict[int, int]]]:
        """A server's polls (only those that included ``theory_key``, if given) with their votes, oldest first."""
        where = "p.guild_id = ?"
        params: tuple[object, ...] = (guild_id,)
        if theory_key is not None:
            where += " AND p.id IN (SELECT poll_id FROM poll_options WHERE theory_key = ?)"
            params = (guild_id, theory_key)
        polls = await self._polls(where, params)
        counts: dict[int, dict[int, int]] = {poll.id: {} for poll in polls}
        sql = (
            "SELECT v.poll_id, v.position, COUNT(*) AS n FROM votes v JOIN polls p ON p.id = v.poll_id "
            f"WHERE {where} GROUP BY v.poll_id, v.position"
        )
        rows = await self._rows(sql, params)
        for row in rows:
            counts[row["poll_id"]][row["position"]] = row["n"]
        return [(poll, counts[poll.id]) for poll in polls]

    async def closed_option_votes(self, guild_id: int) -> list[OptionVotes]:
        """Every option of every closed poll in a server with its votes: what the all-time standings are made of."""
        sql = (
            "SELECT o.poll_id, o.theory_key, o.title, o.spoiler, "
            "(SELECT COUNT(*) FROM votes v WHERE v.poll_id = o.poll_id AND v.position = o.position) AS n "
            "FROM poll_options o JOIN polls p ON p.id = o.poll_id "
            "WHERE p.guild_id = ? AND p.closed_at IS NOT NULL ORDER BY o.poll_id, o.position"
        )
        rows = await self._rows(sql, (guild_id,))
        return [OptionVotes(r["poll_id"], r["theory_key"], r["title"], Level(r["spoiler"]), r["n"]) for r in rows]


def _owned(shards: Shards | None) -> tuple[str, tuple[int, ...]]:
    """The condition (and its parameters) that keeps the rows of the servers ``shards`` own: Discord's
    ``(guild_id >> 22) % shard_count``, which SQLite and PostgreSQL compute alike."""
    if shards is None or shards.all or shards.ids is None:
        return "", ()
    ids = sorted(shards.ids)
    marks = ", ".join("?" * len(ids))
    return f" AND ((guild_id >> 22) % ?) IN ({marks})", (shards.count, *ids)
